import { readFileSync } from 'node:fs';
import { collectDefaultMetrics } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

/*
 * Issue 21: the Grafana dashboard in ops/ plots metrics this server exports. A renamed
 * metric would leave a panel silently empty; this keeps the two in step.
 */
describe('ops/grafana-dashboard.json', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ sandbox: { tickets: 5 } });
    collectDefaultMetrics({ register: server.metrics.registry });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('queries only metrics that /metrics exports', async () => {
    await server.gql('{ tickets(first: 2) { nodes { id } } }');
    await server.gql('{ nope }');
    const scrape = await (await server.yoga.fetch('http://ticketgraph.test/metrics')).text();
    const exported = new Set([...scrape.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    const dashboard = JSON.parse(readFileSync(new URL('../../ops/grafana-dashboard.json', import.meta.url), 'utf8')) as { panels: { type: string; targets?: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((panel) => panel.targets ?? []).map((target) => target.expr);
    expect(exprs.length).toBeGreaterThan(10);
    const used = new Set(exprs.flatMap((expr) => [...expr.matchAll(/\b((?:ticketgraph|graphql|nodejs|process)_[a-z0-9_]+?)(?:_bucket|_count|_sum)?(?=[{[\s)])/g)].map((m) => m[1]!)));
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
    for (const name of [
      'ticketgraph_upstream_requests_total',
      'ticketgraph_provider_breaker_open',
      'ticketgraph_payload_drift_total',
      'nodejs_eventloop_lag_p99_seconds',
      'process_resident_memory_bytes',
    ]) {
      expect(used).toContain(name);
    }
  });
});
