import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createProviderHttp, type ProviderHttp } from '../../src/datasources/http.js';
import { UpstreamError } from '../../src/datasources/upstream-error.js';
import { createMetrics } from '../../src/metrics.js';
import { testHttpSettings } from '../helpers/settings.js';

/*
 * The one ky factory's coalescing of identical GETs, against a real loopback server whose
 * answers are held until the test releases them: what is asserted is how many requests
 * reached the server, never how long anything took.
 */

const Item = z.object({ id: z.string(), version: z.number() });

let server: Server;
let baseUrl: string;
let served: Array<{ method: string; url: string; closed: boolean }> = [];
let held: Array<{ method: string; answer: () => void }> = [];
let version = 0;

function handle(req: IncomingMessage, res: ServerResponse): void {
  const entry = { method: req.method ?? '', url: req.url ?? '', closed: false };
  served.push(entry);
  req.resume();
  req.on('end', () => {
    const answer = () => {
      if (res.destroyed) return;
      if (req.method !== 'GET') version++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: entry.url, version }));
    };
    held.push({ method: req.method ?? '', answer });
  });
  res.on('close', () => {
    entry.closed = !res.writableFinished;
  });
}

/** Answers the held requests (of one method only, if given). */
const release = (method?: string) => {
  const pending = held.filter((h) => !method || h.method === method);
  held = held.filter((h) => !pending.includes(h));
  for (const { answer } of pending) answer();
};

/** Resolves once `n` requests have reached the server. */
async function reached(n: number): Promise<void> {
  for (let i = 0; i < 200 && served.length < n; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(served.length).toBe(n);
}

function client(coalesce?: boolean): { http: ProviderHttp; metrics: ReturnType<typeof createMetrics> } {
  const metrics = createMetrics();
  const http = createProviderHttp({
    provider: 'hostup',
    baseUrl,
    settings: { ...testHttpSettings, coalesce },
    authorize: (headers) => headers.set('x-api-key', 'k'),
    metrics,
  });
  return { http, metrics };
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  release();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  release();
  served = [];
});

describe('createProviderHttp: coalescing identical GETs', () => {
  it('answers identical GETs in flight together with one upstream call', async () => {
    const { http, metrics } = client();
    const calls = [1, 2, 3].map(() => http.call({ operation: 'getItem', path: 'items/1', searchParams: { a: 1 }, schema: Item }));
    await reached(1);
    release();
    const results = await Promise.all(calls);
    expect(served).toHaveLength(1);
    expect(new Set(results.map((r) => r.data.id))).toEqual(new Set(['/items/1?a=1']));
    expect((await metrics.registry.getSingleMetric('ticketgraph_upstream_coalesced_total')!.get()).values[0]?.value).toBe(2);
  });

  it('keeps different paths, queries and finished calls apart', async () => {
    const { http } = client();
    const first = [
      http.call({ operation: 'getItem', path: 'items/1', schema: Item }),
      http.call({ operation: 'getItem', path: 'items/2', schema: Item }),
      http.call({ operation: 'getItem', path: 'items/1', searchParams: { page: 2 }, schema: Item }),
    ];
    await reached(3);
    release();
    await Promise.all(first);
    const again = http.call({ operation: 'getItem', path: 'items/1', schema: Item });
    await reached(4);
    release();
    await again;
  });

  it('never lets a read that starts while or after a write runs join a read from before it', async () => {
    const { http } = client();
    const before = http.call({ operation: 'getItem', path: 'items/1', schema: Item });
    await reached(1);
    const write = http.call({ method: 'post', operation: 'addItem', path: 'items', json: {}, schema: Item });
    await reached(2);
    const during = http.call({ operation: 'getItem', path: 'items/1', schema: Item });
    await reached(3);
    release('POST');
    await write;
    const after = http.call({ operation: 'getItem', path: 'items/1', schema: Item });
    await reached(4);
    release();
    await Promise.all([before, during]);
    expect((await after).data.version).toBe(1);
    expect(served.map((s) => s.method)).toEqual(['GET', 'POST', 'GET', 'GET']);
  });

  it('a caller whose own deadline passes leaves; the others still get the answer', async () => {
    const { http } = client();
    const leaving = new AbortController();
    const first = http.call({ operation: 'getItem', path: 'items/9', schema: Item, signal: leaving.signal });
    const second = http.call({ operation: 'getItem', path: 'items/9', schema: Item });
    await reached(1);
    leaving.abort(new DOMException('deadline exceeded', 'TimeoutError'));
    await expect(first).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    release();
    expect((await second).data.id).toBe('/items/9');
    expect(served[0]!.closed).toBe(false);
  });

  it('when every caller has left, the upstream call is cancelled', async () => {
    const { http } = client();
    const a = new AbortController();
    const b = new AbortController();
    const calls = [a, b].map((c) => http.call({ operation: 'getItem', path: 'items/7', schema: Item, signal: c.signal }));
    await reached(1);
    a.abort(new DOMException('deadline exceeded', 'TimeoutError'));
    b.abort(new DOMException('deadline exceeded', 'TimeoutError'));
    for (const call of calls) await expect(call).rejects.toBeInstanceOf(UpstreamError);
    for (let i = 0; i < 100 && !served[0]!.closed; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(served[0]!.closed).toBe(true);
  });

  it('UPSTREAM_COALESCE=off: every GET makes its own call', async () => {
    const { http } = client(false);
    const calls = [1, 2].map(() => http.call({ operation: 'getItem', path: 'items/1', schema: Item }));
    await reached(2);
    release();
    await Promise.all(calls);
  });
});
