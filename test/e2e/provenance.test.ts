import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

/*
 * Issue 21: `ticketgraph-trace: 1` without client auth configured — honoured outside
 * production only; the retries and failures of a call show in its entry.
 */
type Upstream = { provider: string; operation: string; method: string; status: number | null; attempts: number; code?: string }[];

describe('provenance without client auth (issue 21)', () => {
  let dev: TestServer;
  let prod: TestServer;

  beforeAll(async () => {
    dev = await startTestServer({
      env: { NODE_ENV: 'development', LOG_LEVEL: 'silent', TICKETGRAPH_PROVIDERS: 'hostup,zaia', BREAKER_THRESHOLD: '100' },
      sandbox: { tickets: 10, providers: ['hostup', 'zaia'] },
    });
    prod = await startTestServer({
      env: { NODE_ENV: 'production', LOG_LEVEL: 'silent', INTROSPECTION: 'true', TICKETGRAPH_PROVIDERS: 'hostup' },
      sandbox: { tickets: 10, providers: ['hostup'] },
    });
  });
  afterAll(async () => {
    await dev?.close();
    await prod?.close();
  });

  it('is honoured in development, with attempts, status and code of a failing provider', async () => {
    dev.sandbox.setFault('zaia', { status: 503, rate: 1, retryAfter: 0 });
    try {
      const result = await dev.gql('{ tickets(first: 3) { nodes { id } } }', undefined, { 'ticketgraph-trace': '1' });
      const upstream = (result.extensions as { upstream?: Upstream }).upstream ?? [];
      expect(upstream.filter((call) => call.provider === 'hostup').every((call) => call.status === 200 && call.attempts === 1)).toBe(true);
      const zaia = upstream.filter((call) => call.provider === 'zaia');
      expect(zaia.length).toBeGreaterThan(0);
      // ky's retries of an idempotent read: 1 + UPSTREAM_RETRY_LIMIT (2) attempts, all refused.
      for (const call of zaia) expect(call).toMatchObject({ method: 'GET', status: 503, attempts: 3, code: 'UPSTREAM_UNAVAILABLE' });
    } finally {
      dev.sandbox.setFault('zaia', null);
    }
  });

  it('is ignored in production when no client auth is configured', async () => {
    const result = await prod.gql('{ tickets(first: 1) { nodes { id } } }', undefined, { 'ticketgraph-trace': '1' });
    expect(result.data).toBeTruthy();
    expect((result.extensions as { upstream?: unknown }).upstream).toBeUndefined();
  });

  it('ignores any value other than 1', async () => {
    const result = await dev.gql('{ tickets(first: 1) { nodes { id } } }', undefined, { 'ticketgraph-trace': 'true' });
    expect((result.extensions as { upstream?: unknown }).upstream).toBeUndefined();
  });
});
