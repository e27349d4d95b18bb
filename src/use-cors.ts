import type { Plugin } from 'graphql-yoga';

/** Who may read the API from a browser page of another origin. */
export type CorsSettings =
  /** No CORS headers: browsers keep other origins out (same-origin pages and non-browser clients work). */
  | { mode: 'off'; maxAgeSeconds: number }
  /** `Access-Control-Allow-Origin: *`, never with credentials: for an open development server. */
  | { mode: 'any'; maxAgeSeconds: number }
  /** Exactly these origins (scheme://host[:port]), reflected with credentials. */
  | { mode: 'list'; origins: string[]; maxAgeSeconds: number };

const ALLOWED_METHODS = 'GET, POST';
// What GraphQL clients send: the content type, our two credentials, Apollo's and yoga's
// CSRF/preflight headers, Apollo client awareness, federation tracing.
const ALLOWED_HEADERS = [
  'content-type',
  'authorization',
  'x-api-key',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  'apollo-federation-include-trace',
].join(', ');

/**
 * CORS by an explicit list. yoga's default reflects any Origin (also `null`) with
 * credentials, which lets every page on the web read the API with the browser's cookies
 * and cached auth; its `origin: '*'` option reflects the caller's origin too. So yoga's is
 * off (`cors: false`) and this one answers:
 * - `off`: no CORS headers at all; a preflight gets 204 without them, so browsers refuse.
 * - `any`: `Access-Control-Allow-Origin: *`, never with credentials.
 * - `list`: the request's Origin when it is listed, with credentials and `Vary: Origin`.
 */
export function useCors(cors: CorsSettings): Plugin {
  const allowed = cors.mode === 'list' ? new Set(cors.origins) : null;
  const headersFor = (request: Request): Record<string, string> | null => {
    const origin = request.headers.get('origin');
    if (cors.mode === 'off' || origin === null) return null;
    if (cors.mode === 'any') return { 'access-control-allow-origin': '*' };
    if (!allowed?.has(origin)) return null;
    return { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' };
  };
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== 'OPTIONS') return;
      const headers: Record<string, string> = { 'content-length': '0', ...headersFor(request) };
      if (headers['access-control-allow-origin']) {
        headers['access-control-allow-methods'] = ALLOWED_METHODS;
        headers['access-control-allow-headers'] = ALLOWED_HEADERS;
        headers['access-control-max-age'] = String(cors.maxAgeSeconds);
      }
      endResponse(new fetchAPI.Response(null, { status: 204, headers }));
    },
    onResponse({ request, response }) {
      // The answer differs by Origin whenever a list is configured: shared caches must know.
      if (cors.mode === 'list') response.headers.append('vary', 'Origin');
      const headers = headersFor(request);
      if (!headers) return;
      for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    },
  };
}
