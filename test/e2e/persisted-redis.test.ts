import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache, gql } from '@apollo/client-4';
import { PersistedQueryLink } from '@apollo/client-4/link/persisted-queries';
import { print } from 'graphql';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { createHttpServer } from '../../src/http-server.js';
import { Readiness } from '../../src/readiness.js';
import { createTicketgraph } from '../../src/server.js';
import { openTrustedDocuments, type TrustedDocuments } from '../../src/trusted-documents.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/*
 * Issue 15: the trusted-documents manifest in a Redis key, over real HTTP against a real
 * redis-server. The gateway is assembled as main.ts assembles it (openTrustedDocuments with
 * the replica's Readiness); the sandbox and registry come from the usual test server.
 */

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
type Body = { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };

const LISTED = 'query Providers { providers { provider mode } }';
const ADDED = 'query Configured { providers { provider configured } }';
const persisted = (document: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(document) } } });
const codegenManifest = (...documents: string[]) => JSON.stringify(Object.fromEntries(documents.map((d) => [sha256(d), d])));

let redis: RedisServer;
let writer: Redis;
let base: TestServer;

beforeAll(async () => {
  redis = await startRedis();
  writer = new Redis(redis.url);
  base = await startTestServer();
});
afterAll(async () => {
  writer?.disconnect();
  await base?.close();
  await redis?.stop();
});

interface Gateway {
  url: string;
  readiness: Readiness;
  documents: TrustedDocuments;
  close(): Promise<void>;
}

async function startGateway(key: string): Promise<Gateway> {
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    REDIS_URL: redis.url,
    PERSISTED_OPERATIONS_REDIS_KEY: key,
    PERSISTED_OPERATIONS_ONLY: 'true',
    PERSISTED_OPERATIONS_RELOAD_MS: '100',
  });
  const readiness = new Readiness();
  const documents = openTrustedDocuments(config.persistedOperations, { redisUrl: config.sharedState.redisUrl, readiness });
  const yoga = createTicketgraph(config, { registry: base.registry, metrics: base.metrics, readiness, trustedDocuments: documents });
  const server: Server = createHttpServer(yoga, config.server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    readiness,
    documents,
    async close() {
      await documents.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function post(url: string, body: Record<string, unknown>): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

const ready = async (url: string) => (await fetch(`${url}/ready`)).status;

describe('trusted documents from a Redis key (issue 15)', () => {
  it('runs a listed operation, refuses an unlisted one, and accepts it once the manifest in Redis lists it, without a restart', async () => {
    await writer.set('manifest:reload', codegenManifest(LISTED));
    const gateway = await startGateway('manifest:reload');
    try {
      await vi.waitFor(async () => expect(await ready(gateway.url)).toBe(200), { timeout: 10_000, interval: 50 });
      const listed = await post(gateway.url, persisted(LISTED));
      expect(listed.body.errors).toBeUndefined();
      expect((listed.body.data as { providers: unknown[] }).providers).toHaveLength(5);

      const unlisted = await post(gateway.url, persisted(ADDED));
      expect(unlisted.status).toBe(400);
      expect(unlisted.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
      const asText = await post(gateway.url, { query: ADDED });
      expect(asText.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ID_REQUIRED');

      // A client deploy writes the new manifest; the gateway picks it up by itself.
      await writer.set('manifest:reload', codegenManifest(LISTED, ADDED));
      await vi.waitFor(
        async () => {
          const added = await post(gateway.url, persisted(ADDED));
          expect(added.body.errors).toBeUndefined();
          expect((added.body.data as { providers: unknown[] }).providers).toHaveLength(5);
        },
        { timeout: 10_000, interval: 50 },
      );
    } finally {
      await gateway.close();
    }
  });

  it("reads Apollo's persisted-query manifest format from the key", async () => {
    await writer.set(
      'manifest:apollo',
      JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: sha256(LISTED), name: 'Providers', type: 'query', body: LISTED }] }),
    );
    const gateway = await startGateway('manifest:apollo');
    try {
      await gateway.documents.refresh();
      expect((await post(gateway.url, persisted(LISTED))).body.errors).toBeUndefined();
      expect((await post(gateway.url, persisted(ADDED))).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    } finally {
      await gateway.close();
    }
  });

  it('is not ready and runs nothing while the key is missing, then becomes ready once it is written', async () => {
    const gateway = await startGateway('manifest:late');
    try {
      await gateway.documents.refresh();
      const probe = await fetch(`${gateway.url}/ready`);
      expect(probe.status).toBe(503);
      expect(((await probe.json()) as { pending?: string[] }).pending).toContain('trusted-documents');
      const refused = await post(gateway.url, persisted(LISTED));
      expect(refused.status).toBe(400);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
      expect((await post(gateway.url, { query: LISTED })).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ID_REQUIRED');

      await writer.set('manifest:late', codegenManifest(LISTED));
      await gateway.documents.refresh();
      expect(await ready(gateway.url)).toBe(200);
      expect((await post(gateway.url, persisted(LISTED))).body.errors).toBeUndefined();
    } finally {
      await gateway.close();
    }
  });

  it('keeps the manifest it read when the key turns to garbage or is deleted', async () => {
    await writer.set('manifest:broken', codegenManifest(LISTED));
    const gateway = await startGateway('manifest:broken');
    try {
      await gateway.documents.refresh();
      expect((await post(gateway.url, persisted(LISTED))).body.errors).toBeUndefined();
      await writer.set('manifest:broken', '{ not json');
      await gateway.documents.refresh();
      expect((await post(gateway.url, persisted(LISTED))).body.errors).toBeUndefined();
      await writer.del('manifest:broken');
      await gateway.documents.refresh();
      expect((await post(gateway.url, persisted(LISTED))).body.errors).toBeUndefined();
      expect(await ready(gateway.url)).toBe(200);
    } finally {
      await gateway.close();
    }
  });

  it("serves Apollo Client 4's persisted-query link by hash alone once the client's deploy has published its manifest", async () => {
    await writer.set('manifest:apollo-client', codegenManifest(LISTED));
    const gateway = await startGateway('manifest:apollo-client');
    try {
      await gateway.documents.refresh();
      // The document exactly as the link hashes it (Apollo Client adds __typename): what a manifest generator records.
      const hashed: string[] = [];
      const link = new PersistedQueryLink({
        generateHash: (document) => {
          const text = print(document);
          hashed.push(text);
          return sha256(text);
        },
        useGETForHashedQueries: true,
      }).concat(new HttpLink({ uri: `${gateway.url}/graphql` }));
      const client = new ApolloClient({ link, cache: new InMemoryCache() });
      const query = gql`
        query ApolloClientProviders {
          providers {
            provider
            configured
          }
        }
      `;
      const before = await client.query({ query, errorPolicy: 'all', fetchPolicy: 'network-only' });
      expect(CombinedGraphQLErrors.is(before.error)).toBe(true);
      expect((before.error as CombinedGraphQLErrors).errors[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');

      await writer.set('manifest:apollo-client', codegenManifest(LISTED, hashed[0]!));
      await gateway.documents.refresh();
      // An enforcing gateway refuses a document sent as text, so an answer proves the link sent the hash alone.
      const after = await client.query({ query, fetchPolicy: 'network-only' });
      expect(after.error).toBeUndefined();
      expect((after.data as { providers: unknown[] }).providers).toHaveLength(5);
    } finally {
      await gateway.close();
    }
  });
});
