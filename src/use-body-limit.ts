import { createRequire } from 'node:module';
import type { FetchAPI, Plugin } from 'graphql-yoga';

// yoga, on graphql's CommonJS build, answers with an error's status and code only when it is
// a GraphQLError of its own realm (see use-cost-limit.ts); a bundler may give this file the ESM build.
const { GraphQLError } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

// Only one non-negative integer is a Content-Length; a list (`5, 5`, as in smuggling attempts)
// or anything else is refused, not left to skip the check.
const CONTENT_LENGTH = /^\d+$/;

const tooLarge = () => new GraphQLError('Request body too large', { extensions: { code: 'REQUEST_ENTITY_TOO_LARGE', http: { status: 413 } } });
const badLength = () => new GraphQLError('Content-Length header is invalid.', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });

/**
 * The request body limit, as yoga's `maxRequestBodySize` keeps it (413
 * REQUEST_ENTITY_TOO_LARGE for a declared Content-Length over the limit, before reading, and
 * for a chunked body once it passes it; 400 for a Content-Length that is not one number), at
 * a lower cost. yoga pipes every body through a TransformStream and a second Request: ~13%
 * of a ticket(id) request's CPU (bench/README.md). A body with a Content-Length within the limit is not
 * wrapped: node:http frames it by that length (its parser refuses a request carrying both
 * Content-Length and Transfer-Encoding), and the fetch ponyfill sets it from the body it was
 * given, so such a body cannot grow past what it declared. Only a body of unknown length is
 * counted as it is read.
 */
export function useBodyLimit(limit: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (!CONTENT_LENGTH.test(declared)) throw badLength();
        if (Number(declared) > limit) throw tooLarge();
        return;
      }
      if (!requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser(async (unbounded) => {
        const counted = counting(unbounded, limit, fetchAPI);
        try {
          return await parse(counted.request);
        } catch (error) {
          // The parser reports a failed read as invalid JSON; past the limit it is ours.
          if (counted.exceeded()) throw tooLarge();
          throw error;
        }
      });
    },
  };
}

/** The request again, its body failing once more than `limit` bytes came, and whether that happened. */
function counting(request: Request, limit: number, fetchAPI: FetchAPI): { request: Request; exceeded: () => boolean } {
  let read = 0;
  // A native body needs the native TransformStream, a ponyfill one the ponyfill's (graphql-yoga#4583).
  const Transform = request.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  const body = request.body!.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        if (read > limit) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  return {
    request: new fetchAPI.Request(request.url, { method: request.method, headers: request.headers, signal: request.signal, body, duplex: 'half' } as RequestInit),
    exceeded: () => read > limit,
  };
}
