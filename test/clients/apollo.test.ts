import { ApolloClient, gql, HttpLink, InMemoryCache, type ApolloQueryResult } from '@apollo/client/core/index.js';
import { loadDevMessages, loadErrorMessages } from '@apollo/client/dev/index.js';
import { relayStylePagination } from '@apollo/client/utilities/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/server.js';
import { POSSIBLE_TYPES, startClientServer } from './support.js';

/*
 * Issue 14: Apollo Client 3 against the server over HTTP, with a normalised InMemoryCache,
 * relay-style pagination of the feed and a mutation whose answer updates the cache.
 */

const FEED = gql`
  query Feed($first: Int!, $after: String, $filter: TicketFilter) {
    tickets(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id provider title status updatedAt requester { id name email } assignee { id name email } } }
    }
  }
`;

const TICKET = gql`
  query Ticket($id: ID!) {
    ticket(id: $id) {
      id title updatedAt requester { id name email }
      activities(first: 100) { totalCount nodes { id kind createdAt authorRole author { id name email } ... on CommentActivity { body internal } } }
    }
  }
`;

const ADD_COMMENT = gql`
  mutation AddComment($input: AddCommentInput!) {
    addComment(input: $input) {
      ticket {
        id updatedAt
        activities(first: 100) { totalCount nodes { id kind createdAt authorRole author { id name email } ... on CommentActivity { body internal } } }
      }
      activity { id kind ... on CommentActivity { body } }
    }
  }
`;

interface FeedData {
  tickets: {
    totalCount: number | null;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: { id: string; provider: string; requester: { id: string; name: string | null } | null } }[];
  };
}
interface TicketData {
  ticket: { id: string; activities: { totalCount: number; nodes: { id: string; kind: string; body?: string | null }[] } | null };
}

loadDevMessages();
loadErrorMessages();

describe('Apollo Client (issue 14)', () => {
  let server: TestServer;
  let client: ApolloClient<unknown>;
  beforeAll(async () => {
    const started = await startClientServer();
    server = started.server;
    client = new ApolloClient({
      link: new HttpLink({ uri: started.url, fetch }),
      cache: new InMemoryCache({
        possibleTypes: POSSIBLE_TYPES,
        typePolicies: { Query: { fields: { tickets: relayStylePagination(['filter']) } } },
      }),
    });
  });
  afterAll(async () => {
    client?.stop();
    await server?.close();
  });

  it('pages the feed with fetchMore, merging pages in the cache without duplicates', async () => {
    const feed = client.watchQuery<FeedData>({ query: FEED, variables: { first: 10 } });
    const first = await new Promise<ApolloQueryResult<FeedData>>((resolve, reject) => {
      const subscription = feed.subscribe({
        next: (result) => {
          if (result.loading) return;
          resolve(result);
          subscription.unsubscribe();
        },
        error: reject,
      });
    });
    expect(first.errors).toBeUndefined();
    expect(first.data.tickets.edges).toHaveLength(10);
    for (let page = 0; page < 2; page++) {
      const more = await feed.fetchMore({ variables: { after: feed.getCurrentResult().data.tickets.pageInfo.endCursor } });
      expect(more.data.tickets.edges).toHaveLength(10);
    }
    // relayStylePagination merged the three pages into the one cached field.
    const data = client.readQuery<FeedData>({ query: FEED, variables: { first: 10 } })!;
    const ids = data.tickets.edges.map((e) => e.node.id);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });

  it("keeps a requester's name in the cache when another ticket is opened (one id, one value)", async () => {
    const feed = client.readQuery<FeedData>({ query: FEED, variables: { first: 10 } })!;
    const withName = feed.tickets.edges.map((e) => e.node).filter((n) => n.requester?.name);
    expect(withName.length).toBeGreaterThan(0);
    for (const ticket of feed.tickets.edges.slice(0, 10)) await client.query<TicketData>({ query: TICKET, variables: { id: ticket.node.id } });
    const after = client.readQuery<FeedData>({ query: FEED, variables: { first: 10 } })!;
    for (const before of withName) {
      expect(after.tickets.edges.find((e) => e.node.id === before.id)?.node.requester?.name).toBe(before.requester!.name);
    }
  });

  it('adds a comment and sees it in the cached ticket without refetching', async () => {
    const feed = await client.query<FeedData>({ query: FEED, variables: { first: 1, filter: { providers: ['SONZAI'] } } });
    const id = feed.data.tickets.edges[0]!.node.id;
    const before = await client.query<TicketData>({ query: TICKET, variables: { id } });
    const count = before.data.ticket.activities!.totalCount;
    const body = `from Apollo Client ${Date.now()}`;
    const result = await client.mutate({ mutation: ADD_COMMENT, variables: { input: { ticketId: id, body } } });
    expect(result.errors).toBeUndefined();
    // Read from the cache only: the mutation's answer updated the normalised ticket.
    const cached = client.readQuery<TicketData>({ query: TICKET, variables: { id } })!;
    expect(cached.ticket.activities!.totalCount).toBe(count + 1);
    expect(cached.ticket.activities!.nodes.some((a) => a.kind === 'COMMENT' && a.body === body)).toBe(true);
  });
});
