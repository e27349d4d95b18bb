import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { FetchAPI, Plugin } from 'graphql-yoga';

export type Encoding = 'br' | 'gzip';

const COMPRESSIBLE = /^(application\/(json|graphql-response\+json|javascript)|text\/|multipart\/mixed)/i;
/** Incremental delivery: each part must leave as soon as it is produced, not when the stream ends. */
const STREAMING = /^(multipart\/mixed|text\/event-stream)/i;
/** Below this, the headers and the compressor's framing cost more than they save. */
const MIN_BYTES = 1024;

// Quality 5, not zlib's default 11: 11 is for static assets compressed once; per response it
// costs many times gzip's CPU for a few percent. 5 is about gzip -6 in speed and smaller.
const BROTLI = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT } };
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * The encoding to use for an Accept-Encoding header: br or gzip by their q-values (br on a
 * tie: smaller at the same speed), `*` standing for either, q=0 refusing; null for identity.
 */
export function negotiateEncoding(header: string | null): Encoding | null {
  if (!header) return null;
  const q = new Map<string, number>();
  for (const item of header.split(',')) {
    const [name = '', ...params] = item.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const weight = (name: Encoding) => q.get(name) ?? q.get(name === 'gzip' ? 'x-gzip' : name) ?? q.get('*') ?? 0;
  const br = weight('br');
  const gz = weight('gzip');
  if (br <= 0 && gz <= 0) return null;
  return br >= gz ? 'br' : 'gzip';
}

function compressor(encoding: Encoding): zlib.BrotliCompress | zlib.Gzip {
  return encoding === 'br' ? zlib.createBrotliCompress(BROTLI) : zlib.createGzip();
}

/**
 * Compresses a streamed body, flushing the compressor once each burst of chunks has been
 * written (on the next macrotask), so a multipart part or an SSE event reaches the client
 * when it is produced: a compressor left alone would hold small parts until the end.
 */
function compressStream(body: AsyncIterable<Uint8Array>, encoding: Encoding): Readable {
  const source = Readable.from(body, { objectMode: false });
  const output = compressor(encoding);
  const flushKind = encoding === 'br' ? zlib.constants.BROTLI_OPERATION_FLUSH : zlib.constants.Z_SYNC_FLUSH;
  let scheduled = false;
  source.on('data', (chunk: Buffer) => {
    if (!output.write(chunk)) {
      source.pause();
      output.once('drain', () => source.resume());
    }
    if (!scheduled) {
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        if (!output.writableEnded && !output.destroyed) output.flush(flushKind);
      });
    }
  });
  source.once('end', () => output.end());
  source.once('error', (error) => output.destroy(error));
  output.once('close', () => source.destroy());
  return output;
}

/** Large bodies that repeat (the GraphiQL page, 9 MB) are compressed once per encoding. */
class LastCompressed {
  readonly #entries: { encoding: Encoding; source: Buffer; compressed: Buffer }[] = [];
  get(encoding: Encoding, source: Buffer): Buffer | undefined {
    return this.#entries.find((e) => e.encoding === encoding && e.source.equals(source))?.compressed;
  }
  set(encoding: Encoding, source: Buffer, compressed: Buffer): void {
    this.#entries.unshift({ encoding, source, compressed });
    this.#entries.length = Math.min(this.#entries.length, 4);
  }
}
const CACHE_FROM_BYTES = 256 * 1024;

/**
 * gzip and br by Accept-Encoding, for JSON, multipart/mixed, SSE and the GraphiQL page.
 * Replaces @whatwg-node/server's useContentEncoding, which splits Accept-Encoding on ','
 * without trimming or reading q-values (`gzip, br` never yields br), compresses streams
 * without flushing (deferred parts would wait for the end), uses brotli's slowest quality,
 * and sets no `Vary`.
 */
export function useCompression(): Plugin {
  const cache = new LastCompressed();
  return {
    // Not async: most answers leave in the synchronous part, and an async hook would cost
    // every response a promise and a turn of the microtask queue.
    onResponse({ request, response, setResponse, fetchAPI }) {
      const type = response.headers.get('content-type') ?? '';
      if (!response.body || !COMPRESSIBLE.test(type) || response.headers.has('content-encoding')) return;
      if (request.method === 'HEAD' || response.status === 204 || response.status === 304) return;
      const encoding = negotiateEncoding(request.headers.get('accept-encoding'));
      const length = Number(response.headers.get('content-length') ?? NaN);
      if (!encoding || length < MIN_BYTES) {
        // Caches must key on Accept-Encoding whether or not this answer was compressed. Set
        // on the answer itself: most answers are small, and a copy of them per request cost.
        response.headers.append('vary', 'Accept-Encoding');
        return;
      }
      const headers = new fetchAPI.Headers(response.headers);
      headers.append('vary', 'Accept-Encoding');
      const init = { status: response.status, statusText: response.statusText, headers };
      headers.set('content-encoding', encoding);
      headers.delete('content-length');
      if (!STREAMING.test(type)) return compressWhole(response, encoding, init, cache, fetchAPI).then(setResponse);
      const stream = compressStream(response.body as unknown as AsyncIterable<Uint8Array>, encoding);
      const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      const body = new fetchAPI.ReadableStream<Uint8Array>({
        async pull(controller) {
          const { value, done } = await chunks.next();
          if (done) controller.close();
          else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
        },
        cancel() {
          stream.destroy();
        },
      });
      setResponse(new fetchAPI.Response(body, init));
    },
  };
}

/** A whole (not streamed) answer compressed, or as it was when it turns out smaller than MIN_BYTES. */
async function compressWhole(
  response: Response,
  encoding: Encoding,
  init: { status: number; statusText: string; headers: Headers },
  cache: LastCompressed,
  fetchAPI: FetchAPI,
): Promise<Response> {
  const { headers } = init;
  const source = Buffer.from(await response.arrayBuffer());
  if (source.length < MIN_BYTES) {
    headers.delete('content-encoding');
    headers.set('content-length', String(source.length));
    return new fetchAPI.Response(source as Buffer<ArrayBuffer>, init);
  }
  let compressed = source.length >= CACHE_FROM_BYTES ? cache.get(encoding, source) : undefined;
  if (!compressed) {
    compressed = encoding === 'br' ? await brotli(source, BROTLI) : await gzip(source);
    if (source.length >= CACHE_FROM_BYTES) cache.set(encoding, source, compressed);
  }
  headers.set('content-length', String(compressed.length));
  return new fetchAPI.Response(compressed as Buffer<ArrayBuffer>, init);
}
