import { createHash } from 'node:crypto';
import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache, gql } from '@apollo/client-4';
import { Defer20220824Handler } from '@apollo/client-4/incremental';
import { PersistedQueryLink } from '@apollo/client-4/link/persisted-queries';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TOLERANT, type TestServer } from '../helpers/server.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const KEY = 'a-client-key-of-some-length';

interface Sent {
  method: string;
  hasQuery: boolean;
  hash: string | undefined;
  status: number;
}

/** Node's fetch, recording what Apollo Client sends and what it gets. */
function recordingFetch(sent: Sent[]): typeof fetch {
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { query?: string; extensions?: { persistedQuery?: { sha256Hash?: string } } }) : undefined;
    const extensions = url.searchParams.get('extensions');
    const hash =
      body?.extensions?.persistedQuery?.sha256Hash ?? (extensions ? (JSON.parse(extensions) as { persistedQuery?: { sha256Hash?: string } }).persistedQuery?.sha256Hash : undefined);
    const response = await fetch(input, init);
    sent.push({ method: init?.method ?? 'GET', hasQuery: Boolean(body?.query ?? url.searchParams.get('query')), hash, status: response.status });
    return response;
  };
}

function client(uri: string, link: (http: HttpLink) => ApolloLink, sent: Sent[], headers: Record<string, string> = {}) {
  return new ApolloClient({
    link: link(new HttpLink({ uri, fetch: recordingFetch(sent), headers })),
    cache: new InMemoryCache(),
    incrementalHandler: new Defer20220824Handler(),
  });
}

const PROVIDERS = gql`
  query ProvidersForApq {
    providers {
      provider
      mode
    }
  }
`;

const DEFERRED = gql`
  query FeedWithDeferredTimelines {
    tickets(first: 10) {
      edges {
        node {
          id
          title
          ... @defer {
            activities(first: 3) {
              totalCount
            }
          }
        }
      }
    }
  }
`;

type Feed = { tickets: { edges: { node: { id: string; title: string | null; activities?: { totalCount: number } } }[] } };

describe('Apollo Client 4 against ticketgraph (issue 15)', () => {
  let server: TestServer;
  let uri: string;
  beforeAll(async () => {
    server = await startTestServer({ env: TOLERANT });
    uri = `${await server.listen()}/graphql`;
  });
  afterAll(() => server.close());

  it('speaks Automatic Persisted Queries with the persisted-query link: GET by hash, registration on a miss, then GET by hash alone', async () => {
    const sent: Sent[] = [];
    const persisted = (http: HttpLink) => new PersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(http);
    const first = await client(uri, persisted, sent).query({ query: PROVIDERS });
    expect(first.error).toBeUndefined();
    expect((first.data as { providers: unknown[] }).providers).toHaveLength(5);
    // The miss, answered PERSISTED_QUERY_NOT_FOUND; then hash and document together (POST).
    expect(sent.map(({ method, hasQuery, status }) => [method, hasQuery, status])).toEqual([
      ['GET', false, 404],
      ['POST', true, 200],
    ]);
    const hash = sent[0]!.hash;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);

    // A fresh client (a new page load): one GET by hash, which a CDN could answer.
    sent.length = 0;
    const second = await client(uri, persisted, sent).query({ query: PROVIDERS });
    expect(second.data).toEqual(first.data);
    expect(sent).toEqual([{ method: 'GET', hasQuery: false, hash, status: 200 }]);
  });

  it('receives a deferred query in parts: the list first, then the timelines', async () => {
    const sent: Sent[] = [];
    const apollo = client(uri, (http) => http, sent);
    const seen: Feed[] = [];
    const final = await new Promise<Feed>((resolve, reject) => {
      const subscription = apollo.watchQuery<Feed>({ query: DEFERRED }).subscribe({
        next: (result) => {
          if (result.error) return reject(result.error);
          if (result.data) seen.push(result.data as Feed);
          if (result.dataState === 'complete') {
            subscription.unsubscribe();
            resolve(result.data as Feed);
          }
        },
        error: reject,
      });
    });
    expect(final.tickets.edges).toHaveLength(10);
    expect(final.tickets.edges.every((edge) => typeof edge.node.activities?.totalCount === 'number')).toBe(true);
    // An earlier emission had the list without (all) the timelines.
    expect(seen[0]!.tickets.edges).toHaveLength(10);
    expect(seen[0]!.tickets.edges.some((edge) => edge.node.activities === undefined)).toBe(true);
    expect(sent).toHaveLength(1);
  });
});

describe('Apollo Client 4 and client authentication (issue 15)', () => {
  let server: TestServer;
  let uri: string;
  beforeAll(async () => {
    server = await startTestServer({ env: { TICKETGRAPH_API_KEYS: KEY } });
    uri = `${await server.listen()}/graphql`;
  });
  afterAll(() => server.close());

  it('sees UNAUTHENTICATED as a GraphQL error, not a bare status error', async () => {
    const { error } = await client(uri, (http) => http, []).query({ query: PROVIDERS, errorPolicy: 'all' });
    expect(CombinedGraphQLErrors.is(error)).toBe(true);
    expect((error as CombinedGraphQLErrors).errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('runs with the key', async () => {
    const { data, error } = await client(uri, (http) => http, [], { authorization: `Bearer ${KEY}` }).query({ query: PROVIDERS });
    expect(error).toBeUndefined();
    expect((data as { providers: unknown[] }).providers).toHaveLength(5);
  });
});
