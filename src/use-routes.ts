import type { Plugin } from 'graphql-yoga';

/**
 * Serves GraphQL on exactly one path and 404s everything else, before authentication or
 * parsing. yoga itself serves GraphQL on any URL that *ends* in its endpoint
 * (`/graphql/`, `//graphql`, `/anything/graphql`, `/x?y=/graphql`), so checking one pathname
 * anywhere later lets those through. `/health` is answered by yoga before this runs.
 */
export function useRoutes(options: { graphqlEndpoint: string; metricsEndpoint: string | null }): Plugin {
  const served = new Set([options.graphqlEndpoint, ...(options.metricsEndpoint ? [options.metricsEndpoint] : [])]);
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (served.has(url.pathname)) return;
      endResponse(new fetchAPI.Response(null, { status: 404 }));
    },
  };
}
