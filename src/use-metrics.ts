import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import type { Registry } from 'prom-client';

/** yoga's Prometheus metrics on our registry; `endpoint` null: /metrics is served elsewhere (METRICS_PORT) or not at all. */
export function useMetrics(options: { endpoint: string | null; registry: Registry }): Plugin {
  return usePrometheus({
    endpoint: options.endpoint ?? false,
    registry: options.registry,
    // Only labels with a bounded set of values: the URL (query string included) and the
    // client's operation name made one series per distinct value, kept for the life of
    // the process (22,000 URLs: 22,000 histogram series, 308,000 values); an error's path
    // carries client-chosen aliases.
    labels: { url: false, operationName: false, path: false },
    // Off: the ones that cost on every request and tell little here. The deprecated-field
    // counter walks each document with TypeInfo, the summary keeps a t-digest per label
    // set, and parse/validate hit yoga's caches after the first request of a shape.
    metrics: {
      graphql_envelop_deprecated_field: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: false,
    },
  });
}
