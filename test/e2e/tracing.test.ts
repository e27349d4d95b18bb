import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { createRegistry } from '../../src/providers/registry.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createTicketgraph, type Ticketgraph } from '../../src/server.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { testHttpSettings } from '../helpers/settings.js';

/*
 * Issue 21: with an OpenTelemetry SDK registered (as telemetry.ts does when OTEL_* asks),
 * the request, each resolver batch, each upstream call and each HTTP attempt is a span of
 * the client's trace, and the span id on the wire is the attempt's own span.
 */
describe('OpenTelemetry spans with an SDK registered (issue 21)', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let sandbox: Sandbox;
  let upstream: RecordingUpstream;
  let yoga: Ticketgraph;

  beforeAll(async () => {
    provider.register();
    sandbox = await startSandbox({ tickets: 10, providers: ['hostup'] });
    const hostup = sandbox.settings('hostup');
    const sandboxUrl = new URL(hostup.baseUrl);
    upstream = await startRecordingUpstream(sandboxUrl.origin);
    const config = parseConfig({
      NODE_ENV: 'test',
      TICKETGRAPH_PROVIDERS: 'hostup',
      HOSTUP_API_KEY: hostup.apiKey.reveal(),
      HOSTUP_BASE_URL: `${upstream.url}${sandboxUrl.pathname}`,
      HOSTUP_API_GENERATION: hostup.generation,
    });
    const metrics = createMetrics();
    yoga = createTicketgraph(config, { registry: createRegistry(config, { http: testHttpSettings, metrics }), metrics, logger: createLogger({ level: 'silent', pretty: false }) });
  });

  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    await upstream?.close();
    await sandbox?.close();
  });

  it('puts the request, batches, upstream calls and attempts in the client trace', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const response = await yoga.fetch('http://ticketgraph.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-b7ad6b7169203331-01` },
      body: JSON.stringify({ query: 'query Two { tickets(first: 2) { nodes { id tags { name } activities(first: 1) { totalCount } } } }' }),
    });
    expect(response.status).toBe(200);
    await response.text();
    const spans = exporter.getFinishedSpans();
    expect(spans.every((span) => span.spanContext().traceId === traceId)).toBe(true);
    const server = spans.filter((span) => span.kind === SpanKind.SERVER);
    expect(server.map((span) => span.name)).toEqual(['graphql Two']);
    expect(spans.some((span) => span.name.startsWith('batch '))).toBe(true);
    expect(spans.some((span) => span.name.startsWith('hostup '))).toBe(true);
    const attempts = spans.filter((span) => span.kind === SpanKind.CLIENT);
    expect(attempts.length).toBe(upstream.calls.length);
    const onTheWire = upstream.calls.map((call) => String(call.headers.traceparent).split('-')[2]);
    expect(onTheWire.sort()).toEqual(attempts.map((span) => span.spanContext().spanId).sort());
  });
});
