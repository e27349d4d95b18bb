import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { loadManifest } from '../../src/trusted-documents.js';
import { DocumentStore } from '../../src/use-persisted-documents.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
type Body = { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };

const LISTED = 'query Providers { providers { provider mode } }';
const UNLISTED = 'query Count { tickets(first: 1) { edges { node { id } } } }';

function persisted(hash: string) {
  return { persistedQuery: { version: 1, sha256Hash: hash } };
}

async function post(url: string, body: Record<string, unknown>): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

async function get(url: string, params: Record<string, unknown>): Promise<{ status: number; body: Body }> {
  const search = new URLSearchParams(Object.entries(params).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
  const response = await fetch(`${url}/graphql?${search}`, { headers: { accept: 'application/graphql-response+json, application/json' } });
  return { status: response.status, body: (await response.json()) as Body };
}

let dir: string;
let manifestPath: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ticketgraph-pq-'));
  manifestPath = join(dir, 'persisted-documents.json');
  // The shape graphql-codegen's client preset writes: sha256 of the document → the document.
  writeFileSync(manifestPath, JSON.stringify({ [sha256(LISTED)]: LISTED }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Automatic Persisted Queries (issue 15)', () => {
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    server = await startTestServer({ env: { PERSISTED_OPERATIONS_FILE: manifestPath } });
    url = await server.listen();
  });
  afterAll(() => server.close());

  it('answers a hash alone with PERSISTED_QUERY_NOT_FOUND, registers hash + document, then runs the hash alone (POST)', async () => {
    const query = '{ providers { provider configured } }';
    const hash = sha256(query);
    server.resetCounts();
    const miss = await post(url, { extensions: persisted(hash) });
    expect(miss.body.errors?.[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
    expect(miss.body.data ?? null).toBeNull();

    const register = await post(url, { query, extensions: persisted(hash) });
    expect(register.status).toBe(200);
    expect(register.body.errors).toBeUndefined();

    const hit = await post(url, { extensions: persisted(hash) });
    expect(hit.status).toBe(200);
    expect(hit.body).toEqual(register.body);
  });

  it('runs a registered hash over GET (so a CDN can cache it), and misses over GET before registration', async () => {
    const query = 'query ($first: Int!) { tickets(first: $first) { edges { node { id provider } } } }';
    const hash = sha256(query);
    const miss = await get(url, { extensions: persisted(hash), variables: { first: 2 } });
    expect(miss.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    await post(url, { query, variables: { first: 2 }, extensions: persisted(hash) });
    const hit = await get(url, { extensions: persisted(hash), variables: { first: 2 } });
    expect(hit.status).toBe(200);
    expect(hit.body.errors).toBeUndefined();
    expect((hit.body.data as { tickets: { edges: unknown[] } }).tickets.edges).toHaveLength(2);
  });

  it('refuses a document whose hash does not match, and does not register it', async () => {
    const query = '{ providers { provider } }';
    const wrong = sha256('something else');
    const refused = await post(url, { query, extensions: persisted(wrong) });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_MISMATCH');
    const after = await post(url, { extensions: persisted(wrong) });
    expect(after.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('does not register a document that fails validation', async () => {
    const query = '{ providers { noSuchField } }';
    const hash = sha256(query);
    const invalid = await post(url, { query, extensions: persisted(hash) });
    expect(invalid.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const after = await post(url, { extensions: persisted(hash) });
    expect(after.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('answers a malformed persistedQuery extension with a code, not a crash', async () => {
    for (const extension of [{ version: 2, sha256Hash: 'abc' }, { version: 1 }, 'hash', 42]) {
      const result = await post(url, { extensions: { persistedQuery: extension } });
      expect(result.status).toBe(400);
      expect(result.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
    }
  });

  it("knows the manifest's trusted documents by hash without registration, and still runs any other document", async () => {
    const listed = await post(url, { extensions: persisted(sha256(LISTED)) });
    expect(listed.body.errors).toBeUndefined();
    expect((listed.body.data as { providers: unknown[] }).providers).toHaveLength(5);
    const free = await post(url, { query: UNLISTED });
    expect(free.body.errors).toBeUndefined();
  });
});

describe('trusted documents only: PERSISTED_OPERATIONS_ONLY=true (issue 15)', () => {
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    server = await startTestServer({ env: { PERSISTED_OPERATIONS_FILE: manifestPath, PERSISTED_OPERATIONS_ONLY: 'true' } });
    url = await server.listen();
  });
  afterAll(() => server.close());

  it('runs a listed document by hash, over POST and GET', async () => {
    const viaPost = await post(url, { extensions: persisted(sha256(LISTED)), operationName: 'Providers' });
    expect(viaPost.body.errors).toBeUndefined();
    expect((viaPost.body.data as { providers: unknown[] }).providers).toHaveLength(5);
    const viaGet = await get(url, { extensions: persisted(sha256(LISTED)) });
    expect(viaGet.body).toEqual(viaPost.body);
  });

  it('refuses an unlisted query sent as text, and makes no upstream call', async () => {
    server.resetCounts();
    const refused = await post(url, { query: UNLISTED });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ID_REQUIRED');
    expect(server.sandbox.totalRequests()).toBe(0);
  });

  it('refuses an unlisted hash, and an APQ registration of it (no client can extend the list)', async () => {
    const hash = sha256(UNLISTED);
    const miss = await post(url, { extensions: persisted(hash) });
    expect(miss.status).toBe(400);
    expect(miss.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const register = await post(url, { query: UNLISTED, extensions: persisted(hash) });
    expect(register.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ID_REQUIRED');
    const again = await post(url, { extensions: persisted(hash) });
    expect(again.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });
});

describe('persisted operations configuration (issue 15)', () => {
  it('refuses PERSISTED_OPERATIONS_ONLY without a manifest, naming the variable', () => {
    expect(() => parseConfig({ PERSISTED_OPERATIONS_ONLY: 'true' })).toThrow(/^PERSISTED_OPERATIONS_FILE: required because PERSISTED_OPERATIONS_ONLY/);
  });

  it('refuses a manifest in Redis without REDIS_URL, or together with a file, naming the variable', () => {
    expect(() => parseConfig({ PERSISTED_OPERATIONS_REDIS_KEY: 'ticketgraph:manifest' })).toThrow(/^PERSISTED_OPERATIONS_REDIS_KEY: requires REDIS_URL/);
    expect(() => parseConfig({ PERSISTED_OPERATIONS_REDIS_KEY: 'k', PERSISTED_OPERATIONS_FILE: manifestPath, REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(
      /^PERSISTED_OPERATIONS_REDIS_KEY: set together with PERSISTED_OPERATIONS_FILE/,
    );
    const config = parseConfig({ PERSISTED_OPERATIONS_REDIS_KEY: 'k', PERSISTED_OPERATIONS_ONLY: 'true', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(config.persistedOperations).toEqual({ file: null, redisKey: 'k', reloadMs: 10_000, only: true });
  });

  it("reads Apollo's persisted-query manifest as well as codegen's hash → document object", () => {
    const apollo = join(dir, 'persisted-query-manifest.json');
    writeFileSync(
      apollo,
      JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: sha256(LISTED), name: 'Providers', type: 'query', body: LISTED }] }),
    );
    expect([...loadManifest(apollo)]).toEqual([[sha256(LISTED), LISTED]]);
    expect([...loadManifest(manifestPath)]).toEqual([[sha256(LISTED), LISTED]]);
    writeFileSync(apollo, JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 2, operations: [] }));
    expect(() => loadManifest(apollo)).toThrow(/is not an Apollo persisted-query manifest/);
  });

  it('refuses a manifest that is missing, not JSON or not hash → document', () => {
    const bad = join(dir, 'bad.json');
    expect(() => loadManifest(join(dir, 'missing.json'))).toThrow(/cannot read .*ENOENT/);
    writeFileSync(bad, '{ nope');
    expect(() => loadManifest(bad)).toThrow(/is not JSON/);
    writeFileSync(bad, JSON.stringify({ abc: 42 }));
    expect(() => loadManifest(bad)).toThrow(/hash → document/);
  });

  it('bounds the APQ store by entries and by size, oldest-used out first', () => {
    const store = new DocumentStore(2, 30);
    store.set('a', 'x'.repeat(10));
    store.set('b', 'y'.repeat(10));
    expect(store.get('a')).toBeDefined();
    store.set('c', 'z'.repeat(10));
    expect([store.get('a') !== undefined, store.get('b') !== undefined, store.get('c') !== undefined]).toEqual([true, false, true]);
    store.set('d', 'w'.repeat(25));
    expect(store.size).toBe(1);
    store.set('huge', 'h'.repeat(31));
    expect(store.get('huge')).toBeUndefined();
  });
});
