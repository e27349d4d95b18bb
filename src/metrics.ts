import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Our own metrics. One registry per server instance (not prom-client's global one), so
 * tests that build several servers in one process count independently.
 */
export interface Metrics {
  registry: Registry;
  upstreamRequests: Counter<'provider' | 'operation' | 'status'>;
  upstreamDuration: Histogram<'provider' | 'operation'>;
  upstreamBadResponses: Counter<'provider' | 'operation'>;
  upstreamCoalesced: Counter<'provider' | 'operation'>;
  breakerState: Gauge<'provider'>;
  cacheReads: Counter<'provider' | 'operation' | 'result'>;
  pacingRefused: Counter<'provider'>;
  redisUp: Gauge;
  payloadDrift: Counter<'provider' | 'kind'>;
  liveEvents: Counter<'source' | 'kind'>;
  webhookDeliveries: Counter<'provider' | 'outcome'>;
  livePolls: Counter<'provider' | 'outcome'>;
}

export function createMetrics(registry = new Registry()): Metrics {
  return {
    registry,
    upstreamRequests: new Counter({
      name: 'ticketgraph_upstream_requests_total',
      help: 'HTTP attempts made to providers, retries included',
      labelNames: ['provider', 'operation', 'status'],
      registers: [registry],
    }),
    upstreamDuration: new Histogram({
      name: 'ticketgraph_upstream_request_duration_seconds',
      help: 'Latency of one HTTP attempt to a provider',
      labelNames: ['provider', 'operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    upstreamCoalesced: new Counter({
      name: 'ticketgraph_upstream_coalesced_total',
      help: 'Provider reads answered by an identical read already in flight, instead of a call of their own',
      labelNames: ['provider', 'operation'],
      registers: [registry],
    }),
    upstreamBadResponses: new Counter({
      name: 'ticketgraph_upstream_bad_responses_total',
      help: 'Provider payloads that broke their schema or were not JSON',
      labelNames: ['provider', 'operation'],
      registers: [registry],
    }),
    payloadDrift: new Counter({
      name: 'ticketgraph_payload_drift_total',
      help: 'Drifted values served from provider payloads that still parsed: kind status, priority, field (unexpected) or missing',
      labelNames: ['provider', 'kind'],
      registers: [registry],
    }),
    breakerState: new Gauge({
      name: 'ticketgraph_provider_breaker_open',
      help: '1 while the circuit breaker of a provider is open',
      labelNames: ['provider'],
      registers: [registry],
    }),
    cacheReads: new Counter({
      name: 'ticketgraph_cache_reads_total',
      help: 'Provider reads by cache result: hit, stale (served while refreshing), miss, bypass (Cache-Control: no-cache)',
      labelNames: ['provider', 'operation', 'result'],
      registers: [registry],
    }),
    pacingRefused: new Counter({
      name: 'ticketgraph_pacing_refused_total',
      help: 'Provider calls not sent because no token of the rate budget was free within the deadline (RATE_LIMITED)',
      labelNames: ['provider'],
      registers: [registry],
    }),
    redisUp: new Gauge({
      name: 'ticketgraph_redis_up',
      help: '1 while the shared-state Redis is connected (0 while away, or not configured)',
      registers: [registry],
    }),
    liveEvents: new Counter({
      name: 'ticketgraph_live_events_total',
      help: 'Ticket changes published to the live feed (Subscription.ticketChanged), by the replica that saw them',
      labelNames: ['source', 'kind'],
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: 'ticketgraph_webhook_deliveries_total',
      help: 'Provider webhook deliveries by outcome: accepted, duplicate, or refused as forged, stale, replayed or malformed',
      labelNames: ['provider', 'outcome'],
      registers: [registry],
    }),
    livePolls: new Counter({
      name: 'ticketgraph_live_polls_total',
      help: 'Polling rounds of a provider by this replica: ok, failed, or skipped (another replica holds the lease)',
      labelNames: ['provider', 'outcome'],
      registers: [registry],
    }),
  };
}
