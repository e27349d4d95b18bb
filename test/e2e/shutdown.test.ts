import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { createRegistry } from '../../src/providers/registry.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { createDrain, Readiness } from '../../src/readiness.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createTicketgraph } from '../../src/server.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { testHttpSettings } from '../helpers/settings.js';

/*
 * Issue 21: /ready and the SIGTERM drain (the function main.ts calls on SIGTERM), over real
 * HTTP. The upstream holds calls on demand, so "a request in flight during the drain" is a
 * state the test sets up, not a race.
 */
describe('readiness and drain (issue 21)', () => {
  let sandbox: Sandbox;
  let upstream: RecordingUpstream;

  beforeAll(async () => {
    sandbox = await startSandbox({ tickets: 10, providers: ['hostup'] });
    upstream = await startRecordingUpstream(new URL(sandbox.settings('hostup').baseUrl).origin);
  });

  afterAll(async () => {
    await upstream?.close();
    await sandbox?.close();
  });

  /** A gateway with HostUp live behind the holding upstream, listening on port 0. */
  async function start(readiness: Readiness, graceMs: number): Promise<{ server: Server; base: string; drain: () => Promise<void> }> {
    const hostup = sandbox.settings('hostup');
    const config = parseConfig({
      // These tests count upstream calls: no read cache (on by default since issue 19).
      CACHE_TTL_MS: '0',
      NODE_ENV: 'test',
      TICKETGRAPH_PROVIDERS: 'hostup',
      HOSTUP_API_KEY: hostup.apiKey.reveal(),
      HOSTUP_BASE_URL: `${upstream.url}${new URL(hostup.baseUrl).pathname}`,
      HOSTUP_API_GENERATION: hostup.generation,
    });
    const metrics = createMetrics();
    // Held calls must wait for the test, not time out.
    const registry = createRegistry(config, { http: { ...testHttpSettings, timeoutMs: 60_000, deadlineMs: 60_000 }, metrics });
    const yoga = createTicketgraph(config, { registry, metrics, readiness, logger: createLogger({ level: 'silent', pretty: false }) });
    const server = createServer(yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, drain: createDrain(server, readiness, graceMs) };
  }

  const query = (base: string) =>
    fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ tickets(first: 2) { nodes { id } } }' }) });

  it('answers 503 until its startup checks pass, then 200 with each breaker state', async () => {
    const readiness = new Readiness(['sandbox']);
    const { base, drain } = await start(readiness, 5000);
    try {
      const starting = await fetch(`${base}/ready`);
      expect(starting.status).toBe(503);
      expect(await starting.json()).toEqual({ status: 'starting', pending: ['sandbox'], redis: 'off', providers: { hostup: 'CLOSED' } });
      readiness.pass('sandbox');
      const ready = await fetch(`${base}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', redis: 'off', providers: { hostup: 'CLOSED' } });
    } finally {
      await drain();
    }
  });

  it('flips /ready to 503 at once on drain, lets the in-flight request finish, then closes', async () => {
    const { base, drain } = await start(new Readiness(), 60_000);
    expect((await fetch(`${base}/ready`)).status).toBe(200);

    const release = upstream.hold();
    const arrived = upstream.nextCall();
    const inFlight = query(base);
    await arrived;
    const drained = drain();

    const probe = await fetch(`${base}/ready`);
    expect(probe.status).toBe(503);
    expect(await probe.json()).toMatchObject({ status: 'draining' });
    expect((await fetch(`${base}/health`)).status).toBe(200);

    release();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { data?: { tickets: { nodes: unknown[] } } }).data?.tickets.nodes).toHaveLength(2);
    await drained;
    await expect(fetch(`${base}/ready`)).rejects.toThrow();
  });

  it('cuts what is still in flight when the grace period ends', async () => {
    const { base, drain } = await start(new Readiness(), 100);
    const release = upstream.hold();
    try {
      const arrived = upstream.nextCall();
      const stuck = query(base).then(
        (response) => response.status,
        () => 'cut',
      );
      await arrived;
      await drain();
      expect(await stuck).toBe('cut');
    } finally {
      release();
    }
  });
});
