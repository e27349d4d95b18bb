import { describe, expect, it } from 'vitest';
import type { CacheHints, TicketProvider } from '../../src/upstream/provider.js';
import type { TicketModel } from '../../src/model/ticket.js';
import { UpstreamError } from '../../src/upstream/errors.js';
import { ReadCache, withCache } from '../../src/upstream/cache.js';
import { NO_REDIS } from '../../src/upstream/redis.js';
import { fakeTicket } from '../helpers/fake-provider.js';
import { pageTickets, readyRow } from '../../src/upstream/rows.js';

/** A provider that counts its calls and whose tickets change with every write. */
function countingProvider() {
  const calls: string[] = [];
  let version = 0;
  let hold: Promise<void> | null = null;
  const provider: TicketProvider = {
    key: 'hostup',
    maxPageSize: 50,
    pushdown: { statuses: true, assignee: false, requester: false, search: false, dates: false },
    timeline: 'separate',
    listSources: () => [''],
    getTicket: async (nativeId) => {
      calls.push(`get ${nativeId}`);
      await hold;
      return fakeTicket('hostup', nativeId, 1_700_000_000_000, { title: `v${version}` });
    },
    listTickets: async () => {
      calls.push('list');
      return { rows: [readyRow(fakeTicket('hostup', 'one', 1_700_000_000_000, { title: `v${version}` }))], next: null, totalCount: null };
    },
    listActivities: async (ticket) => {
      calls.push(`activities ${ticket.nativeId}`);
      return [];
    },
    addComment: async (nativeId) => {
      calls.push(`comment ${nativeId}`);
      version++;
      return { ticket: fakeTicket('hostup', nativeId, 1_700_000_000_000) };
    },
    createTicket: async () => {
      calls.push('create');
      version++;
      return { ticket: fakeTicket('hostup', 'new', 1_700_000_000_000) };
    },
  };
  return {
    provider,
    calls,
    holdReads: () => {
      let release!: () => void;
      hold = new Promise<void>((resolve) => (release = resolve));
      return () => {
        hold = null;
        release();
      };
    },
  };
}

function cached(provider: TicketProvider, ttlMs = 60_000, staleMs = 0, staleIfErrorMs = 0) {
  return withCache(provider, { cache: new ReadCache({ maxEntries: 100, redis: NO_REDIS }), ttlMs, staleMs, staleIfErrorMs, coalesce: true });
}

/** Lets the clock pass `ms` (a condition on the clock, not a sleep that must be long enough). */
async function clockPasses(ms: number) {
  const start = Date.now();
  while (Date.now() <= start + ms) await new Promise((resolve) => setImmediate(resolve));
}

const query = { source: '', cursor: null, limit: 10, filter: {} };

function hints(readThrough = false) {
  const reports: { hit: boolean; ageMs: number }[] = [];
  const cache: CacheHints = { readThrough, report: (_provider, hit, ageMs) => reports.push({ hit, ageMs }) };
  return { cache, reports };
}

