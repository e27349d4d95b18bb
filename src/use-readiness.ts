import type { Plugin } from 'graphql-yoga';
import type { Registry } from './providers/registry.js';
import type { Readiness } from './readiness.js';

/**
 * `GET /ready`: 200 with each provider's circuit breaker state once the replica is ready,
 * 503 while it starts or drains, and the state of the shared-state Redis (`up`, `down`, `off`).
 * Neither breakers nor Redis make it unready: an upstream outage would otherwise take every
 * replica out at once, and without Redis reads fall back to the in-process cache and pacing.
 */
export function useReadiness(readiness: Readiness, registry: Registry, path = '/ready'): Plugin {
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== path) return;
      const { ready, status, pending } = readiness.state();
      const providers = Object.fromEntries(
        registry
          .status()
          .filter((p) => p.configured)
          .map((p) => [p.key, p.health?.state ?? null]),
      );
      endResponse(
        new fetchAPI.Response(JSON.stringify({ status, ...(pending.length > 0 ? { pending } : {}), redis: registry.redisState(), providers }), {
          status: ready ? 200 : 503,
          headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
        }),
      );
    },
  };
}
