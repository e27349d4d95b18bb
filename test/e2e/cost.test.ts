import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { graphiqlTabs } from '../../src/graphiql.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The README's example query, verbatim: the first graphql block under "## Example". */
function readmeExample(): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Example'));
  const match = /```graphql\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error('README has no example query');
  return match[1];
}

const FEED = /* GraphQL */ `
  query Feed($a: Int, $b: Int) {
    tickets(first: $a) { nodes { id activities(first: $b) { nodes { id kind } } } }
  }
`;

describe('query cost limit with variables (issue 14)', () => {
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    // Production upstream timeouts: these tests are not about timeouts, and a loaded CI machine
    // must not turn a slow sandbox answer into UPSTREAM_TIMEOUT (failures here are injected, not waited for).
    server = await startTestServer({ env: { UPSTREAM_TIMEOUT_MS: '30000', UPSTREAM_DEADLINE_MS: '60000', REQUEST_DEADLINE_MS: '90000' } });
    url = await server.listen();
  });
  afterAll(() => server.close());

  const post = async (body: unknown, accept = 'application/graphql-response+json') => {
    const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify(body) });
    return { status: response.status, json: (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
  };

  it('runs the README example verbatim', async () => {
    const { status, json } = await post({ query: readmeExample() });
    expect(json.errors).toBeUndefined();
    expect(status).toBe(200);
    expect(json.data).toMatchObject({ tickets: { edges: expect.any(Array) } });
  });

  it("runs GraphiQL's default query (its first tab; the second, with @defer, runs in graphiql-tabs.test.ts)", async () => {
    const { status, json } = await post({ query: graphiqlTabs(parseConfig({}))[0]!.query });
    expect(json.errors).toBeUndefined();
    expect(status).toBe(200);
  });

  it('runs a 100-ticket feed with 20 activities each, literal or variable', async () => {
    const literal = await post({ query: '{ tickets(first: 100) { nodes { id activities(first: 20) { nodes { id } } } } }' });
    expect(literal.json.errors).toBeUndefined();
    const variable = await post({ query: FEED, variables: { a: 100, b: 20 } });
    expect(variable.json.errors).toBeUndefined();
    expect(variable.status).toBe(200);
  });

  it.each([
    ['literal', { query: '{ tickets(first: 100) { nodes { id activities(first: 500) { nodes { id } } } } }' }],
    ['variable', { query: FEED, variables: { a: 100, b: 500 } }],
    ['variable with defaults', { query: 'query ($b: Int = 500) { tickets(first: 100) { nodes { activities(first: $b) { nodes { id } } } } }' }],
    [
      'fragment',
      { query: 'query ($b: Int) { tickets(first: 100) { ...F } } fragment F on TicketConnection { nodes { activities(first: $b) { nodes { id } } } }', variables: { b: 500 } },
    ],
  ])('refuses 100 × 500 (%s) as a validation error naming the limit, HTTP 400', async (_name, body) => {
    server.resetCounts();
    const { status, json } = await post(body);
    expect(status).toBe(400);
    expect(json.data).toBeUndefined();
    expect(json.errors).toHaveLength(1);
    expect(json.errors![0]!.message).toMatch(/^Query cost 50\d{3} exceeds the limit of 20000 \(MAX_QUERY_COST\)/);
    expect(json.errors![0]!.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', cost: expect.any(Number), maxCost: 20000 });
    // Refused before execution: no provider was asked.
    expect(server.sandbox.totalRequests()).toBe(0);
  });

  it('answers 200 with the same error under application/json (GraphQL-over-HTTP)', async () => {
    const { status, json } = await post({ query: FEED, variables: { a: 100, b: 500 } }, 'application/json');
    expect(status).toBe(200);
    expect(json.errors![0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('prices a cached document again for other variables', async () => {
    expect((await post({ query: FEED, variables: { a: 5, b: 5 } })).status).toBe(200);
    expect((await post({ query: FEED, variables: { a: 100, b: 500 } })).status).toBe(400);
    expect((await post({ query: FEED, variables: { a: 5, b: 5 } })).status).toBe(200);
  });

  it('prices _entities by its representations and nested feeds by their fan-out', async () => {
    const persons = Array.from({ length: 200 }, (_, i) => ({ __typename: 'Person', email: `p${i}@example.com` }));
    const { status, json } = await post({
      query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { tickets(first: 50) { nodes { id } } } } }',
      variables: { r: persons },
    });
    expect(status).toBe(400);
    expect(json.errors![0]!.extensions?.cost).toBe(200 + 200 * (100 + 50));
  });
});
