import { describe, expect, it } from 'vitest';
import type { Registry } from '../../src/providers/registry.js';
import { UpstreamError } from '../../src/upstream/errors.js';
import { BadUserInputError } from '../../src/errors.js';
import { loadFeed, type FeedFilter } from '../../src/feed/merge.js';
import { FILTER_HASH_BYTES, openCursor, sealCursor, type FeedCursor } from '../../src/feed/cursor.js';

const CURSOR_KEY = Buffer.alloc(32, 7);
import { createLoaders } from '../../src/loaders/index.js';
import type { TicketModel } from '../../src/model/ticket.js';
import { ProviderOutcomes } from '../../src/outcomes.js';
import { FakeProvider, fakeTicket } from '../helpers/fake-provider.js';

const BASE = Date.parse('2026-06-01T00:00:00Z');

function world() {
  // Equal timestamps across providers on purpose: the id breaks ties.
  const a = new FakeProvider(
    'spacebring',
    Array.from({ length: 40 }, (_, i) => fakeTicket('spacebring', `a${String(i).padStart(2, '0')}`, BASE + (i % 13) * 60_000)),
    'cursor',
  );
  const b = new FakeProvider(
    'zaia',
    Array.from({ length: 23 }, (_, i) => fakeTicket('zaia', `b${String(i).padStart(2, '0')}`, BASE + i * 45_000)),
    'page',
  );
  const c = new FakeProvider(
    'sonzai',
    Array.from({ length: 31 }, (_, i) => fakeTicket('sonzai', `c${String(i).padStart(2, '0')}`, BASE + i * 30_000, { status: i % 2 ? 'CLOSED' : 'OPEN' })),
    'offset',
  );
  return { providers: [a, b, c] };
}

function deps(providers: FakeProvider[]) {
  const outcomes = new ProviderOutcomes();
  const registry = { providers, get: (k: string) => providers.find((p) => p.key === k)!, has: () => true, status: () => [] } as unknown as Registry;
  const signal = new AbortController().signal;
  return { providers, outcomes, path: ['tickets'], cursorKey: CURSOR_KEY, loaders: createLoaders({ registry, outcomes, signal, concurrency: 4 }) };
}

const order = (tickets: TicketModel[]) => [...tickets].sort((x, y) => y.updatedAt.getTime() - x.updatedAt.getTime() || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0)).map((t) => t.id);

async function walk(providers: FakeProvider[], first: number, filter: FeedFilter = {}, between?: (page: number) => void) {
  const seen: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 100; page++) {
    const connection = await loadFeed({ filter, first, after }, deps(providers));
    seen.push(...connection.nodes.map((t) => t.id));
    if (!connection.pageInfo.hasNextPage) return seen;
    after = connection.pageInfo.endCursor;
    between?.(page);
  }
  throw new Error('feed did not end');
}

