import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TOLERANT, type TestServer } from '../helpers/server.js';

/*
 * Issue 18: a document runs on graphql-js's executor the first time and as graphql-jit's
 * compiled code from the second (use-jit.ts). Both must answer alike, errors included.
 */
describe('compiled execution (graphql-jit)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ sandbox: { tickets: 20 }, env: TOLERANT });
  });
  afterAll(() => server.close());

  const FEED = `query Feed($first: Int!) {
    tickets(first: $first) {
      totalCount
      pageInfo { hasNextPage }
      edges { node { id provider number title status priority updatedAt assignee { id name email } tags { id name }
        activities(first: 3) { nodes { id kind createdAt author { id name } ... on CommentActivity { body } } } } }
    }
  }`;

  it('answers a repeated document the same, compiled or not: data, abstract types, errors with their paths', async () => {
    const feed = await server.gql<{ tickets: { edges: { node: { id: string } }[] } }>(FEED, { first: 8 });
    expect(feed.errors).toBeUndefined();
    const id = feed.data!.tickets.edges[0]!.node.id;
    const cases: [string, Record<string, unknown>][] = [
      [FEED, { first: 8 }],
      ['query One($id: ID!) { ticket(id: $id) { id title requester { name email } } missing: ticket(id: "garbage") { id } }', { id }],
      ['query Nodes($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Ticket { title } } }', { ids: [id, 'garbage'] }],
      ['query Bad($first: Int!) { tickets(first: $first) { totalCount } }', { first: 'many' }],
    ];
    for (const [query, variables] of cases) {
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await server.gql(query, variables));
      // The provider outcomes carry timings; the rest must not change from run to run.
      const comparable = answers.map(({ extensions, ...rest }) => ({ ...rest, providers: extensions?.providers?.map(({ provider, outcome }) => ({ provider, outcome })) }));
      expect(comparable[1]).toEqual(comparable[0]);
      expect(comparable[2]).toEqual(comparable[0]);
    }
  });

  it('runs the operation named in each request of a document that has several', async () => {
    const query = 'query Count { tickets(first: 1) { totalCount } } query Providers { providers { provider } }';
    const run = async (operationName: string) => {
      const response = await server.yoga.fetch('http://ticketgraph.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, operationName }),
      });
      return Object.keys(((await response.json()) as { data: object }).data);
    };
    expect([await run('Count'), await run('Count'), await run('Providers'), await run('Providers')]).toEqual([['tickets'], ['tickets'], ['providers'], ['providers']]);
  });

  it('still traces a compiled document for a gateway that asks (ftv1)', async () => {
    const query = '{ tickets(first: 2) { nodes { id } } }';
    await server.gql(query);
    await server.gql(query);
    const traced = await server.gql(query, undefined, { 'apollo-federation-include-trace': 'ftv1' });
    expect(traced.extensions).toHaveProperty('ftv1');
    expect((await server.gql(query)).extensions).not.toHaveProperty('ftv1');
  });
});
