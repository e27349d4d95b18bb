import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/ids.js';
import { createSchema } from '../../src/server.js';
import { maxAgeOf } from '../../src/use-cache-control.js';
import { startTestServer, TOLERANT, type TestServer } from '../helpers/server.js';

const KEY = 'a-client-key-of-some-length';

function getUrl(url: string, query: string, variables?: Record<string, unknown>): string {
  const search = new URLSearchParams({ query, ...(variables ? { variables: JSON.stringify(variables) } : {}) });
  return `${url}/graphql?${search}`;
}

describe('maxAgeOf (issue 15)', () => {
  const schema = createSchema();
  it.each([
    ['{ tickets(first: 1) { edges { node { id title } } } }', 10],
    ['{ providers { provider capabilities pushdown { search } } }', 300],
    ['{ providers { provider health { state } } }', 5],
    ['{ providers { provider } tickets { totalCount } }', 10],
    ['{ __typename }', 0],
    ['{ node(id: "x") { id ... on Ticket { tags { name } } } }', 10],
    ['{ _service { sdl } }', 300],
    ['mutation { closeTicket(input: { ticketId: "x" }) { clientMutationId } }', 0],
  ])('%s → %i', (query, expected) => {
    expect(maxAgeOf(schema, parse(query))).toBe(expected);
  });
});

describe('Cache-Control and ETag (issue 15)', () => {
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    server = await startTestServer({ env: TOLERANT });
    url = await server.listen();
  });
  afterAll(() => server.close());

  it('gives ticket data a short public max-age and an ETag on GET, and answers 304 to If-None-Match', async () => {
    const target = getUrl(url, '{ tickets(first: 20) { edges { node { id title status providerStatus updatedAt } } } }');
    const first = await fetch(target, { headers: { 'accept-encoding': 'identity' } });
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('public, max-age=10');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"[\w-]+"$/);
    const body = await first.text();

    // The same answer compressed has the same (weak) tag.
    const gzipped = await fetch(target, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    expect(gzipped.headers.get('etag')).toBe(etag);
    expect(await gzipped.text()).toBe(body);

    server.resetCounts();
    const revalidated = await fetch(target, { headers: { 'if-none-match': etag! } });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe('');
    expect(revalidated.headers.get('etag')).toBe(etag);
    expect(revalidated.headers.get('cache-control')).toBe('public, max-age=10');

    const changed = await fetch(target, { headers: { 'if-none-match': 'W/"something-else"' } });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toBe(body);
  });

  it('gives providers and capabilities a longer max-age, and health a shorter one', async () => {
    const providers = await fetch(getUrl(url, '{ providers { provider mode capabilities } }'));
    expect(providers.headers.get('cache-control')).toBe('public, max-age=300');
    const health = await fetch(getUrl(url, '{ providers { provider health { state } } }'));
    expect(health.headers.get('cache-control')).toBe('public, max-age=5');
  });

  it('sends Cache-Control on POST too (Apollo Router reads it from its subgraphs), without an ETag', async () => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ providers { provider } }' }),
    });
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('etag')).toBeNull();
  });

  it('says no-store for errors, partial answers, mutations and refused requests', async () => {
    const badId = await fetch(getUrl(url, 'query ($id: ID!) { ticket(id: $id) { id } }', { id: 'garbage' }));
    expect(badId.headers.get('cache-control')).toBe('no-store');
    expect(badId.headers.get('etag')).toBeNull();

    server.sandbox.setFault('zaia', { status: 503 });
    try {
      const partial = await fetch(getUrl(url, '{ tickets(first: 5) { edges { node { id } } } }'));
      const body = (await partial.json()) as { errors?: unknown[] };
      expect(body.errors?.length).toBeGreaterThan(0);
      expect(partial.headers.get('cache-control')).toBe('no-store');
    } finally {
      server.sandbox.setFault('zaia', null);
    }

    const mutation = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation ($id: ID!) { closeTicket(input: { ticketId: $id }) { clientMutationId } }', variables: { id: encodeId('Ticket', 'zaia', 'nope') } }),
    });
    expect(mutation.headers.get('cache-control')).toBe('no-store');

    const unparsable = await fetch(getUrl(url, '{ tickets('));
    expect(unparsable.headers.get('cache-control')).toBe('no-store');
  });

  it('says no-store for a streamed @defer answer', async () => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
      body: JSON.stringify({ query: '{ tickets(first: 2) { edges { node { id ... @defer { title } } } } }' }),
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
    await response.text();
  });
});

describe('Cache-Control when clients authenticate (issue 15)', () => {
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    server = await startTestServer({ env: { ...TOLERANT, TICKETGRAPH_API_KEYS: KEY } });
    url = await server.listen();
  });
  afterAll(() => server.close());

  it('marks answers to authenticated requests private', async () => {
    const response = await fetch(getUrl(url, '{ tickets(first: 2) { edges { node { id } } } }'), { headers: { authorization: `Bearer ${KEY}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('private, max-age=10');
    expect(response.headers.get('etag')).toMatch(/^W\//);
  });

  it('says no-store on the 401', async () => {
    const response = await fetch(getUrl(url, '{ tickets(first: 2) { edges { node { id } } } }'));
    expect(response.status).toBe(401);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
