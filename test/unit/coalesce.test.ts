import { describe, expect, it } from 'vitest';
import { withCoalescing } from '../../src/upstream/coalesce.js';
import type { TicketProvider } from '../../src/upstream/provider.js';
import type { TicketModel } from '../../src/model/ticket.js';
import { fakeTicket } from '../helpers/fake-provider.js';

/** A provider whose reads wait until the test releases them, counting what it is asked. */
function heldProvider() {
  const calls: string[] = [];
  const held: Array<() => void> = [];
  let version = 0;
  const hold = <T>(value: () => T) => new Promise<T>((resolve) => held.push(() => resolve(value())));
  const provider: TicketProvider = {
    key: 'hostup',
    maxPageSize: 50,
    pushdown: { statuses: true, assignee: false, requester: false, search: false, dates: false },
    timeline: 'detail',
    listSources: () => [''],
    getTicket: (nativeId) => {
      calls.push(`get ${nativeId}`);
      return hold(() => fakeTicket('hostup', nativeId, 1_700_000_000_000, { title: `v${version}` }));
    },
    listTickets: (query) => {
      calls.push(`list ${query.limit}`);
      return hold(() => ({ rows: [], next: null, totalCount: 0 }));
    },
    addComment: async (nativeId) => {
      calls.push(`comment ${nativeId}`);
      version++;
      return { ticket: fakeTicket('hostup', nativeId, 1_700_000_000_000) };
    },
  };
  const release = () => held.splice(0).forEach((answer) => answer());
  return { provider, calls, release };
}

describe('withCoalescing (reads shared across operations)', () => {
  it('shares one read, mapping included, between identical callers in flight', async () => {
    const { provider, calls, release } = heldProvider();
    const shared = withCoalescing(provider);
    const reads = [shared.getTicket('t1', {}), shared.getTicket('t1', {}), shared.getTicket('t2', {})];
    const lists = [shared.listTickets({ source: '', cursor: null, limit: 10, filter: {} }, {}), shared.listTickets({ source: '', cursor: null, limit: 20, filter: {} }, {})];
    release();
    const [a, b, c] = await Promise.all(reads);
    await Promise.all(lists);
    expect(calls).toEqual(['get t1', 'get t2', 'list 10', 'list 20']);
    expect(a).toBe(b);
    expect(c!.nativeId).toBe('t2');
    // Finished reads are not cached: the next one asks again.
    const again = shared.getTicket('t1', {});
    release();
    await again;
    expect(calls.filter((c) => c === 'get t1')).toHaveLength(2);
  });

  it('a read that starts after a write never joins a read from before it', async () => {
    const { provider, calls, release } = heldProvider();
    const shared = withCoalescing(provider);
    const before = shared.getTicket('t1', {});
    await shared.addComment!('t1', { body: 'x', internal: false }, {});
    const after = shared.getTicket('t1', {});
    release();
    await Promise.all([before, after]);
    expect(calls).toEqual(['get t1', 'comment t1', 'get t1']);
  });

  it('a caller whose deadline passes leaves with UPSTREAM_TIMEOUT; the others get the answer', async () => {
    const { provider, release } = heldProvider();
    const shared = withCoalescing(provider);
    const deadline = new AbortController();
    const leaving = shared.getTicket('t1', { signal: deadline.signal });
    const staying = shared.getTicket('t1', {});
    deadline.abort(new DOMException('deadline exceeded', 'TimeoutError'));
    await expect(leaving).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    release();
    expect(((await staying) as TicketModel).nativeId).toBe('t1');
  });

  it('keeps the provider capability matrix: methods it lacks stay absent', () => {
    const shared = withCoalescing(heldProvider().provider);
    expect(typeof shared.addComment).toBe('function');
    expect(shared.closeTicket).toBeUndefined();
    expect(shared.listActivities).toBeUndefined();
  });
});
