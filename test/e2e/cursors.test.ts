import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { createMetrics } from '../../src/metrics.js';
import { PROVIDER_KEYS } from '../../src/model/provider.js';
import { createRegistry } from '../../src/providers/registry.js';
import { createTicketgraph, type Ticketgraph } from '../../src/server.js';
import { startTestServer, type GqlResult, type TestServer } from '../helpers/server.js';

/*
 * Issue 14, cursors: sealed (AES-256-GCM) binary cursors, short enough for a client to carry
 * one per edge, that show no provider account or location id, and that another replica (or
 * the same one after a restart) with the same configuration accepts.
 */

type Feed = { tickets: { edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
const FEED = 'query ($a: String, $n: Int, $f: TicketFilter) { tickets(first: $n, after: $a, filter: $f) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }';
// Production timeouts: a five-provider page is a fan-out that a loaded machine answers slowly.
const ENV = { UPSTREAM_TIMEOUT_MS: '10000', UPSTREAM_DEADLINE_MS: '20000', REQUEST_DEADLINE_MS: '30000' };

/** A second gateway process over the same sandbox and the same configuration: another replica, or this one restarted. */
function replicaOf(server: TestServer, env: Record<string, string> = ENV): (query: string, variables?: Record<string, unknown>) => Promise<GqlResult<Feed>> {
  const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
  const metrics = createMetrics();
  const yoga: Ticketgraph = createTicketgraph(config, { registry: createRegistry(config, { http: server.config.http, metrics, sandbox: server.sandbox }), metrics });
  return async (query, variables) => {
    const response = await yoga.fetch('http://replica.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GqlResult<Feed>;
  };
}

describe('feed cursors (issue 14)', () => {
  let server: TestServer;
  let firstPage: Feed['tickets'];
  beforeAll(async () => {
    server = await startTestServer({ env: ENV });
    const { data, errors } = await server.gql<Feed>(FEED, { n: 100 });
    expect(errors).toBeUndefined();
    firstPage = data!.tickets;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('keeps every cursor of a five-provider feed under 200 characters', () => {
    expect(server.registry.providers.map((p) => p.key).sort()).toEqual([...PROVIDER_KEYS].sort());
    expect(firstPage.edges).toHaveLength(100);
    const lengths = [...firstPage.edges.map((e) => e.cursor.length), firstPage.pageInfo.endCursor!.length];
    expect(Math.max(...lengths)).toBeLessThan(200);
  });

  it('shows no provider account or location id, in the cursor or in its decoded bytes', () => {
    const ids = [...server.sandbox.settings('moov').accountIds, ...server.sandbox.settings('spacebring').locationRefs];
    expect(ids.length).toBeGreaterThan(0);
    for (const { cursor } of firstPage.edges) {
      const decoded = [Buffer.from(cursor, 'base64url').toString('latin1'), Buffer.from(cursor, 'base64url').toString('utf8')];
      for (const id of ids) {
        expect(cursor).not.toContain(id);
        for (const text of decoded) expect(text).not.toContain(id);
      }
      for (const text of decoded) expect(text).not.toMatch(/moov|spacebring|zaia|sonzai|hostup/i);
    }
  });

  it('walks the whole feed once, alternating pages between two replicas with the same configuration', async () => {
    const replica = replicaOf(server);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const ask = page % 2 === 0 ? server.gql.bind(server) : replica;
      const result: GqlResult<Feed> = await ask<Feed>(FEED, { n: 40, a: after });
      expect(result.errors).toBeUndefined();
      seen.push(...result.data!.tickets.edges.map((e) => e.node.id));
      after = result.data!.tickets.pageInfo.endCursor;
      if (!result.data!.tickets.pageInfo.hasNextPage) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    // The whole feed read on one instance holds the same tickets.
    const alone: string[] = [];
    after = null;
    for (let page = 0; page < 100; page++) {
      const { data }: GqlResult<Feed> = await server.gql<Feed>(FEED, { n: 100, a: after });
      alone.push(...data!.tickets.edges.map((e) => e.node.id));
      after = data!.tickets.pageInfo.endCursor;
      if (!data!.tickets.pageInfo.hasNextPage) break;
    }
    expect(seen.sort()).toEqual(alone.sort());
    expect(alone.length).toBeGreaterThan(100);
  });

  it('refuses a cursor with any byte changed as BAD_USER_INPUT on after', async () => {
    const cursor = Buffer.from(firstPage.edges[10]!.cursor, 'base64url');
    for (const at of [0, 13, Math.floor(cursor.length / 2), cursor.length - 1]) {
      const tampered = Buffer.from(cursor);
      tampered[at] = tampered[at]! ^ 0x01;
      const result = await server.gql(FEED, { n: 5, a: tampered.toString('base64url') });
      expect(result.data?.tickets ?? null).toBeNull();
      expect(result.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['BAD_USER_INPUT', 'after']]);
    }
    for (const junk of ['', 'x', firstPage.edges[10]!.cursor.slice(0, 40), `${firstPage.edges[10]!.cursor}AA`, Buffer.from('{"v":1}').toString('base64url')]) {
      const result = await server.gql(FEED, { n: 5, a: junk });
      if (junk === '') continue; // an empty `after` is no cursor: the first page
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('refuses a cursor sealed by a deployment with another CURSOR_SECRET, and one used with another filter', async () => {
    const other = replicaOf(server, { ...ENV, CURSOR_SECRET: 'another-deployment-secret-0123456789' });
    const foreign = await other(FEED, { n: 5, a: firstPage.edges[3]!.cursor });
    expect(foreign.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['BAD_USER_INPUT', 'after']]);
    const filtered = await server.gql(FEED, { n: 5, a: firstPage.edges[3]!.cursor, f: { statuses: ['OPEN'] } });
    expect(filtered.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(filtered.errors?.[0]?.message).toMatch(/another filter/);
  });
});
