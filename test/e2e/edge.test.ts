import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

const API_KEY = 'tg_test_key_0123456789abcdef';

describe('client authentication and query limits (issue 9)', () => {
  let server: TestServer;
  let url: string;
  let privateKey: CryptoKey;
  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey as CryptoKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' };
    const dir = mkdtempSync(join(tmpdir(), 'tg-jwks-'));
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [jwk] }));
    server = await startTestServer({
      env: {
        TICKETGRAPH_API_KEYS: API_KEY,
        TICKETGRAPH_JWT_ISSUER: 'https://auth.example.com/',
        TICKETGRAPH_JWT_AUDIENCE: 'ticketgraph',
        TICKETGRAPH_JWKS: join(dir, 'jwks.json'),
        BREAKER_THRESHOLD: '2',
        BREAKER_COOLDOWN_MS: '60000',
      },
    });
    url = await server.listen();
  });
  afterAll(() => server.close());

  const token = (claims: { aud?: string; exp?: number | string }) =>
    new SignJWT({ sub: 'user-1' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer('https://auth.example.com/')
      .setAudience(claims.aud ?? 'ticketgraph')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(claims.exp ?? '1h')
      .sign(privateKey);

  async function post(headers: Record<string, string>, query = '{ providers { provider } }') {
    const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
    return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
  }

  it.each([
    ['no credentials', async () => ({})],
    ['a wrong key', async () => ({ authorization: 'Bearer tg_wrong_key_0123456789abcdef' })],
    ['an expired JWT', async () => ({ authorization: `Bearer ${await token({ exp: Math.floor(Date.now() / 1000) - 60 })}` })],
    ['a JWT of another audience', async () => ({ authorization: `Bearer ${await token({ aud: 'someone-else' })}` })],
  ])('answers %s with 401 and UNAUTHENTICATED', async (_what, headers) => {
    const { status, body } = await post(await headers());
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.data).toBeUndefined();
  });

  it.each([
    ['application/graphql-response+json, application/json;q=0.9', 'application/graphql-response+json; charset=utf-8'],
    ['application/json', 'application/json; charset=utf-8'],
    [undefined, 'application/json; charset=utf-8'],
  ])('issue 15: answers the 401 to Accept %s as %s', async (accept, type) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(accept ? { accept } : {}) },
      body: JSON.stringify({ query: '{ providers { provider } }' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe(type);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['the API key as a bearer', async () => ({ authorization: `Bearer ${API_KEY}` })],
    ['the API key in X-API-Key', async () => ({ 'x-api-key': API_KEY })],
    ['a valid JWT', async () => ({ authorization: `Bearer ${await token({})}` })],
  ])('answers %s with data', async (_what, headers) => {
    const { status, body } = await post(await headers());
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toBeDefined();
  });

  it('keeps the GraphiQL page usable without credentials (the header is set inside it)', async () => {
    const response = await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
  });

  it('refuses a query deeper than the limit', async () => {
    const open = 'tickets(first: 1) { nodes { requester { person { '.repeat(4);
    const deep = `{ ${open}email${' } } } }'.repeat(4)} }`;
    const { body } = await post({ 'x-api-key': API_KEY }, deep);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.message).toMatch(/depth/i);
  });

  it('refuses too many aliases', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: providers { provider }`).join(' ');
    const { body } = await post({ 'x-api-key': API_KEY }, `{ ${aliases} }`);
    expect(body.errors?.[0]?.message).toMatch(/alias/i);
  });

  it('refuses an oversized body with 413', async () => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify({ query: `{ providers { provider } } # ${'x'.repeat(1_100_000)}` }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    expect(body.errors?.[0]?.extensions?.code).toBe('REQUEST_ENTITY_TOO_LARGE');
  });

  it('refuses an oversized chunked body (no Content-Length) with 413 and a code', async () => {
    const chunks = [JSON.stringify({ query: '{ providers { provider } }' }).slice(0, -1), `, "x": "${'x'.repeat(1_100_000)}"}`];
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: new ReadableStream({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    expect(body.errors?.[0]?.extensions?.code).toBe('REQUEST_ENTITY_TOO_LARGE');
  });

  it('opens a provider circuit after consecutive failures, shows it in providers { health }, and stops calling', async () => {
    server.sandbox.setFault('hostup', { status: 500 });
    for (let i = 0; i < 2; i++) await post({ 'x-api-key': API_KEY }, '{ tickets(first: 5, filter: { providers: [HOSTUP] }) { nodes { id } } }');
    const { body } = await post({ 'x-api-key': API_KEY }, '{ providers { provider health { state consecutiveFailures lastErrorCode } } }');
    const hostup = (body.data as { providers: { provider: string; health: { state: string } }[] }).providers.find((p) => p.provider === 'HOSTUP');
    expect(hostup?.health).toMatchObject({ state: 'OPEN', lastErrorCode: 'UPSTREAM_UNAVAILABLE' });
    server.sandbox.resetRequests();
    const refused = await post({ 'x-api-key': API_KEY }, '{ tickets(first: 5) { nodes { id } } }');
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(refused.body.errors?.[0]?.message).toMatch(/circuit open/);
    expect(server.sandbox.totalRequests('hostup')).toBe(0);
    expect((refused.body.data as { tickets: { nodes: unknown[] } }).tickets.nodes).toHaveLength(5);
    // Client keys are configured here, so /metrics takes one too (issue 13).
    const metrics = await (await fetch(`${url}/metrics`, { headers: { 'x-api-key': API_KEY } })).text();
    expect(metrics).toMatch(/ticketgraph_provider_breaker_open\{provider="hostup"\} 1/);
    server.sandbox.setFault('hostup', null);
  });
});
