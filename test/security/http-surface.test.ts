import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../src/config.js';
import { createHttpServer, createMetricsServer } from '../../src/http-server.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { createTicketgraph } from '../../src/server.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/*
 * Issue 13 (part A): the client-facing HTTP surface, attacked as an outsider would, over real
 * sockets. Odd URL forms (`//graphql`) go through node:http, which sends the path as written
 * (fetch would normalise it).
 */

const API_KEY = 'tg_sec_key_0123456789abcdef';
const ISSUER = 'https://auth.example.com/';
const APP = 'https://app.example.com';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] }>(): T;
}

/** One request over node:http, path sent byte for byte. */
function send(base: string, options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Answer> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: options.path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const gqlPost = (base: string, path: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) =>
  send(base, { method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });

/** Listens on port 0 the way src/main.ts mounts the gateway. */
async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
async function shut(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('issue 13: the HTTP surface of a production gateway with client keys and JWTs', () => {
  let server: TestServer;
  let base: string;
  let privateKey: CryptoKey;
  let jwk: JWK;
  let ticketId: string;
  const auth = { 'x-api-key': API_KEY };

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey as CryptoKey;
    jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' };
    const dir = mkdtempSync(join(tmpdir(), 'tg-sec-'));
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [jwk] }));
    server = await startTestServer({
      env: {
        NODE_ENV: 'production',
        // Under vitest, graphql resolves to both its ESM and CJS builds, and graphql-js's
        // realm check (skipped only when process.env.NODE_ENV is production) trips on the
        // introspection rule production adds. Under Node both are the CJS build.
        INTROSPECTION: 'true',
        TICKETGRAPH_API_KEYS: API_KEY,
        TICKETGRAPH_JWT_ISSUER: ISSUER,
        TICKETGRAPH_JWT_AUDIENCE: 'ticketgraph',
        TICKETGRAPH_JWKS: join(dir, 'jwks.json'),
        CORS_ORIGINS: APP,
        MAX_ENTITY_REPRESENTATIONS: '5',
        SERVER_REQUEST_TIMEOUT_MS: '1000',
        SERVER_HEADERS_TIMEOUT_MS: '1000',
      },
    });
    base = await server.listen();
    const first = await gqlPost(base, '/graphql', '{ tickets(first: 1, filter: { providers: [HOSTUP] }) { nodes { id } } }', undefined, auth);
    ticketId = (first.json().data as { tickets: { nodes: { id: string }[] } }).tickets.nodes[0]!.id;
  });
  afterAll(() => server.close());

  const token = (claims: { exp?: number | string | null; iatSecondsAgo?: number }) => {
    const jwt = new SignJWT({ sub: 'user-1' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience('ticketgraph')
      .setIssuedAt(Math.floor(Date.now() / 1000) - (claims.iatSecondsAgo ?? 60));
    if (claims.exp !== null) jwt.setExpirationTime(claims.exp ?? '1h');
    return jwt.sign(privateKey);
  };

  describe('item 1: GraphQL on exactly one path, authenticated', () => {
    const close = () => `mutation { closeTicket(input: { ticketId: "${ticketId}" }) { ticket { id status } } }`;

    it.each(['/graphql/', '//graphql', '/anything/graphql', '/x?y=/graphql', '/graphql/.', '/GRAPHQL', '/%67raphql'])(
      'answers POST %s with 404 and runs nothing, with or without a key',
      async (path) => {
        server.sandbox.resetRequests();
        for (const headers of [{}, auth]) {
          const query = await gqlPost(base, path, '{ tickets(first: 2) { nodes { id } } }', undefined, headers);
          expect(query.status).toBe(404);
          expect(query.text).not.toContain('"data"');
          const mutation = await gqlPost(base, path, close(), undefined, headers);
          expect(mutation.status).toBe(404);
        }
        expect(server.sandbox.totalRequests()).toBe(0);
      },
    );

    it('answers GET queries on odd paths with 404 too', async () => {
      for (const path of ['/x/graphql?query=%7B__typename%7D', '/graphql/?query=%7B__typename%7D', '/?q=/graphql']) {
        expect((await send(base, { path })).status).toBe(404);
      }
    });

    it('asks every request on /graphql for credentials (POST, GET, GET asking for HTML)', async () => {
      server.sandbox.resetRequests();
      expect((await gqlPost(base, '/graphql', close())).status).toBe(401);
      expect((await send(base, { path: '/graphql?query=%7Btickets(first:1)%7Bnodes%7Bid%7D%7D%7D' })).status).toBe(401);
      expect((await send(base, { path: '/graphql?query=%7B__typename%7D', headers: { accept: 'text/html' } })).status).toBe(401);
      expect(server.sandbox.totalRequests()).toBe(0);
      const ok = await gqlPost(base, '/graphql', '{ __typename }', undefined, auth);
      expect(ok.status).toBe(200);
      expect(ok.json().data).toEqual({ __typename: 'Query' });
    });
  });

  describe('item 3: /metrics behind the key, with bounded labels', () => {
    it('refuses /metrics without a key when client keys are configured, and serves it with one', async () => {
      const open = await send(base, { path: '/metrics' });
      expect(open.status).toBe(401);
      expect(open.text).not.toContain('ticketgraph_upstream');
      const keyed = await send(base, { path: '/metrics', headers: auth });
      expect(keyed.status).toBe(200);
      expect(keyed.text).toContain('ticketgraph_upstream_requests_total');
    });

    it('keeps the number of series flat over distinct URLs, query strings and operation names', async () => {
      const series = async () => {
        const metrics = await server.metrics.registry.getMetricsAsJSON();
        const labels = metrics.flatMap((m) => (m.values as { labels: Record<string, string | number> }[]).map((v) => v.labels));
        return { count: labels.length, values: labels.flatMap((l) => Object.values(l).map(String)) };
      };
      const burst = async (from: number) => {
        for (let i = from; i < from + 15; i++) {
          await send(base, { path: `/graphql?query=${encodeURIComponent(`query Op${i} { __typename }`)}&n=${i}`, headers: auth });
          await gqlPost(base, '/graphql', `query Named${i} { __typename }`, undefined, auth);
          await gqlPost(base, `/p${i}/graphql`, '{ __typename }', undefined, auth);
          await gqlPost(base, `/x?y=${i}/graphql`, '{ __typename }', undefined, auth);
          await gqlPost(base, '/graphql', `{ a${i}: ticket(id: "nope") { id } }`, undefined, auth);
        }
      };
      await burst(0);
      const before = await series();
      await burst(1000);
      const after = await series();
      expect(after.count).toBe(before.count);
      expect(after.values.some((v) => /Op\d|Named\d|\/graphql|\?|a\d+/.test(v))).toBe(false);
    }, 60_000);
  });

  describe('item 5: CORS by list, JSON-only POSTs', () => {
    const preflight = (origin: string) =>
      send(base, {
        method: 'OPTIONS',
        path: '/graphql',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-api-key' },
      });

    it('answers a preflight of a listed origin with it, credentials and a max age', async () => {
      const answer = await preflight(APP);
      expect(answer.status).toBe(204);
      expect(answer.headers['access-control-allow-origin']).toBe(APP);
      expect(answer.headers['access-control-allow-credentials']).toBe('true');
      expect(answer.headers['access-control-max-age']).toBe('600');
      expect(String(answer.headers['access-control-allow-headers'])).toContain('x-api-key');
    });

    it.each(['https://evil.example', 'null', `${APP}.evil.example`, 'http://app.example.com'])('gives %s no CORS headers, on a preflight or a request', async (origin) => {
      const answer = await preflight(origin);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
      const post = await gqlPost(base, '/graphql', '{ __typename }', undefined, { ...auth, origin });
      expect(post.headers['access-control-allow-origin']).toBeUndefined();
      expect(String(post.headers['vary'])).toMatch(/origin/i);
    });

    it.each([
      ['application/x-www-form-urlencoded', (q: string) => `query=${encodeURIComponent(q)}`],
      ['multipart/form-data; boundary=b', (q: string) => `--b\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query: q })}\r\n--b--\r\n`],
      ['text/plain', (q: string) => JSON.stringify({ query: q })],
      ['text/plain; charset=utf-8', (q: string) => JSON.stringify({ query: q })],
    ])('refuses a %s POST (a form or a simple request, no preflight) with 415 before running it', async (type, body) => {
      server.sandbox.resetRequests();
      const mutation = `mutation { closeTicket(input: { ticketId: "${ticketId}" }) { ticket { id } } }`;
      const answer = await send(base, { method: 'POST', path: '/graphql', headers: { ...auth, 'content-type': type }, body: body(mutation) });
      expect(answer.status).toBe(415);
      expect(answer.json().errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
      expect(server.sandbox.totalRequests()).toBe(0);
    });

    it('executes application/json and application/graphql+json POSTs and GET queries as Apollo Client and urql send them', async () => {
      for (const type of ['application/json', 'application/json; charset=utf-8', 'application/graphql+json']) {
        const answer = await send(base, { method: 'POST', path: '/graphql', headers: { ...auth, 'content-type': type }, body: JSON.stringify({ query: '{ __typename }' }) });
        expect(answer.status).toBe(200);
        expect(answer.json().data).toEqual({ __typename: 'Query' });
      }
      const get = await send(base, {
        path: `/graphql?query=${encodeURIComponent('query Q { __typename }')}&operationName=Q`,
        headers: { ...auth, accept: 'application/graphql-response+json, application/json' },
      });
      expect(get.status).toBe(200);
      expect(get.json().data).toEqual({ __typename: 'Query' });
    });
  });

  describe('item 6: _entities is capped', () => {
    const entities = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Ticket { id title } } }';
    const reps = (n: number) => Array.from({ length: n }, () => ({ __typename: 'Ticket', id: ticketId }));

    it('refuses more representations than MAX_ENTITY_REPRESENTATIONS with BAD_USER_INPUT and no upstream call', async () => {
      server.sandbox.resetRequests();
      const answer = (await gqlPost(base, '/graphql', entities, { r: reps(6) }, auth)).json();
      expect(answer.data?._entities ?? null).toBeNull();
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'representations', max: 5 });
      expect(server.sandbox.totalRequests()).toBe(0);
    });

    it('counts all _entities fields of a request together', async () => {
      server.sandbox.resetRequests();
      const query = 'query ($r: [_Any!]!) { a: _entities(representations: $r) { __typename } b: _entities(representations: $r) { __typename } }';
      const answer = (await gqlPost(base, '/graphql', query, { r: reps(3) }, auth)).json();
      expect(answer.errors?.map((e) => e.extensions?.code)).toContain('BAD_USER_INPUT');
    });

    it('serves up to the cap', async () => {
      const answer = (await gqlPost(base, '/graphql', entities, { r: reps(5) }, auth)).json();
      expect(answer.errors).toBeUndefined();
      expect(answer.data?._entities).toHaveLength(5);
    });

    it('refuses a representation that is not an object with a __typename with BAD_USER_INPUT', async () => {
      for (const bad of [[[[]]], ['Ticket'], [{ id: ticketId }]]) {
        const answer = (await gqlPost(base, '/graphql', entities, { r: bad }, auth)).json();
        expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      }
    });

    it('defaults to 500', () => {
      expect(parseConfig({}).maxEntityRepresentations).toBe(500);
    });
  });

  describe('item 9: no GraphiQL in production by default', () => {
    it('serves no GraphiQL page in production unless GRAPHIQL=true', async () => {
      expect(server.config.graphiql).toBe(false);
      const page = await send(base, { path: '/graphql', headers: { ...auth, accept: 'text/html' } });
      expect(page.headers['content-type'] ?? '').not.toContain('text/html');
      expect(page.text).not.toContain('<html');
      expect(parseConfig({ NODE_ENV: 'production', GRAPHIQL: 'true' }).graphiql).toBe(true);
      expect(parseConfig({}).graphiql).toBe(true);
    });
  });

  describe('item 12: timeouts, bad input, suggestions, JWT exp', () => {
    /** Sends the given bytes and never more; resolves with what the server answered once it closes. */
    const stall = (bytes: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(new URL(base).port), '127.0.0.1');
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
        socket.on('close', () => resolve(answer));
        socket.on('error', reject);
        socket.write(bytes);
      });

    it('answers a body that never completes with 408 and closes the socket', async () => {
      const answer = await stall(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-API-Key: ${API_KEY}\r\nContent-Length: 1000\r\n\r\n{"query":`);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    });

    it('answers headers that never complete with 408 and closes the socket', async () => {
      const answer = await stall('POST /graphql HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    });

    it.each([
      ['a tag id', 'mutation ($t: ID!, $g: ID!) { removeTicketTag(input: { ticketId: $t, tagId: $g }) { ticket { id } } }', () => ({ t: ticketId, g: 'a\ud800' })],
      ['a ticket id', 'query ($id: ID!) { ticket(id: $id) { id } }', () => ({ id: '\udc00' })],
      ['a comment', 'mutation ($t: ID!, $b: String!) { addComment(input: { ticketId: $t, body: $b }) { ticket { id } } }', () => ({ t: ticketId, b: 'hi \ud83d' })],
      ['a representation key', 'query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }', () => ({ r: [{ __typename: 'Ticket', ['\ud800']: 1 }] })],
    ])('answers a lone surrogate in %s with BAD_USER_INPUT and no upstream call', async (_what, query, variables) => {
      server.sandbox.resetRequests();
      // JSON.stringify writes a lone surrogate as a \uXXXX escape: valid JSON, ill-formed text.
      const answer = await gqlPost(base, '/graphql', query, variables(), auth);
      expect(answer.json().errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(server.sandbox.totalRequests()).toBe(0);
    });

    it('answers a 3,000-deep list literal, and 3,000-deep variables, with BAD_USER_INPUT', async () => {
      const literal = `{ tickets(first: 1, filter: { statuses: ${'['.repeat(3000)}OPEN${']'.repeat(3000)} }) { nodes { id } } }`;
      const first = (await gqlPost(base, '/graphql', literal, undefined, auth)).json();
      expect(first.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const deep = JSON.parse(`${'['.repeat(3000)}${']'.repeat(3000)}`) as unknown;
      const second = (await gqlPost(base, '/graphql', 'query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: [deep] }, auth)).json();
      expect(second.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('leaves brackets inside strings and comments out of the nesting count', async () => {
      const query = `# ${'['.repeat(100)}\n{ ticket(id: "${'['.repeat(100)}") { id } }`;
      const answer = (await gqlPost(base, '/graphql', query, undefined, auth)).json();
      expect(answer.errors?.[0]?.message).toMatch(/Invalid id/);
    });

    it('hides enum-value and field suggestions in production, in literals and in variables', async () => {
      const literal = (await gqlPost(base, '/graphql', '{ tickets(first: 1, filter: { statuses: [OPN] }) { nodes { idd } } }', undefined, auth)).json();
      const variable = (await gqlPost(base, '/graphql', 'query ($s: [TicketStatus!]) { tickets(first: 1, filter: { statuses: $s }) { nodes { id } } }', { s: ['OPN'] }, auth)).json();
      const messages = [...(literal.errors ?? []), ...(variable.errors ?? [])].map((e) => e.message);
      expect(messages.length).toBeGreaterThanOrEqual(3);
      for (const message of messages) {
        expect(message).not.toMatch(/Did you mean/);
        expect(message).not.toMatch(/"OPEN"|"id"/);
      }
    });

    it('refuses a JWT without exp, and accepts one with it', async () => {
      const noExp = await gqlPost(base, '/graphql', '{ __typename }', undefined, { authorization: `Bearer ${await token({ exp: null })}` });
      expect(noExp.status).toBe(401);
      expect(noExp.json().errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const withExp = await gqlPost(base, '/graphql', '{ __typename }', undefined, { authorization: `Bearer ${await token({})}` });
      expect(withExp.status).toBe(200);
    });
  });

  describe('variants of the same gateway, over their own sockets', () => {
    const opened: Server[] = [];
    type Level = 'debug' | 'info' | 'warn' | 'error';
    /** Log lines (pino JSON, issue 21) of the variants, by level, for the levels a test captures. */
    let sinks: Partial<Record<Level, string[]>> = {};
    afterEach(async () => {
      sinks = {};
      await Promise.all(opened.splice(0).map(shut));
    });
    /** The gateway with other settings, on the same sandbox and registry. */
    async function variant(change: (config: Config) => Partial<Config>): Promise<{ url: string; metrics: ReturnType<typeof createMetrics> }> {
      const config = { ...server.config, ...change(server.config) };
      const metrics = createMetrics();
      const logger = createLogger({
        level: config.logLevel,
        pretty: false,
        write: (line) => {
          const entry = JSON.parse(line) as { level: Level; msg: string; err?: { stack?: string } };
          sinks[entry.level]?.push(entry.err?.stack ? `${entry.msg}\n${entry.err.stack}` : entry.msg);
        },
      });
      const http = createHttpServer(createTicketgraph(config, { registry: server.registry, metrics, logger }), config.server);
      opened.push(http);
      return { url: await listen(http), metrics };
    }
    const capture = (level: Level) => (sinks[level] = []);

    it('item 3: with no client auth, /metrics is open on the main port', async () => {
      const { url } = await variant(() => ({ auth: { apiKeys: [], jwt: null } }));
      const answer = await send(url, { path: '/metrics' });
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('ticketgraph_upstream_requests_total');
    });

    it('item 3: with METRICS_PORT, /metrics is served on its own port only', async () => {
      expect(parseConfig({ METRICS_PORT: '9464' }).metricsPort).toBe(9464);
      const { url, metrics } = await variant(() => ({ auth: { apiKeys: [], jwt: null }, metricsPort: 9464 }));
      expect((await send(url, { path: '/metrics' })).status).toBe(404);
      const scrape = createMetricsServer(metrics.registry, server.config.server);
      opened.push(scrape);
      const scrapeUrl = await listen(scrape);
      const answer = await send(scrapeUrl, { path: '/metrics' });
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('ticketgraph_upstream_requests_total');
      expect((await gqlPost(scrapeUrl, '/graphql', '{ __typename }')).status).toBe(404);
    });

    it('item 5: with CORS_ORIGINS unset, no origin gets CORS headers; with *, any origin without credentials', async () => {
      expect(parseConfig({}).cors.mode).toBe('off');
      const off = await variant(() => ({ auth: { apiKeys: [], jwt: null }, cors: { mode: 'off', maxAgeSeconds: 600 } }));
      for (const origin of ['https://evil.example', 'null']) {
        const answer = await gqlPost(off.url, '/graphql', '{ __typename }', undefined, { origin });
        expect(answer.headers['access-control-allow-origin']).toBeUndefined();
        expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
      }
      const any = await variant(() => ({ auth: { apiKeys: [], jwt: null }, cors: parseConfig({ CORS_ORIGINS: '*' }).cors }));
      const answer = await gqlPost(any.url, '/graphql', '{ __typename }', undefined, { origin: 'https://anyone.example' });
      expect(answer.headers['access-control-allow-origin']).toBe('*');
      expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
    });

    it('item 12: refuses server timeouts Node would refuse, and settings that only make sense together', () => {
      expect(parseConfig({}).server).toEqual({ requestTimeoutMs: 30_000, headersTimeoutMs: 10_000 });
      expect(() => parseConfig({ SERVER_REQUEST_TIMEOUT_MS: '5000', SERVER_HEADERS_TIMEOUT_MS: '6000' })).toThrow(/SERVER_HEADERS_TIMEOUT_MS/);
      expect(parseConfig({ SERVER_REQUEST_TIMEOUT_MS: '5000' }).server.headersTimeoutMs).toBe(5000);
      expect(() => parseConfig({ PORT: '4100', METRICS_PORT: '4100' })).toThrow(/METRICS_PORT/);
      expect(() => parseConfig({ TICKETGRAPH_JWT_MAX_AGE: '60' })).toThrow(/TICKETGRAPH_JWT_MAX_AGE/);
    });

    it('item 5: refuses CORS_ORIGINS entries that are not origins', () => {
      for (const value of ['null', 'https://app.example.com/', 'app.example.com', '*,https://a.example']) {
        expect(() => parseConfig({ CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS/);
      }
    });

    it('item 9: serves GraphiQL where enabled, gzipped, with an ETag that answers 304', async () => {
      const { url } = await variant(() => ({ graphiql: true }));
      const page = await send(url, { path: '/graphql', headers: { accept: 'text/html', 'accept-encoding': 'gzip' } });
      expect(page.status).toBe(200);
      expect(page.headers['content-encoding']).toBe('gzip');
      expect(page.headers['cache-control']).toMatch(/max-age=\d+/);
      const etag = String(page.headers['etag']);
      expect(etag).toMatch(/^".+"$/);
      const again = await send(url, { path: '/graphql', headers: { accept: 'text/html', 'if-none-match': etag } });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      // Only on the one path.
      expect((await send(url, { path: '/anything/graphql', headers: { accept: 'text/html' } })).status).toBe(404);
    });

    it('item 12: a JWT older than TICKETGRAPH_JWT_MAX_AGE is refused', async () => {
      const { url } = await variant((config) => ({ auth: { ...config.auth, jwt: { ...config.auth.jwt!, maxAgeSeconds: 600 } } }));
      const old = await gqlPost(url, '/graphql', '{ __typename }', undefined, { authorization: `Bearer ${await token({ iatSecondsAgo: 3600 })}` });
      expect(old.status).toBe(401);
      const fresh = await gqlPost(url, '/graphql', '{ __typename }', undefined, { authorization: `Bearer ${await token({ iatSecondsAgo: 10 })}` });
      expect(fresh.status).toBe(200);
    });

    it('item 12: a JWKS outage is logged once, and its end once', async () => {
      let up = false;
      let fetches = 0;
      const jwks = createServer((_req, res) => {
        fetches++;
        if (up) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
        else res.writeHead(503).end();
      });
      opened.push(jwks);
      const jwksUrl = await listen(jwks);
      const warns = capture('warn');
      const infos = capture('info');
      const { url } = await variant((config) => ({ logLevel: 'info', auth: { apiKeys: [], jwt: { ...config.auth.jwt!, jwks: `${jwksUrl}/jwks.json` } } }));
      const bearer = { authorization: `Bearer ${await token({})}` };
      for (let i = 0; i < 3; i++) expect((await gqlPost(url, '/graphql', '{ __typename }', undefined, bearer)).status).toBe(401);
      expect(fetches).toBe(3);
      expect(warns.filter((line) => /JWKS/.test(line))).toHaveLength(1);
      up = true;
      expect((await gqlPost(url, '/graphql', '{ __typename }', undefined, bearer)).status).toBe(200);
      expect((await gqlPost(url, '/graphql', '{ __typename }', undefined, bearer)).status).toBe(200);
      expect(infos.filter((line) => /JWKS/.test(line))).toHaveLength(1);
      expect(warns.filter((line) => /JWKS/.test(line))).toHaveLength(1);
    });

    it('item 12: client errors are logged at debug, in one line without a stack; at info not at all', async () => {
      const errors = capture('error');
      const debugs = capture('debug');
      const open: Partial<Config> = { auth: { apiKeys: [], jwt: null } };
      const atInfo = await variant(() => ({ ...open, logLevel: 'info' as const }));
      await gqlPost(atInfo.url, '/graphql', '{ ticket(id: "not-an-id") { id } }');
      expect(errors).toEqual([]);
      expect(debugs).toEqual([]);
      const atDebug = await variant(() => ({ ...open, logLevel: 'debug' as const }));
      await gqlPost(atDebug.url, '/graphql', '{ ticket(id: "not-an-id") { id } }');
      expect(errors).toEqual([]);
      const line = debugs.find((l) => /client error BAD_USER_INPUT/.test(l));
      expect(line).toBeDefined();
      expect(line).not.toMatch(/\n\s+at /);
    });
  });
});
