import http from 'node:http';
import https from 'node:https';

/** An upstream answer longer than the configured cap (UPSTREAM_MAX_BODY_BYTES). */
export class BodyTooLargeError extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`upstream body over ${limit} bytes`);
    this.name = 'BodyTooLargeError';
    this.limit = limit;
  }
}

function announcedTooLarge(contentLength: string | null | undefined, limit: number): boolean {
  const length = contentLength == null ? NaN : Number(contentLength);
  return Number.isFinite(length) && length > limit;
}

/**
 * The answer of the node:http transport: its body is already read whole (and capped), so it
 * is kept as the Buffer it arrived in, not wrapped in a web stream that the caller would
 * read back into a second copy. Subclassing keeps it a real `Response` for ky (status,
 * headers, `instanceof`, `clone()` for its hooks); the body methods answer from the Buffer.
 */
export class BufferedResponse extends Response {
  readonly #bytes: Buffer | null;
  constructor(bytes: Buffer | null, init: ResponseInit) {
    super(null, init);
    this.#bytes = bytes;
  }

  /** The body as text, refusing one over `limit` bytes (error bodies are read under a smaller cap). */
  textUpTo(limit: number): string {
    if (!this.#bytes) return '';
    if (this.#bytes.length > limit) throw new BodyTooLargeError(limit);
    return this.#bytes.toString('utf8');
  }

  override text(): Promise<string> {
    return Promise.resolve(this.#bytes?.toString('utf8') ?? '');
  }

  override json(): Promise<unknown> {
    return this.text().then((text) => JSON.parse(text) as unknown);
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#bytes ?? Buffer.alloc(0);
    return Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  }

  override clone(): BufferedResponse {
    return new BufferedResponse(this.#bytes, { status: this.status, statusText: this.statusText, headers: this.headers });
  }
}

/**
 * A response body as text, at most `limit` bytes: an announced Content-Length over it is
 * refused before reading, and the stream is cancelled as soon as it passes it, so a
 * provider (or anything between) cannot make us hold an answer of any size.
 */
export async function readCappedText(response: Response, limit: number): Promise<string> {
  if (response instanceof BufferedResponse) return response.textUpTo(limit);
  const body = response.body;
  if (!body) return '';
  const announced = response.headers.get('content-length');
  if (announcedTooLarge(announced, limit)) {
    void body.cancel().catch(() => undefined);
    throw new BodyTooLargeError(limit);
  }
  // The common case, kept on the runtime's own fast path: HTTP framing holds an unencoded
  // body to its Content-Length. A compressed one can inflate far past it (fetch decodes
  // gzip), so it is counted as it is read, like a body of unannounced length.
  if (announced !== null && !response.headers.has('content-encoding')) return response.text();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      void reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

/** One attempt that got no complete answer within its timeout (UPSTREAM_TIMEOUT_MS). */
export class AttemptTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

export interface SendOptions {
  /** The call's deadline and the client's disconnect: the attempt fails with its reason. */
  signal?: AbortSignal | undefined;
  /** This attempt's own timeout; it fails with AttemptTimeoutError. */
  timeoutMs?: number | undefined;
  /**
   * The client's fixed headers (accept, auth), sent under the Request's own: they are the
   * same on every call, so they are not copied into each Request (and so not into errors).
   */
  headers?: Readonly<Record<string, string>> | undefined;
}

/**
 * One HTTP exchange of an upstream call. The Request carries method, URL, headers and body;
 * the deadline and the attempt's timeout come beside it, so that no signal has to be
 * derived and followed per Request (undici's Request clones and follows its signal).
 */
export type Send = (request: Request, options: SendOptions) => Promise<Response>;

/**
 * Any `fetch` as a Send (UPSTREAM_TRANSPORT=fetch, and tests that inject one): the
 * deadline and the timeout become the Request's signal.
 */
export function sendOverFetch(fetch: typeof globalThis.fetch): Send {
  return async (request, { signal, timeoutMs, headers: fixed }) => {
    const timeout = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
    const signals = [signal, timeout].filter((s): s is AbortSignal => s !== undefined);
    const init: RequestInit = {};
    if (signals.length > 0) init.signal = AbortSignal.any(signals);
    if (fixed) {
      const headers = new Headers(fixed);
      request.headers.forEach((value, name) => headers.set(name, value));
      init.headers = headers;
    }
    try {
      return await fetch(init.signal || init.headers ? new Request(request, init) : request);
    } catch (error) {
      if (timeout?.aborted && !signal?.aborted) throw new AttemptTimeoutError(timeoutMs ?? 0);
      throw error;
    }
  };
}

/**
 * A Send over node:http with keep-alive agents: the upstream call skips undici's
 * web-streams machinery, which dominated the gateway's CPU profile per upstream call.
 * Bodies are buffered whole (provider payloads are JSON documents, never streams) and
 * handed over as that one Buffer (BufferedResponse). Failures look like Node's fetch, so
 * ky and fromKyError read them the same either way: `TypeError('fetch failed', { cause })`
 * for the socket, the signal's reason (AbortError, TimeoutError) for an abort.
 */
export function createNodeHttpSend(options: { maxSockets?: number; maxFreeSockets?: number; maxBodyBytes?: number } = {}): Send {
  // Bodies are buffered here, so the cap must be applied here too, not only by the reader.
  const maxBodyBytes = options.maxBodyBytes ?? Infinity;
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 256,
    maxFreeSockets: options.maxFreeSockets ?? 64,
    // The warmest socket first: idle ones then time out instead of all staying half-used.
    scheduling: 'lifo' as const,
  };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);

  return async (request, { signal, timeoutMs, headers: fixed }) => {
    if (signal?.aborted) throw signal.reason;
    const url = new URL(request.url);
    const headers: Record<string, string> = { ...fixed };
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const secure = url.protocol === 'https:';
    return new Promise<Response>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let timedOut = false;
      const settle = () => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const req = (secure ? https : http).request(
        {
          agent: secure ? httpsAgent : httpAgent,
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method: request.method,
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let total = 0;
          const tooLarge = () => {
            settle();
            req.destroy();
            reject(new BodyTooLargeError(maxBodyBytes));
          };
          if (announcedTooLarge(res.headers['content-length'], maxBodyBytes)) return tooLarge();
          res.on('data', (chunk: Buffer) => {
            total += chunk.length;
            if (total > maxBodyBytes) tooLarge();
            else chunks.push(chunk);
          });
          res.on('error', fail);
          res.on('end', () => {
            settle();
            const responseHeaders = new Headers();
            const raw = res.rawHeaders;
            for (let i = 0; i + 1 < raw.length; i += 2) responseHeaders.append(raw[i] as string, raw[i + 1] as string);
            const status = res.statusCode ?? 502;
            const nullBody = status === 204 || status === 205 || status === 304 || request.method === 'HEAD';
            const bytes = nullBody ? null : chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
            resolve(new BufferedResponse(bytes, { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
          });
        },
      );
      function fail(error: Error) {
        settle();
        if (timedOut) reject(new AttemptTimeoutError(timeoutMs ?? 0));
        else reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
      }
      function onAbort() {
        req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          timedOut = true;
          req.destroy(new AttemptTimeoutError(timeoutMs));
        }, timeoutMs);
      }
      req.on('error', fail);
      req.end(body);
    });
  };
}

/**
 * The node:http Send as a `fetch` (the transport experiment in bench/transport puts it in
 * place of globalThis.fetch): the Request's own signal is the deadline.
 */
export function createNodeHttpFetch(options: { maxSockets?: number; maxFreeSockets?: number; maxBodyBytes?: number } = {}): typeof globalThis.fetch {
  const send = createNodeHttpSend(options);
  return (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    return send(request, { signal: request.signal });
  };
}
