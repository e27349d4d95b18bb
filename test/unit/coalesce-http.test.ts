import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { withCoalescing } from '../../src/upstream/coalesce.js';
import { createProviderHttp } from '../../src/upstream/http.js';
import type { CallContext, TicketProvider } from '../../src/upstream/provider.js';
import { UpstreamError } from '../../src/upstream/errors.js';
import { createMetrics } from '../../src/metrics.js';
import type { TicketModel } from '../../src/model/ticket.js';
import { testHttpSettings } from '../helpers/settings.js';

/*
 * Coalescing of identical provider reads over real HTTP: a provider built on the one ky
 * factory, against a loopback server whose answers are held until the test releases them.
 * What is asserted is how many requests reached the server, never how long anything took.
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

type Item = z.output<typeof Item>;

/** A provider whose reads GET `items/…` (the "native id" is the relative URL) and whose comment POSTs. */
function client(coalesce = true) {
  const metrics = createMetrics();
  const http = createProviderHttp({
    provider: 'hostup',
    baseUrl,
    settings: testHttpSettings,
    authorize: (headers) => headers.set('x-api-key', 'k'),
    metrics,
  });
  const get = async (path: string, ctx: CallContext) => (await http.call({ operation: 'getItem', path, schema: Item, signal: ctx.signal })).data;
  const provider: TicketProvider = {
    key: 'hostup',
    maxPageSize: 50,
    pushdown: { statuses: false, assignee: false, requester: false, search: false, dates: false },
    timeline: 'detail',
    listSources: () => [''],
    getTicket: async (path, ctx) => (await get(path, ctx)) as unknown as TicketModel,
    listTickets: () => Promise.reject(new Error('not used')),
    addComment: async (path, _input, ctx) => {
      const { data } = await http.call({ method: 'post', operation: 'addItem', path, json: {}, schema: Item, signal: ctx.signal });
      return { ticket: data as unknown as TicketModel };
    },
  };
  const api = coalesce ? withCoalescing(provider, metrics) : provider;
  const read = (path: string, signal?: AbortSignal) => api.getTicket(path, { signal }) as unknown as Promise<Item>;
  const write = (path: string) => api.addComment!(path, { body: 'x', internal: false }, {});
  return { read, write, metrics };
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

describe('coalescing identical provider reads (over HTTP)', () => {
  it('answers identical reads in flight together with one upstream call', async () => {
    const { read, metrics } = client();
    const calls = [1, 2, 3].map(() => read('items/1?a=1'));
    await reached(1);
    release();
    const results = await Promise.all(calls);
    expect(served).toHaveLength(1);
    expect(new Set(results.map((r) => r.id))).toEqual(new Set(['/items/1?a=1']));
    expect((await metrics.registry.getSingleMetric('ticketgraph_upstream_coalesced_total')!.get()).values[0]?.value).toBe(2);
  });

  it('keeps different paths, queries and finished calls apart', async () => {
    const { read } = client();
    const first = [read('items/1'), read('items/2'), read('items/1?page=2')];
    await reached(3);
    release();
    await Promise.all(first);
    const again = read('items/1');
    await reached(4);
    release();
    await again;
  });

  it('never lets a read that starts while or after a write runs join a read from before it', async () => {
    const { read, write } = client();
    const before = read('items/1');
    await reached(1);
    const writing = write('items');
    await reached(2);
    const during = read('items/1');
    await reached(3);
    release('POST');
    await writing;
    const after = read('items/1');
    await reached(4);
    release();
    await Promise.all([before, during]);
    expect((await after).version).toBe(1);
    expect(served.map((s) => s.method)).toEqual(['GET', 'POST', 'GET', 'GET']);
  });

  it('a caller whose own deadline passes leaves; the others still get the answer', async () => {
    const { read } = client();
    const leaving = new AbortController();
    const first = read('items/9', leaving.signal);
    const second = read('items/9');
    await reached(1);
    leaving.abort(new DOMException('deadline exceeded', 'TimeoutError'));
    await expect(first).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    release();
    expect((await second).id).toBe('/items/9');
    expect(served[0]!.closed).toBe(false);
  });

  it('when every caller has left, the upstream call is cancelled', async () => {
    const { read } = client();
    const a = new AbortController();
    const b = new AbortController();
    const calls = [a, b].map((c) => read('items/7', c.signal));
    await reached(1);
    a.abort(new DOMException('deadline exceeded', 'TimeoutError'));
    b.abort(new DOMException('deadline exceeded', 'TimeoutError'));
    for (const call of calls) await expect(call).rejects.toBeInstanceOf(UpstreamError);
    for (let i = 0; i < 100 && !served[0]!.closed; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(served[0]!.closed).toBe(true);
  });

  it('UPSTREAM_COALESCE=off: every read makes its own call', async () => {
    const { read } = client(false);
    const calls = [1, 2].map(() => read('items/1'));
    await reached(2);
    release();
    await Promise.all(calls);
  });
});
