import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROVIDER_KEYS, type ProviderKey } from '../../src/model/provider.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/*
 * Issue 14: a failing timeline costs only the fields it owns. `activities` and `tags` are
 * nullable, so a timeline call that fails nulls that ticket's field (with an error at its
 * path) instead of wiping the feed up to `tickets`.
 */

interface Row {
  id: string;
  provider: string;
  title: string | null;
  activities: { nodes: { id: string }[] } | null;
  tags: { name: string | null }[] | null;
}

const FEED = 'query ($n: Int) { tickets(first: $n) { nodes { id provider title tags { name } activities(first: 5) { nodes { id } } } } }';

/** The simulator operation that serves each provider's timeline. */
const TIMELINE_OPERATION: Partial<Record<ProviderKey, string>> = { moov: 'listTicketMessages', hostup: 'getTicket', spacebring: 'getTicket', sonzai: 'getTicket' };

describe('partial results when a timeline fails (issue 14)', () => {
  let server: TestServer;
  let healthy: Row[];
  beforeAll(async () => {
    // Production upstream timeouts: these tests are not about timeouts, and a loaded CI machine
    // must not turn a slow sandbox answer into UPSTREAM_TIMEOUT (failures here are injected, not waited for).
    server = await startTestServer({ env: { BREAKER_THRESHOLD: '1000', UPSTREAM_TIMEOUT_MS: '30000', UPSTREAM_DEADLINE_MS: '60000', REQUEST_DEADLINE_MS: '90000' } });
    const { data, errors } = await server.gql<{ tickets: { nodes: Row[] } }>(FEED, { n: 50 });
    expect(errors).toBeUndefined();
    healthy = data!.tickets.nodes;
  });
  afterAll(() => server?.close());
  beforeEach(() => {
    for (const key of PROVIDER_KEYS) server.sandbox.setFault(key, null);
  });

  it.each(Object.entries(TIMELINE_OPERATION) as [ProviderKey, string][])(
    "keeps every ticket when %s's timeline calls fail, nulling only that provider's activities",
    async (key, operation) => {
      const own = healthy.filter((t) => t.provider === key.toUpperCase());
      expect(own.length).toBeGreaterThan(0);
      server.sandbox.setFault(key, { status: 500, operations: [operation] });
      const { data, errors, extensions } = await server.gql<{ tickets: { nodes: Row[] } }>(FEED, { n: 50 });
      expect(data).not.toBeNull();
      const rows = data!.tickets.nodes;
      // The same tickets, in the same order, with the same fields: only timelines of the failing provider are gone.
      expect(rows.map((t) => t.id)).toEqual(healthy.map((t) => t.id));
      for (const [i, row] of rows.entries()) {
        const before = healthy[i]!;
        expect(row.title).toBe(before.title);
        if (row.provider === key.toUpperCase()) expect(row.activities).toBeNull();
        else expect(row.activities).toEqual(before.activities);
      }
      expect(errors!.length).toBeGreaterThan(0);
      for (const error of errors!) {
        expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: key.toUpperCase() });
        expect(error.path?.[0]).toBe('tickets');
        expect(['activities', 'tags', 'description']).toContain(error.path?.[3]);
      }
      expect(extensions?.providers?.find((p) => p.provider === key.toUpperCase())?.outcome).not.toBe('OK');
    },
  );

  it('keeps the ticket of ticket(id) when its timeline fails', async () => {
    const moov = healthy.find((t) => t.provider === 'MOOV')!;
    server.sandbox.setFault('moov', { status: 500, operations: ['listTicketMessages'] });
    const { data, errors } = await server.gql<{ ticket: Row }>('query ($id: ID!) { ticket(id: $id) { id title activities { nodes { id } } } }', { id: moov.id });
    expect(data!.ticket).toMatchObject({ id: moov.id, title: moov.title, activities: null });
    expect(errors!.map((e) => e.path)).toEqual([['ticket', 'activities']]);
  });
});
