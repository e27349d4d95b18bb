/** One payload of an incremental (@defer/@stream) response, as graphql-yoga sends it. */
export interface IncrementalPayload {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  incremental?: {
    data?: Record<string, unknown> | null;
    items?: unknown[];
    path: (string | number)[];
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  }[];
  hasNext?: boolean;
  extensions?: Record<string, unknown>;
}

async function* chunksOf(body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>): AsyncGenerator<Buffer> {
  for await (const chunk of body as AsyncIterable<Uint8Array>) yield Buffer.from(chunk);
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Reads a `multipart/mixed` body part by part, as each arrives (by each part's Content-Length,
 * counted in bytes), so a test sees the order in which the server sent them.
 */
export async function* readMultipart(response: Response | AsyncIterable<Uint8Array>): AsyncGenerator<IncrementalPayload> {
  const body = response instanceof Response ? response.body : response;
  if (!body) return;
  let buffer = Buffer.alloc(0);
  for await (const chunk of chunksOf(body)) {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const headerEnd = buffer.indexOf(HEADER_END);
      if (headerEnd < 0) break;
      const length = /content-length:\s*(\d+)/i.exec(buffer.subarray(0, headerEnd).toString('utf8'))?.[1];
      if (length === undefined) throw new Error(`multipart part without Content-Length: ${buffer.subarray(0, headerEnd).toString('utf8')}`);
      const start = headerEnd + HEADER_END.length;
      const end = start + Number(length);
      if (buffer.length < end) break;
      yield JSON.parse(buffer.subarray(start, end).toString('utf8')) as IncrementalPayload;
      buffer = buffer.subarray(end);
    }
  }
}

/** Reads a `text/event-stream` body: the `next` events' payloads, until `complete`. */
export async function* readEventStream(response: Response): AsyncGenerator<IncrementalPayload> {
  if (!response.body) return;
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of chunksOf(response.body)) {
    text += decoder.decode(chunk, { stream: true });
    let boundary: number;
    while ((boundary = text.indexOf('\n\n')) >= 0) {
      const event = text.slice(0, boundary);
      text = text.slice(boundary + 2);
      const name = /^event: (.*)$/m.exec(event)?.[1];
      const data = event
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (name === 'complete') return;
      if (data) yield JSON.parse(data) as IncrementalPayload;
    }
  }
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of iterable) all.push(item);
  return all;
}