describe('loadFeed (k-way merge over provider pages)', () => {
  it('issue 5: walking with first: 7 returns every ticket exactly once, in order, across cursor, page and offset paging', async () => {
    const { providers } = world();
    const expected = order(providers.flatMap((p) => p.tickets));
    const seen = await walk(providers, 7);
    expect(seen).toEqual(expected);
  });

  it('issue 5: no duplicate and no gap while new tickets are created between pages', async () => {
    const { providers } = world();
    const expected = order(providers.flatMap((p) => p.tickets));
    const seen = await walk(providers, 7, {}, (page) => {
      // Newer than everything: offset and page-number providers shift by one.
      for (const p of providers) p.tickets.push(fakeTicket(p.key, `new${page}`, BASE + 10_000_000 + page));
    });
    expect(seen).toEqual(expected);
  });

  it('costs one list call per provider for a first page, whatever `first` is', async () => {
    for (const first of [5, 50]) {
      const { providers } = world();
      await loadFeed({ filter: {}, first, after: null }, deps(providers));
      expect(providers.map((p) => p.calls.length)).toEqual([1, 1, 1]);
    }
  });

  it('applies filters the providers cannot, after fetching', async () => {
    const { providers } = world();
    const seen = await walk(providers, 10, { statuses: ['CLOSED'] });
    expect(seen).toEqual(order(providers[2]!.tickets.filter((t) => t.status === 'CLOSED')));
  });

  it('only asks the providers named in the filter', async () => {
    const { providers } = world();
    await loadFeed({ filter: { providers: ['zaia'] }, first: 5, after: null }, deps(providers));
    expect(providers.map((p) => p.calls.length)).toEqual([0, 1, 0]);
  });

  it('keeps the other providers when one fails, and reports the failing one', async () => {
    const { providers } = world();
    providers[1]!.failWith = new UpstreamError('UPSTREAM_UNAVAILABLE', 'zaia is unavailable', { provider: 'zaia', operation: 'listTickets', status: 503 });
    const d = deps(providers);
    const connection = await loadFeed({ filter: {}, first: 100, after: null }, d);
    expect(connection.nodes).toHaveLength(71);
    expect(connection.nodes.every((t) => t.provider !== 'zaia')).toBe(true);
    expect(d.outcomes.partialErrors.map((e) => [e.error.code, e.error.provider, e.path])).toEqual([['UPSTREAM_UNAVAILABLE', 'zaia', ['tickets']]]);
    expect(d.outcomes.list()).toEqual(
      expect.arrayContaining([
        { provider: 'zaia', outcome: 'UNAVAILABLE', code: 'UPSTREAM_UNAVAILABLE' },
        { provider: 'spacebring', outcome: 'OK' },
      ]),
    );
  });

  it('rejects a garbage cursor and a cursor of another filter with BAD_USER_INPUT', async () => {
    const { providers } = world();
    await expect(loadFeed({ filter: {}, first: 5, after: 'not-a-cursor' }, deps(providers))).rejects.toThrow(BadUserInputError);
    const page = await loadFeed({ filter: {}, first: 5, after: null }, deps(providers));
    await expect(loadFeed({ filter: { statuses: ['OPEN'] }, first: 5, after: page.pageInfo.endCursor }, deps(providers))).rejects.toThrow(/another filter/);
  });

  it('gives a cursor to go on from when a post-filter matched nothing within the fetch bound', async () => {
    const tickets = Array.from({ length: 300 }, (_, i) => fakeTicket('moov', `m${String(i).padStart(3, '0')}`, BASE - i * 1000, { title: i === 280 ? 'the needle' : 'hay' }));
    const providers = [new FakeProvider('moov', tickets, 'cursor')];
    const first = await loadFeed({ filter: { search: 'needle' }, first: 5, after: null }, deps(providers));
    expect(first.nodes).toEqual([]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(first.pageInfo.endCursor).not.toBeNull();
    const second = await loadFeed({ filter: { search: 'needle' }, first: 5, after: first.pageInfo.endCursor }, deps(providers));
    expect(second.nodes.map((t) => t.title)).toEqual(['the needle']);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('primes ticketById with what the list fetched, so a follow-up read costs nothing', async () => {
    const { providers } = world();
    const d = deps(providers);
    const page = await loadFeed({ filter: {}, first: 3, after: null }, d);
    await d.loaders.ticketById.load(page.nodes[0]!.id);
    expect(providers.flatMap((p) => p.calls).filter((c) => c.startsWith('get:'))).toEqual([]);
  });

  it('issue 18: validates and maps only the rows that reach the page', async () => {
    const { providers } = world();
    const page = await loadFeed({ filter: {}, first: 7, after: null }, deps(providers));
    expect(page.nodes).toHaveLength(7);
    // 25 rows or more were read from each provider; 7 were used.
    expect(providers.flatMap((p) => p.mapped).sort()).toEqual(page.nodes.map((t) => t.id).sort());
  });

  it('issue 18: maps every row when the filter reads the tickets (status, search, people, dates)', async () => {
    const { providers } = world();
    await loadFeed({ filter: { statuses: ['OPEN'] }, first: 3, after: null }, deps(providers));
    expect(providers[2]!.mapped.length).toBeGreaterThan(3);
  });

  it('issue 18: a row that breaks its schema when it reaches the page fails its page, exactly as a page that failed when read', async () => {
    const broken = () => {
      const w = world();
      // The second-newest zaia ticket: the feed takes the newest zaia row before it meets the broken one.
      const [, second] = [...w.providers[1]!.tickets].sort((x, y) => y.updatedAt.getTime() - x.updatedAt.getTime());
      w.providers[1]!.broken.add(second!.nativeId);
      return w.providers;
    };
    const failing = () => {
      const w = world();
      w.providers[1]!.failWith = new UpstreamError('UPSTREAM_BAD_RESPONSE', 'zaia row breaks its schema', { provider: 'zaia', operation: 'listTickets', path: 'items.0.title' });
      return w.providers;
    };
    for (const first of [3, 20, 100]) {
      const lazy = deps(broken());
      const eager = deps(failing());
      const a = await loadFeed({ filter: {}, first, after: null }, lazy);
      const b = await loadFeed({ filter: {}, first, after: null }, eager);
      expect(a.nodes.map((t) => t.id)).toEqual(b.nodes.map((t) => t.id));
      expect(a.nodes.every((t) => t.provider !== 'zaia')).toBe(true);
      expect(a.pageInfo.hasNextPage).toBe(b.pageInfo.hasNextPage);
      expect(a.edges.map((e) => openCursor(e.cursor, CURSOR_KEY))).toEqual(b.edges.map((e) => openCursor(e.cursor, CURSOR_KEY)));
      expect(lazy.outcomes.partialErrors.map((e) => [e.error.code, e.error.provider, e.path])).toEqual([['UPSTREAM_BAD_RESPONSE', 'zaia', ['tickets']]]);
      expect(lazy.outcomes.list()).toEqual(eager.outcomes.list());
    }
  });

  it('issue 18: a broken row the page does not reach is not read, and fails nothing', async () => {
    const { providers } = world();
    const [oldest] = [...providers[1]!.tickets].sort((x, y) => x.updatedAt.getTime() - y.updatedAt.getTime());
    providers[1]!.broken.add(oldest!.nativeId);
    const d = deps(providers);
    const page = await loadFeed({ filter: {}, first: 5, after: null }, d);
    expect(page.nodes).toHaveLength(5);
    expect(d.outcomes.partialErrors).toEqual([]);
  });

  it('issue 18: with a filter on ticket fields, a broken row anywhere on a page fails that page as before', async () => {
    const { providers } = world();
    const [oldest] = [...providers[1]!.tickets].sort((x, y) => x.updatedAt.getTime() - y.updatedAt.getTime());
    providers[1]!.broken.add(oldest!.nativeId);
    const d = deps(providers);
    const page = await loadFeed({ filter: { statuses: ['OPEN'] }, first: 5, after: null }, d);
    expect(page.nodes.every((t) => t.provider !== 'zaia')).toBe(true);
    expect(d.outcomes.partialErrors.map((e) => [e.error.code, e.error.provider])).toEqual([['UPSTREAM_BAD_RESPONSE', 'zaia']]);
  });
});

describe('sealCursor', () => {
  const cursor: FeedCursor = { filter: Buffer.alloc(FILTER_HASH_BYTES, 1), key: [BASE, 'Ticket:moov:eyJpZCI6MTJ9'], positions: ['eyJ1IjoxLCJpZCI6IjEyMyJ9', '40', null, false] };

  it('never repeats a nonce, across refills of its random pool', () => {
    const nonces = new Set(Array.from({ length: 600 }, () => Buffer.from(sealCursor(cursor, CURSOR_KEY), 'base64url').subarray(0, 12).toString('hex')));
    expect(nonces.size).toBe(600);
  });

  it('opens what it sealed with a memo shared by the cursors of one page', () => {
    const memo = new Map<string, Buffer>();
    const sealed = [sealCursor(cursor, CURSOR_KEY, memo), sealCursor({ ...cursor, positions: [...cursor.positions, 'o:eyJpZCI6MTJ9'] }, CURSOR_KEY, memo)];
    expect(sealed.map((s) => openCursor(s, CURSOR_KEY).positions)).toEqual([cursor.positions, [...cursor.positions, 'o:eyJpZCI6MTJ9']]);
    expect(openCursor(sealCursor(cursor, CURSOR_KEY, memo), CURSOR_KEY)).toEqual(openCursor(sealCursor(cursor, CURSOR_KEY), CURSOR_KEY));
  });
});
