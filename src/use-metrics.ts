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
    // Two metrics, both read by ops/grafana-dashboard.json: the HTTP duration histogram
    // (rate by status, latency quantiles) and the error counter. Everything else is off:
    // it costs on every request and repeats these two (the request counter and duration
    // are the histogram's _count and _sum again, the execute and context phases sit
    // inside its time) or tells little (parse and validate hit yoga's caches after the
    // first request of a shape); the deprecated-field counter walks each document with
    // TypeInfo and the summary keeps a t-digest per label set. bench/README.md has the cost.
    metrics: {
      graphql_yoga_http_duration: true,
      graphql_envelop_error_result: true,
      graphql_envelop_request: false,
      graphql_envelop_request_duration: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_execute: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_schema_change: false,
      graphql_envelop_execute_resolver: false,
    },
  });
}
