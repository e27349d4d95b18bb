import { describe, expect, it } from 'vitest';
import { createLoaders, primeTicket, type LoaderDeps } from '../../src/loaders/index.js';
import { BadUserInputError, ProviderNotConfiguredError } from '../../src/errors.js';
import { encodeId } from '../../src/ids.js';
import type { ProviderKey } from '../../src/model/provider.js';
import type { TicketModel } from '../../src/model/ticket.js';
import { ProviderOutcomes } from '../../src/outcomes.js';
import type { Registry } from '../../src/providers/registry.js';
import { UpstreamError } from '../../src/upstream/errors.js';
import type { ListTicketsQuery } from '../../src/upstream/provider.js';
import { FakeProvider, fakeTicket } from '../helpers/fake-provider.js';
import { pageTickets } from '../../src/upstream/rows.js';

/*
 * The loaders' batch shape, with dataloader's own `loadCalls` trick: the registry records
 * each `get` (one per provider per batch) and each fake provider records its calls, so a
 * test asserts what was sent, in which batches and in which order.
 */

const ticketId = (provider: ProviderKey, nativeId: string) => encodeId('Ticket', provider, nativeId);

function setup(providers: FakeProvider[], concurrency = 4) {
  const gets: ProviderKey[][] = [];
  let batch: ProviderKey[] = [];
  let scheduled = false;
  const registry: Registry = {
    providers,
    get(key) {
      // Calls made in the same macrotask belong to the same batch.
      if (!scheduled) {
        scheduled = true;
        batch = [];
        gets.push(batch);
        setImmediate(() => (scheduled = false));
      }
      batch.push(key);
      const provider = providers.find((p) => p.key === key);
      if (!provider) throw new ProviderNotConfiguredError(key);
      return provider;
    },
    has: (key) => providers.some((p) => p.key === key),
    status: () => [],
    forgetTicket: async () => {},
    redisState: () => 'off',
    close: async () => {},
  };
  const outcomes = new ProviderOutcomes();
  const deps: LoaderDeps = { registry, outcomes, signal: new AbortController().signal, concurrency };
  return { loaders: createLoaders(deps), gets, outcomes };
}

const tickets = (provider: ProviderKey, ...ids: string[]): TicketModel[] => ids.map((id, i) => fakeTicket(provider, id, 1_000_000 + i));

