import type { Plugin } from 'graphql-yoga';

// application/graphql+json is the GraphQL-over-HTTP draft's earlier name for the JSON body.
const EXECUTABLE_POST_TYPES = new Set(['application/json', 'application/graphql+json']);

/**
 * Only JSON POSTs execute, as in Apollo Server. A browser sends a form (urlencoded or
 * multipart) or text/plain from any page without a CORS preflight, so such a POST could run
 * a mutation with no client code of ours involved; a JSON POST always needs a preflight,
 * which CORS then refuses. GETs stay as they are: yoga never runs a mutation over GET, and
 * Apollo Client's and urql's GET queries carry no custom header (yoga's header-based
 * useCSRFPrevention would refuse them).
 */
export function useCsrfGuard(): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== 'POST') return;
      const essence = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (EXECUTABLE_POST_TYPES.has(essence)) return;
      endResponse(
        new fetchAPI.Response(
          JSON.stringify({
            errors: [{ message: 'POST bodies must be application/json (or application/graphql+json)', extensions: { code: 'BAD_REQUEST' } }],
          }),
          { status: 415, headers: { 'content-type': 'application/json' } },
        ),
      );
    },
  };
}
