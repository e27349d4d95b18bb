import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { createRegistry } from '../../src/providers/registry.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createTicketgraph } from '../../src/server.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { testHttpSettings } from '../helpers/settings.js';

/*
 * Issue 21: request ids, structured logs and trace context, over real HTTP. HostUp runs
 * "live" against a recording upstream (which forwards to its simulator), so the test sees
 * exactly the headers ticketgraph puts on the wire.
 */

interface LogLine {
  level: string;
  msg: string;
  requestId?: string;
  traceId?: string;
  operation?: string | null;
  status?: number;
  durationMs?: number;
  providers?: Record<string, { outcome: string; calls: number; attempts: number }>;
}

const API_KEY = 'ops-test-client-key-0123456789';

describe('operations: request ids, JSON logs, trace context (issue 21)', () => {
  let sandbox: Sandbox;
  let upstream: RecordingUpstream;
  let server: Server;
  let base: string;
  const lines: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ tickets: 20, providers: ['hostup'] });
    const hostup = sandbox.settings('hostup');
    const sandboxUrl = new URL(hostup.baseUrl);
    upstream = await startRecordingUpstream(sandboxUrl.origin);
    const config = parseConfig({
      // These tests count upstream calls: no read cache (on by default since issue 19).
      CACHE_TTL_MS: '0',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      TICKETGRAPH_PROVIDERS: 'hostup',
      HOSTUP_API_KEY: hostup.apiKey.reveal(),
      HOSTUP_BASE_URL: `${upstream.url}${sandboxUrl.pathname}`,
      HOSTUP_API_GENERATION: hostup.generation,
      TICKETGRAPH_API_KEYS: API_KEY,
      // Under vitest, production's default (introspection off) trips graphql's dual-package
      // check (NoSchemaIntrospectionCustomRule from the ESM build, the schema from the CJS one).
      INTROSPECTION: 'true',
    });
    const metrics = createMetrics();
    const registry = createRegistry(config, { http: testHttpSettings, metrics });
    const logger = createLogger({ level: 'info', pretty: false, write: (line) => lines.push(line) });
    const yoga = createTicketgraph(config, { registry, metrics, logger });
    server = createServer(yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await upstream?.close();
    await sandbox?.close();
  });

  function post(query: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${API_KEY}`, ...headers },
      body: JSON.stringify({ query }),
    });
  }

  const parsed = (): LogLine[] => lines.map((line) => JSON.parse(line) as LogLine);

  it('keeps a well-formed x-request-id, echoes it, and tags every log line of the request with it', async () => {
    const response = await post('query LatestHostup { tickets(first: 3) { nodes { id title } } }', { 'x-request-id': 'client-req.42:a_b-c' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('client-req.42:a_b-c');
    await response.text();
    const mine = parsed().filter((line) => line.requestId === 'client-req.42:a_b-c');
    const summary = mine.find((line) => line.msg === 'request');
    expect(summary).toMatchObject({ level: 'info', operation: 'LatestHostup', status: 200, providers: { hostup: { outcome: 'OK' } } });
    expect(summary!.providers!.hostup!.calls).toBeGreaterThan(0);
    expect(typeof summary!.durationMs).toBe('number');
    // Production: every line is one JSON object.
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    // And the upstream calls carried the same id.
    expect(upstream.calls.filter((call) => call.headers['x-request-id'] === 'client-req.42:a_b-c').length).toBe(summary!.providers!.hostup!.attempts);
  });

  it('logs a drift warning once per new kind, on a line with the same request id as its request line', async () => {
    sandbox.setFault('hostup', { softDrift: true });
    try {
      for (const id of ['drift-1', 'drift-2']) {
        const response = await post('{ tickets(first: 3) { nodes { id status } } }', { 'x-request-id': id });
        const body = (await response.json()) as { extensions?: { warnings?: { code: string }[] } };
        expect(body.extensions?.warnings?.[0]?.code).toBe('PROVIDER_DRIFT');
      }
    } finally {
      sandbox.setFault('hostup', null);
    }
    const first = parsed().filter((line) => line.requestId === 'drift-1');
    expect(first.map((line) => line.msg).sort()).toEqual(['provider payload drift', 'provider payload drift', 'request']);
    expect(first.every((line) => line.traceId === first[0]!.traceId)).toBe(true);
    // The same drift again: counted and warned in the response, not logged again.
    expect(
      parsed()
        .filter((line) => line.requestId === 'drift-2')
        .map((line) => line.msg),
    ).toEqual(['request']);
  });

  it('lists the upstream calls behind the response for an authenticated client asking with ticketgraph-trace: 1', async () => {
    upstream.calls.length = 0;
    const response = await post('{ tickets(first: 2) { nodes { id title } } }', { 'ticketgraph-trace': '1' });
    const body = (await response.json()) as { extensions?: { upstream?: Record<string, unknown>[] } };
    const calls = body.extensions?.upstream ?? [];
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call).toMatchObject({ provider: 'hostup', method: 'GET', status: 200, attempts: 1, coalesced: false, cached: null });
      expect(typeof call.operation).toBe('string');
      expect(typeof call.durationMs).toBe('number');
    }
    expect(calls.reduce((sum, call) => sum + (call.attempts as number), 0)).toBe(upstream.calls.length);
  });

  it('leaves provenance out unless asked, and never answers it to an unauthenticated client', async () => {
    const plain = (await (await post('{ tickets(first: 1) { nodes { id } } }')).json()) as { extensions?: Record<string, unknown> };
    expect(plain.extensions?.upstream).toBeUndefined();
    const refused = await post('{ tickets(first: 1) { nodes { id } } }', { 'ticketgraph-trace': '1', authorization: 'Bearer not-a-key-not-a-key-1234' });
    expect(refused.status).toBe(401);
    expect(await refused.text()).not.toContain('upstream');
  });

  it.each([
    ['too long', 'x'.repeat(129)],
    ['with spaces and quotes', 'abc "def"'],
    ['with a newline escape', 'abc%0Adef'],
  ])('replaces an x-request-id %s by a generated one', async (_label, header) => {
    const response = await post('{ providers { provider } }', { 'x-request-id': header });
    const id = response.headers.get('x-request-id');
    await response.text();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(lines.join('\n')).not.toContain(header);
  });

  it('generates an id when the client sends none, and echoes it on a refused request too', async () => {
    const ok = await post('{ providers { provider } }');
    expect(ok.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await ok.text();
    const refused = await post('{ providers { provider } }', { authorization: 'Bearer wrong-key-wrong-key-wrong' });
    expect(refused.status).toBe(401);
    const id = refused.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await refused.text();
    expect(parsed().find((line) => line.requestId === id && line.msg === 'request')).toMatchObject({ status: 401 });
  });

  it("continues the client's traceparent: every upstream call has its trace id, a new span id and the request id", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const clientSpan = '00f067aa0ba902b7';
    upstream.calls.length = 0;
    const response = await post('{ tickets(first: 5) { nodes { id title } } }', { traceparent: `00-${traceId}-${clientSpan}-01`, 'x-request-id': 'trace-test-1' });
    expect(response.status).toBe(200);
    await response.text();
    expect(upstream.calls.length).toBeGreaterThan(0);
    const spanIds = new Set<string>();
    for (const call of upstream.calls) {
      const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(call.headers.traceparent));
      expect(match?.[1]).toBe(traceId);
      expect(match?.[2]).not.toBe(clientSpan);
      spanIds.add(match![2]!);
      expect(call.headers['x-request-id']).toBe('trace-test-1');
    }
    expect(spanIds.size).toBe(upstream.calls.length);
    expect(parsed().find((line) => line.requestId === 'trace-test-1' && line.msg === 'request')?.traceId).toBe(traceId);
  });

  it('starts a new trace when the traceparent is missing or malformed', async () => {
    for (const traceparent of [undefined, '00-00000000000000000000000000000000-00f067aa0ba902b7-01', 'garbage', `ff-${'a'.repeat(32)}-${'b'.repeat(16)}-01`]) {
      upstream.calls.length = 0;
      const response = await post('{ tickets(first: 1) { nodes { id } } }', traceparent ? { traceparent } : {});
      expect(response.status).toBe(200);
      await response.text();
      const ids = new Set(upstream.calls.map((call) => /^00-([0-9a-f]{32})-[0-9a-f]{16}-0[01]$/.exec(String(call.headers.traceparent))?.[1]));
      expect(ids.size).toBe(1);
      const [id] = [...ids];
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(id).not.toMatch(/^0+$/);
      expect(id).not.toBe('a'.repeat(32));
    }
  });
});
