import type { Plugin } from 'graphql-yoga';
import type { Registry } from './providers/registry.js';

/**
 * `GET /ready`: 200 while the gateway can serve, with the state of the shared-state Redis
 * (`up`, `down`, `off`). Redis away is not an outage — reads fall back to the in-process
 * cache and pacing to this process — so it never turns the answer into a 503; a load
 * balancer keeps routing, and the field (and `ticketgraph_redis_up`) tell operators.
 */
export function useReady(registry: Registry): Plugin {
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== '/ready') return;
      endResponse(
        new fetchAPI.Response(JSON.stringify({ status: 'ready', redis: registry.redisState() }), {
          status: 200,
          headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
        }),
      );
    },
  };
}
