import { cacheExchange, Client, fetchExchange, gql, type OperationResult } from '@urql/core';
import { commitMutation, Environment, fetchQuery, Network, RecordSource, Store, type RequestParameters, type Variables } from 'relay-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/server.js';
import addCommentMutation, { type feedAddCommentMutation } from './relay/__generated__/feedAddCommentMutation.graphql.js';
import feedQuery, { type feedQuery as FeedQuery } from './relay/__generated__/feedQuery.graphql.js';
import ticketQuery, { type feedTicketQuery } from './relay/__generated__/feedTicketQuery.graphql.js';
import { startClientServer } from './support.js';

/*
 * Issue 14: urql (@urql/core) and relay-runtime against the server over HTTP. The Relay
 * operations are compiled by relay-compiler from relay/operations.ts against
 * schema.client.graphql (see relay/relay.config.json; regenerate with `npx relay-compiler`
 * in test/clients/relay).
 */

let server: TestServer;
let url: string;
beforeAll(async () => {
  ({ server, url } = await startClientServer());
});
afterAll(() => server?.close());

describe('urql (issue 14)', () => {
  const FEED = gql`
    query UrqlFeed($first: Int!, $after: String) {
      tickets(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node { id provider title updatedAt } } }
    }
  `;

  it('pages the feed, opens a ticket and adds a comment', async () => {
    const client = new Client({ url, exchanges: [cacheExchange, fetchExchange], fetch, preferGetMethod: false });
    const first = await client.query(FEED, { first: 5 }).toPromise();
    expect(first.error).toBeUndefined();
    const next = await client.query(FEED, { first: 5, after: first.data.tickets.pageInfo.endCursor }).toPromise();
    expect(next.error).toBeUndefined();
    const ids = [...first.data.tickets.edges, ...next.data.tickets.edges].map((e: { node: { id: string } }) => e.node.id);
    expect(new Set(ids).size).toBe(10);

    const sonzai = await client.query(gql`query { tickets(first: 1, filter: { providers: [SONZAI] }) { nodes { id } } }`, {}).toPromise();
    const id = sonzai.data.tickets.nodes[0].id as string;
    const ticket = await client.query(gql`query ($id: ID!) { ticket(id: $id) { id title activities { totalCount } } }`, { id }).toPromise();
    expect(ticket.error).toBeUndefined();
    const body = `from urql ${Date.now()}`;
    const added = await client
      .mutation(gql`mutation ($input: AddCommentInput!) { addComment(input: $input) { ticket { id activities { totalCount } } activity { id ... on CommentActivity { body } } } }`, {
        input: { ticketId: id, body },
      })
      .toPromise();
    expect(added.error).toBeUndefined();
    expect(added.data.addComment.activity.body).toBe(body);
    expect(added.data.addComment.ticket.activities.totalCount).toBe(ticket.data.ticket.activities.totalCount + 1);
  });

  it('receives a deferred query in parts: the list first, then the timelines (issue 15)', async () => {
    type Feed = { tickets: { edges: { node: { id: string; activities?: { totalCount: number } } }[] } };
    const DEFERRED = gql`
      query UrqlDeferredFeed { tickets(first: 5) { edges { node { id title ... @defer { activities(first: 3) { totalCount } } } } } }
    `;
    // urql aborts its fetch on teardown after it has stopped reading at the last part; Node's
    // fetch then rejects the abandoned body with an AbortError nobody awaits. Without the
    // signal the body is just cancelled.
    const unabortable: typeof fetch = (input, init) => fetch(input, { ...init, signal: null });
    const client = new Client({ url, exchanges: [fetchExchange], fetch: unabortable });
    const results = await new Promise<OperationResult<Feed>[]>((resolve, reject) => {
      const seen: OperationResult<Feed>[] = [];
      const subscription = client.query<Feed>(DEFERRED, {}).subscribe((result) => {
        seen.push(result);
        if (result.error) reject(result.error);
        else if (!result.hasNext) {
          subscription.unsubscribe();
          resolve(seen);
        }
      });
    });
    // urql hands over each part merged into the result so far: the first has the list only.
    expect(results.length).toBeGreaterThan(1);
    expect(results[0]!.hasNext).toBe(true);
    expect(results[0]!.data?.tickets.edges).toHaveLength(5);
    expect(results[0]!.data?.tickets.edges.some((edge) => edge.node.activities === undefined)).toBe(true);
    const final = results.at(-1)!.data!;
    expect(final.tickets.edges.every((edge) => typeof edge.node.activities?.totalCount === 'number')).toBe(true);
  });

  it('surfaces a refused query as a CombinedError with the GraphQL code', async () => {
    const client = new Client({ url, exchanges: [fetchExchange], fetch });
    const result = await client.query(gql`query ($b: Int) { tickets(first: 100) { nodes { activities(first: $b) { nodes { id } } } } }`, { b: 500 }).toPromise();
    expect(result.error?.graphQLErrors[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('relay-runtime (issue 14)', () => {
  const environment = () =>
    new Environment({
      network: Network.create(async (operation: RequestParameters, variables: Variables) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
          body: JSON.stringify({ query: operation.text, variables }),
        });
        return response.json();
      }),
      store: new Store(new RecordSource()),
    });

  it('pages the feed, refetches a ticket with node(id:) and commits a comment', async () => {
    const env = environment();
    const first = await fetchQuery<FeedQuery>(env, feedQuery, { first: 5 }).toPromise();
    const second = await fetchQuery<FeedQuery>(env, feedQuery, { first: 5, after: first!.tickets.pageInfo.endCursor }).toPromise();
    const ids = [...first!.tickets.edges, ...second!.tickets.edges].map((e) => e.node.id);
    expect(new Set(ids).size).toBe(10);

    const sonzai = first!.tickets.edges.find((e) => e.node.provider === 'SONZAI') ?? second!.tickets.edges.find((e) => e.node.provider === 'SONZAI');
    const id = sonzai?.node.id ?? ids[0]!;
    const ticket = await fetchQuery<feedTicketQuery>(env, ticketQuery, { id }).toPromise();
    expect(ticket!.node?.id).toBe(id);
    // A requester is a Node too: its record in the store is the one the feed wrote.
    const requester = first!.tickets.edges.find((e) => e.node.requester)?.node.requester;
    if (requester) {
      const record = env.getStore().getSource().get(requester.id);
      expect(record?.name ?? null).toBe(requester.name ?? null);
    }

    const target = (await fetchQuery<FeedQuery>(env, feedQuery, { first: 100 }).toPromise())!.tickets.edges.find((e) => e.node.provider === 'SONZAI')!.node.id;
    const body = `from Relay ${Date.now()}`;
    const response = await new Promise<feedAddCommentMutation['response']>((resolve, reject) =>
      commitMutation<feedAddCommentMutation>(env, {
        mutation: addCommentMutation,
        variables: { input: { ticketId: target, body } },
        onCompleted: (data, errors) => (errors?.length ? reject(new Error(errors[0]!.message)) : resolve(data)),
        onError: reject,
      }),
    );
    expect(response.addComment?.activity?.body).toBe(body);
    // The store's ticket record took the mutation's updatedAt.
    expect(env.getStore().getSource().get(target)?.updatedAt).toBe(response.addComment?.ticket.updatedAt);
  });
});