describe('ticketDetailById (batch function)', () => {
  it('sends one batch: each provider asked once, its keys in key order, duplicates once', async () => {
    const moov = new FakeProvider('moov', tickets('moov', 'a', 'b', 'c'), 'cursor');
    const sonzai = new FakeProvider('sonzai', tickets('sonzai', 'x', 'y'), 'offset');
    const { loaders, gets } = setup([moov, sonzai]);
    const keys = [ticketId('moov', 'c'), ticketId('sonzai', 'y'), ticketId('moov', 'a'), ticketId('moov', 'c'), ticketId('sonzai', 'x')];
    const results = await loaders.ticketDetailById.loadMany(keys);
    expect(results.map((r) => (r instanceof Error ? r : r.nativeId))).toEqual(['c', 'y', 'a', 'c', 'x']);
    expect(gets).toEqual([['moov', 'sonzai']]);
    expect(moov.calls).toEqual(['get:c', 'get:a']);
    expect(sonzai.calls).toEqual(['get:y', 'get:x']);
  });

  it('gives an Error at each missing key only, and a failing provider fails only its keys', async () => {
    const moov = new FakeProvider('moov', tickets('moov', 'a'), 'cursor');
    const sonzai = new FakeProvider('sonzai', tickets('sonzai', 'x'), 'offset');
    sonzai.failWith = new UpstreamError('UPSTREAM_UNAVAILABLE', 'sonzai is unavailable', { provider: 'sonzai', operation: 'getTicket', status: 503 });
    const { loaders, outcomes } = setup([moov, sonzai]);
    const results = await loaders.ticketDetailById.loadMany([ticketId('moov', 'a'), ticketId('sonzai', 'x'), ticketId('moov', 'missing')]);
    expect(results[0]).toMatchObject({ nativeId: 'a' });
    expect(results[1]).toBeInstanceOf(UpstreamError);
    expect(results[2]).toBeInstanceOf(Error);
    expect((results[2] as Error).message).toBe('not found');
    expect(outcomes.list()).toContainEqual({ provider: 'sonzai', outcome: 'UNAVAILABLE', code: 'UPSTREAM_UNAVAILABLE' });
  });

  it('fails a malformed id and a provider that is not configured at their own keys', async () => {
    const moov = new FakeProvider('moov', tickets('moov', 'a'), 'cursor');
    const { loaders, gets } = setup([moov]);
    const results = await loaders.ticketDetailById.loadMany(['garbage!', ticketId('hostup', '7'), ticketId('moov', 'a'), encodeId('Tag', 'moov', 'a')]);
    expect(results[0]).toBeInstanceOf(BadUserInputError);
    expect(results[1]).toBeInstanceOf(ProviderNotConfiguredError);
    expect(results[2]).toMatchObject({ nativeId: 'a' });
    expect(results[3]).toBeInstanceOf(BadUserInputError);
    expect(gets).toEqual([['hostup', 'moov']]);
    expect(moov.calls).toEqual(['get:a']);
  });

  it('splits more than 100 keys into batches of at most 100, order kept', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `t${i}`);
    const moov = new FakeProvider('moov', tickets('moov', ...ids), 'cursor');
    const { loaders, gets } = setup([moov], 8);
    const results = await loaders.ticketDetailById.loadMany(ids.map((id) => ticketId('moov', id)));
    expect(results.map((r) => (r instanceof Error ? r : r.nativeId))).toEqual(ids);
    // Two batches (100 + 50), one registry lookup each.
    expect(gets.flat()).toEqual(['moov', 'moov']);
    // The two batches run side by side; within each, calls start in key order.
    const first = new Set(ids.slice(0, 100).map((id) => `get:${id}`));
    expect(moov.calls.filter((call) => first.has(call))).toEqual([...first]);
    expect(moov.calls.filter((call) => !first.has(call))).toEqual(ids.slice(100).map((id) => `get:${id}`));
  });

  it('does not keep a transient failure in the request cache, but keeps a NOT_FOUND', async () => {
    const moov = new FakeProvider('moov', tickets('moov', 'a'), 'cursor');
    const { loaders } = setup([moov]);
    moov.failWith = new UpstreamError('UPSTREAM_TIMEOUT', 'moov did not answer in time', { provider: 'moov', operation: 'getTicket' });
    await expect(loaders.ticketDetailById.load(ticketId('moov', 'a'))).rejects.toBeInstanceOf(UpstreamError);
    // The clear is queued as a microtask after the batch settles.
    await new Promise((resolve) => setImmediate(resolve));
    moov.failWith = null;
    await expect(loaders.ticketDetailById.load(ticketId('moov', 'a'))).resolves.toMatchObject({ nativeId: 'a' });
    expect(moov.calls).toEqual(['get:a', 'get:a']);

    moov.failWith = new UpstreamError('NOT_FOUND', 'moov: not found', { provider: 'moov', operation: 'getTicket', status: 404 });
    await expect(loaders.ticketDetailById.load(ticketId('moov', 'gone'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await new Promise((resolve) => setImmediate(resolve));
    moov.failWith = null;
    await expect(loaders.ticketDetailById.load(ticketId('moov', 'gone'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(moov.calls).toEqual(['get:a', 'get:a', 'get:gone']);
  });
});

describe('ticketById', () => {
  it('serves a primed ticket without a call, and reads misses through the detail loader once', async () => {
    const moov = new FakeProvider('moov', tickets('moov', 'a', 'b'), 'cursor');
    const { loaders } = setup([moov]);
    const primed = fakeTicket('moov', 'a', 5, { title: 'from a list' });
    primeTicket(loaders, primed);
    const [a, b, bDetail] = await Promise.all([
      loaders.ticketById.load(primed.id),
      loaders.ticketById.load(ticketId('moov', 'b')),
      loaders.ticketDetailById.load(ticketId('moov', 'b')),
    ]);
    expect(a).toBe(primed);
    expect(b).toBe(bDetail);
    expect(moov.calls).toEqual(['get:b']);
  });
});

describe('activitiesByTicket and tagsByTicket', () => {
  it('use what the payload carries, and share one detail read per ticket otherwise', async () => {
    const full = tickets('moov', 'a', 'b');
    const moov = new FakeProvider('moov', full, 'cursor');
    const { loaders } = setup([moov]);
    const carried = fakeTicket('moov', 'b', 9, { activities: [], tags: [] });
    const summary = { ...full[0]!, activities: undefined, tags: undefined };
    const [activities, tags, carriedActivities] = await Promise.all([
      loaders.activitiesByTicket.load(summary),
      loaders.tagsByTicket.load(summary),
      loaders.activitiesByTicket.load(carried),
    ]);
    expect(activities).toEqual([]);
    expect(tags).toEqual([]);
    expect(carriedActivities).toBe(carried.activities);
    // The summary's timeline and tags come from one detail read; the carried ticket costs nothing.
    expect(moov.calls).toEqual(['get:a']);
  });
});

describe('listPage', () => {
  const query = (over: Partial<ListTicketsQuery> = {}): ListTicketsQuery => ({ source: '', cursor: null, limit: 10, filter: {}, ...over });

  it('reads the same page once per request, whatever filters the provider cannot push down', async () => {
    const moov = new FakeProvider('moov', tickets('moov', 'a'), 'cursor');
    const { loaders } = setup([moov]);
    const [one, two] = await Promise.all([loaders.listPage(moov, query()), loaders.listPage(moov, query({ filter: { statuses: ['OPEN'], search: 'printer' } }))]);
    expect(one).toBe(two);
    await loaders.listPage(moov, query({ cursor: 'next' }));
    expect(moov.calls).toEqual(['list:first', 'list:next']);
  });

  it('does not keep a failed page: a later feed in the same request tries again', async () => {
    const moov = new FakeProvider('moov', tickets('moov', 'a'), 'cursor');
    const { loaders } = setup([moov]);
    moov.failWith = new Error('boom');
    await expect(loaders.listPage(moov, query())).rejects.toThrow('boom');
    moov.failWith = null;
    expect(pageTickets(await loaders.listPage(moov, query()))).toMatchObject([{ nativeId: 'a' }]);
    expect(moov.calls).toEqual(['list:first', 'list:first']);
  });
});
