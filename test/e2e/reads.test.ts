import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TicketProvider } from '../../src/upstream/provider.js';
import { PROVIDER_KEYS, type ProviderKey } from '../../src/model/provider.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { pageTickets } from '../../src/upstream/rows.js';

interface TicketNode {
  id: string;
  provider: string;
  updatedAt: string;
}
type Feed = { tickets: { nodes: TicketNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

/** What a provider's list endpoint holds, read straight through the datasource (the sandbox's ticket set). */
async function everyTicket(provider: TicketProvider): Promise<string[]> {
  const ids: string[] = [];
  for (const source of provider.listSources({})) {
    let cursor: string | null = null;
    for (let i = 0; i < 1000; i++) {
      const page = await provider.listTickets({ source, cursor, limit: provider.maxPageSize, filter: {} }, {});
      ids.push(...pageTickets(page).map((t) => t.id));
      if (!page.next) break;
      cursor = page.next;
    }
  }
  return ids;
}

const byProvider = (nodes: { provider: string }[]) => Object.fromEntries(PROVIDER_KEYS.map((k) => [k, nodes.filter((n) => n.provider === k.toUpperCase()).length]));

describe('reads across the five providers (issue 5)', () => {
  let server: TestServer;
  // Fan-out tests make 50–100 calls at once: with the short test timeouts, a loaded machine
  // turns slow answers into UPSTREAM_TIMEOUT. They run on a server with production timeouts;
  // the fault tests keep the short ones so that hangs end quickly.
  let wide: TestServer;
  beforeAll(async () => {
    [server, wide] = await Promise.all([startTestServer(), startTestServer({ env: { UPSTREAM_TIMEOUT_MS: '10000', UPSTREAM_DEADLINE_MS: '20000', REQUEST_DEADLINE_MS: '30000' } })]);
  });
  afterAll(() => Promise.all([server.close(), wide.close()]));
  beforeEach(() => {
    for (const key of PROVIDER_KEYS) server.sandbox.setFault(key, null);
    server.resetCounts();
  });

  it('fans one operation out to 50 upstream calls without a MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const { errors } = await wide.gql('{ tickets(first: 50) { nodes { id activities(first: 1) { nodes { id } } } } }');
      expect(errors).toBeUndefined();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(wide.sandbox.totalRequests()).toBeGreaterThan(30);
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });

  const listCalls = (key: ProviderKey) => server.registry.get(key).listSources({}).length;

  it('costs one list call per provider source, the same for first: 5 and first: 50, with list-embedded fields', async () => {
    const counts: Record<number, number[]> = {};
    for (const first of [5, 50]) {
      server.resetCounts();
      const { errors, data } = await server.gql<Feed>(`{ tickets(first: ${first}) { nodes { id provider updatedAt title status assignee { email } requester { email } } } }`);
      expect(errors).toBeUndefined();
      expect(data!.tickets.nodes).toHaveLength(first);
      counts[first] = await Promise.all(PROVIDER_KEYS.map((k) => server.answered(k)));
    }
    expect(counts[5]).toEqual(PROVIDER_KEYS.map(listCalls));
    expect(counts[50]).toEqual(counts[5]);
  });

  it('shares list pages between feeds of one request whose upstream calls are the same', async () => {
    const { errors } = await server.gql('{ a: tickets(first: 5) { nodes { id } } b: tickets(first: 5, filter: { updatedAfter: "2020-01-01T00:00:00Z" }) { nodes { id } } }');
    expect(errors).toBeUndefined();
    // No provider filters dates upstream, so both feeds ask exactly the same pages.
    expect(await Promise.all(PROVIDER_KEYS.map((k) => server.answered(k)))).toEqual(PROVIDER_KEYS.map(listCalls));
  });

  it('returns the feed sorted by updatedAt then id, descending', async () => {
    const { data } = await server.gql<Feed>('{ tickets(first: 100) { nodes { id provider updatedAt } } }');
    const nodes = data!.tickets.nodes;
    for (let i = 1; i < nodes.length; i++) {
      const [a, b] = [nodes[i - 1]!, nodes[i]!];
      expect(a.updatedAt > b.updatedAt || (a.updatedAt === b.updatedAt && a.id > b.id)).toBe(true);
    }
    expect(Object.values(byProvider(nodes)).filter((n) => n > 0).length).toBeGreaterThanOrEqual(4);
  });

  it('costs exactly one call per distinct ticket for a timeline that needs one, and nothing for embedded ones', async () => {
    server.resetCounts();
    const { errors, data } = await server.gql<Feed>(
      '{ tickets(first: 30) { nodes { id provider updatedAt tags { name } activities(first: 5) { totalCount nodes { kind createdAt author { name } } } } } }',
    );
    expect(errors).toBeUndefined();
    const perProvider = byProvider(data!.tickets.nodes);
    for (const key of PROVIDER_KEYS) {
      const provider = server.registry.get(key);
      const extra = (await server.answered(key)) - listCalls(key);
      // Row-derived timelines (Zaia) cost nothing; the others one call per ticket on the page.
      expect([key, extra]).toEqual([key, provider.timeline === 'ticket' ? 0 : perProvider[key]]);
    }
  });

  it('fills fields a list summary lacks (HostUp and Sonzai bodies) from the detail read, one call per ticket', async () => {
    server.resetCounts();
    const { errors, data } = await server.gql<{ tickets: { nodes: { provider: string; description: string | null }[] } }>(
      '{ tickets(first: 10, filter: { providers: [HOSTUP, SONZAI] }) { nodes { provider description activities { totalCount } } } }',
    );
    expect(errors).toBeUndefined();
    expect(data!.tickets.nodes.every((n) => typeof n.description === 'string' && n.description.length > 0)).toBe(true);
    // The body and the timeline come from the same detail read.
    expect(await server.answered()).toBe(listCalls('hostup') + listCalls('sonzai') + 10);
  });

  it('makes identical reads once per request', async () => {
    const { data: page } = await server.gql<Feed>('{ tickets(first: 5, filter: { providers: [HOSTUP] }) { nodes { id provider updatedAt } } }');
    const id = page!.tickets.nodes[0]!.id;
    server.resetCounts();
    const { errors } = await server.gql(`query ($id: ID!) { a: ticket(id: $id) { id activities { totalCount } } b: ticket(id: $id) { title } c: node(id: $id) { id } }`, { id });
    expect(errors).toBeUndefined();
    expect(await server.answered()).toBe(1);
  });

  it('answers an unknown ticket with NOT_FOUND for that ticket only', async () => {
    const { data: page } = await server.gql<Feed>('{ tickets(first: 1, filter: { providers: [SONZAI] }) { nodes { id provider updatedAt } } }');
    const good = page!.tickets.nodes[0]!.id;
    const missing = Buffer.from('Ticket:sonzai:00000000-0000-4000-8000-000000000000').toString('base64url');
    const { data, errors } = await server.gql<{ a: { id: string } | null; b: { id: string } | null }>('query ($a: ID!, $b: ID!) { a: ticket(id: $a) { id } b: ticket(id: $b) { id } }', {
      a: good,
      b: missing,
    });
    expect(data).toEqual({ a: { id: good }, b: null });
    expect(errors).toHaveLength(1);
    expect(errors![0]!.path).toEqual(['b']);
    expect(errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', provider: 'SONZAI', status: 404 });
  });

  it('walks the whole feed with first: 7: every ticket exactly once, in order, also while tickets are created', async () => {
    const expected = new Set<string>();
    for (const provider of server.registry.providers) for (const id of await everyTicket(provider)) expected.add(id);
    const seen: string[] = [];
    let after: string | null = null;
    let created = 0;
    for (let page = 0; page < 500; page++) {
      const { data, errors }: Awaited<ReturnType<typeof server.gql<Feed>>> = await server.gql<Feed>(
        'query ($after: String) { tickets(first: 7, after: $after) { nodes { id provider updatedAt } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      expect(errors).toBeUndefined();
      seen.push(...data!.tickets.nodes.map((n) => n.id));
      if (!data!.tickets.pageInfo.hasNextPage) break;
      after = data!.tickets.pageInfo.endCursor;
      if (page % 10 === 3) {
        const { errors: createErrors } = await server.gql(
          'mutation ($t: String!) { createTicket(input: { provider: SONZAI, title: $t, description: "Created during a walk" }) { ticket { id } } }',
          { t: `Walk ${page}` },
        );
        expect(createErrors).toBeUndefined();
        created++;
      }
    }
    expect(created).toBeGreaterThan(0);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => !expected.has(id))).toEqual([]);
    expect(seen.length).toBe(expected.size);
  });

  it('keeps the other providers when one answers 503, naming it in errors and extensions.providers', async () => {
    server.sandbox.setFault('zaia', { status: 503 });
    const result = await server.gql<Feed>('{ tickets(first: 40) { nodes { id provider updatedAt } } }');
    expect(result.data!.tickets.nodes.length).toBe(40);
    expect(result.data!.tickets.nodes.some((n) => n.provider === 'ZAIA')).toBe(false);
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({ path: ['tickets'], extensions: { code: 'UPSTREAM_UNAVAILABLE', provider: 'ZAIA', status: 503 } });
    expect(result.extensions?.providers).toEqual(
      expect.arrayContaining([
        { provider: 'ZAIA', outcome: 'UNAVAILABLE', code: 'UPSTREAM_UNAVAILABLE' },
        { provider: 'MOOV', outcome: 'OK' },
      ]),
    );
  });

  it('reports a provider that hangs as UPSTREAM_TIMEOUT and still answers with the others', async () => {
    server.sandbox.setFault('hostup', { hang: true });
    const result = await server.gql<Feed>('{ tickets(first: 10) { nodes { id provider updatedAt } } }');
    expect(result.data!.tickets.nodes).toHaveLength(10);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', provider: 'HOSTUP' });
    expect(result.extensions?.providers).toEqual(expect.arrayContaining([{ provider: 'HOSTUP', outcome: 'TIMEOUT', code: 'UPSTREAM_TIMEOUT' }]));
  });

  it('reports a Retry-After beyond the cap as RATE_LIMITED with the retry time, without waiting', async () => {
    server.sandbox.setFault('moov', { status: 429, retryAfter: 120 });
    const result = await server.gql<Feed>('{ tickets(first: 10) { nodes { id provider updatedAt } } }');
    expect(result.data!.tickets.nodes).toHaveLength(10);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', provider: 'MOOV', retryAfter: 120 });
    expect(result.extensions?.providers).toEqual(expect.arrayContaining([{ provider: 'MOOV', outcome: 'RATE_LIMITED', code: 'RATE_LIMITED', retryAfter: 120 }]));
    // Not retried: the wait is over the cap.
    expect(server.sandbox.totalRequests('moov')).toBe(listCalls('moov'));
  });

  it('resolves 100 _entities representations with one read per distinct ticket and no more', async () => {
    const { data } = await wide.gql<Feed>('{ tickets(first: 100) { nodes { id provider updatedAt } } }');
    const ids = data!.tickets.nodes.map((n) => n.id);
    wide.resetCounts();
    const { data: entities, errors } = await wide.gql<{ _entities: { id: string; title: string | null }[] }>(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Ticket { id title status } } }',
      { r: ids.map((id) => ({ __typename: 'Ticket', id })) },
    );
    expect(errors).toBeUndefined();
    expect(entities!._entities.map((e) => e.id)).toEqual(ids);
    // No provider can read many tickets by id in one call: one single read per ticket, bounded.
    expect(await wide.answered()).toBe(ids.length);
  });

  it('filters by status, provider and requester email across providers', async () => {
    const { data: page } = await server.gql<{ tickets: { nodes: { requester: { email: string } | null }[] } }>('{ tickets(first: 50) { nodes { requester { email } } } }');
    const email = page!.tickets.nodes.find((n) => n.requester?.email)!.requester!.email;
    const { data, errors } = await server.gql<{ tickets: { nodes: { status: string; requester: { email: string } }[] } }>(
      'query ($e: String!) { tickets(first: 100, filter: { requester: [$e], statuses: [OPEN, IN_PROGRESS, WAITING, RESOLVED, CLOSED, UNKNOWN] }) { nodes { status requester { email } } } }',
      { e: email.toUpperCase() },
    );
    expect(errors).toBeUndefined();
    expect(data!.tickets.nodes.length).toBeGreaterThan(0);
    expect(data!.tickets.nodes.every((n) => n.requester.email.toLowerCase() === email.toLowerCase())).toBe(true);
    const closed = await server.gql<{ tickets: { nodes: { status: string }[] } }>('{ tickets(first: 30, filter: { statuses: [CLOSED] }) { nodes { status } } }');
    expect(closed.data!.tickets.nodes.length).toBeGreaterThan(0);
    expect(closed.data!.tickets.nodes.every((n) => n.status === 'CLOSED')).toBe(true);
  });
});