describe('withCache (the read cache, in process)', () => {
  it('answers a repeated read of a ticket, a list page and a timeline from cache, reporting hit and age', async () => {
    const { provider, calls } = countingProvider();
    const p = cached(provider);
    const first = await p.getTicket('t1', {});
    const { cache, reports } = hints();
    expect(await p.getTicket('t1', { cache })).toBe(first);
    await p.listTickets(query, {});
    await p.listTickets(query, {});
    await p.listActivities!(first, {});
    await p.listActivities!(first, {});
    expect(calls).toEqual(['get t1', 'list', 'activities t1']);
    expect(reports).toEqual([{ hit: true, ageMs: expect.any(Number) as number }]);
  });

  it('reads through with Cache-Control: no-cache and keeps the fresher answer', async () => {
    const { provider, calls } = countingProvider();
    const p = cached(provider);
    await p.getTicket('t1', {});
    const { cache, reports } = hints(true);
    await p.getTicket('t1', { cache });
    await p.getTicket('t1', {});
    expect(calls).toEqual(['get t1', 'get t1']);
    expect(reports).toEqual([{ hit: false, ageMs: 0 }]);
  });

  it('invalidates the ticket a write touches and every list page of the provider, not other tickets', async () => {
    const { provider, calls } = countingProvider();
    const p = cached(provider);
    await p.getTicket('t1', {});
    await p.getTicket('t2', {});
    await p.listTickets(query, {});
    await p.addComment!('t1', { body: 'x', internal: false }, {});
    expect((await p.getTicket('t1', {})).title).toBe('v1');
    expect(pageTickets(await p.listTickets(query, {}))[0]!.title).toBe('v1');
    await p.getTicket('t2', {});
    expect(calls).toEqual(['get t1', 'get t2', 'list', 'comment t1', 'get t1', 'list']);
  });

  it('invalidates list pages on createTicket', async () => {
    const { provider, calls } = countingProvider();
    const p = cached(provider);
    await p.listTickets(query, {});
    await p.createTicket!({ title: 't', description: 'd' }, {});
    await p.listTickets(query, {});
    expect(calls).toEqual(['list', 'create', 'list']);
  });

  it('shares one upstream call between identical misses in flight', async () => {
    const { provider, calls, holdReads } = countingProvider();
    const p = cached(provider);
    const release = holdReads();
    const reads = [p.getTicket('t1', {}), p.getTicket('t1', {}), p.getTicket('t1', {})];
    release();
    const [a, b, c] = await Promise.all(reads);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(calls).toEqual(['get t1']);
  });

  it('serves a stale answer after the TTL while one refresh runs, then the refreshed one', async () => {
    const { provider, calls } = countingProvider();
    const p = cached(provider, 1, 60_000);
    const first = await p.getTicket('t1', {});
    await clockPasses(2);
    await provider.addComment!('elsewhere', { body: 'x', internal: false }, {}); // the provider changed behind the cache's back
    const { cache, reports } = hints();
    const stale = await p.getTicket('t1', { cache });
    expect(stale).toBe(first);
    expect(reports[0]!.hit).toBe(true);
    while (calls.filter((c) => c === 'get t1').length < 2) await new Promise((resolve) => setImmediate(resolve));
    let refreshed: TicketModel = stale;
    while (refreshed === stale) refreshed = await p.getTicket('t1', {});
    expect(refreshed.title).toBe('v1');
  });

  it('answers with the expired value when the provider is rate limiting or down (stale-if-error), not when it says not found', async () => {
    const { provider } = countingProvider();
    let failure: Error | null = null;
    const failing: TicketProvider = {
      ...provider,
      getTicket: async (id, ctx) => {
        if (failure) throw failure;
        return provider.getTicket(id, ctx);
      },
    };
    const p = cached(failing, 1, 0, 60_000);
    const first = await p.getTicket('t1', {});
    await clockPasses(2);
    failure = new UpstreamError('RATE_LIMITED', 'hostup is rate limiting ticketgraph', { provider: 'hostup', operation: 'getTicket', retryAfter: 3 });
    const { cache, reports } = hints();
    expect(await p.getTicket('t1', { cache })).toBe(first);
    expect(reports[0]!.hit).toBe(true);
    failure = new UpstreamError('NOT_FOUND', 'hostup: not found', { provider: 'hostup', operation: 'getTicket', status: 404 });
    await expect(p.getTicket('t1', {})).rejects.toThrow('not found');
  });

  it('does not cache failures', async () => {
    const { provider, calls } = countingProvider();
    let fail = true;
    const flaky: TicketProvider = {
      ...provider,
      getTicket: async (id, ctx) => {
        if (fail) {
          calls.push('failed');
          throw new Error('down');
        }
        return provider.getTicket(id, ctx);
      },
    };
    const p = cached(flaky);
    await expect(p.getTicket('t1', {})).rejects.toThrow('down');
    fail = false;
    await p.getTicket('t1', {});
    expect(calls).toEqual(['failed', 'get t1']);
  });
});
