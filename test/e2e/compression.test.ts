import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { negotiateEncoding } from '../../src/use-compression.js';
import { readMultipart } from '../helpers/incremental.js';
import { startProxiedGateway } from '../helpers/proxy.js';
import { startTestServer, TOLERANT, type TestServer } from '../helpers/server.js';

const FEED = '{ tickets(first: 40) { edges { node { id provider number title status updatedAt requester { name email } tags { name } } } } }';

/** node:http, not fetch: fetch would decompress behind our back. */
function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string }): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/graphql`, { method: options.method ?? 'POST', headers: options.headers }, resolve);
    req.once('error', reject);
    req.end(options.body);
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

function decoder(headers: IncomingHttpHeaders): zlib.Gunzip | zlib.BrotliDecompress | null {
  if (headers['content-encoding'] === 'gzip') return zlib.createGunzip();
  if (headers['content-encoding'] === 'br') return zlib.createBrotliDecompress();
  return null;
}

async function decoded(response: IncomingMessage): Promise<string> {
  const decode = decoder(response.headers);
  return (await readAll(decode ? response.pipe(decode) : response)).toString('utf8');
}

const json = (query: string, encoding?: string) => ({
  headers: { 'content-type': 'application/json', accept: 'application/json', ...(encoding ? { 'accept-encoding': encoding } : {}) },
  body: JSON.stringify({ query }),
});

describe('negotiateEncoding', () => {
  it.each([
    [null, null],
    ['', null],
    ['identity', null],
    ['gzip', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['gzip;q=1.0, br;q=0.5', 'gzip'],
    ['br;q=0, gzip;q=0', null],
    ['*', 'br'],
    ['*;q=0.5, br;q=0', 'gzip'],
    ['x-gzip', 'gzip'],
    ['deflate', null],
    ['gzip;q=garbage, br;q=', null],
  ])('%j → %j', (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });
});

describe('response compression (issue 15)', () => {
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    server = await startTestServer({ env: TOLERANT });
    url = await server.listen();
  });
  afterAll(() => server.close());

  it.each(['gzip', 'br'])('answers %s that decompresses to the same JSON, smaller', async (encoding) => {
    const plain = await send(url, json(FEED));
    expect(plain.headers['content-encoding']).toBeUndefined();
    const identity = await decoded(plain);
    expect(identity.length).toBeGreaterThan(4096);

    const compressed = await send(url, json(FEED, encoding));
    expect(compressed.headers['content-encoding']).toBe(encoding);
    expect(compressed.headers.vary).toMatch(/accept-encoding/i);
    const raw = await readAll(compressed);
    expect(Number(compressed.headers['content-length'])).toBe(raw.length);
    expect(raw.length).toBeLessThan(identity.length / 3);
    const body = (encoding === 'br' ? zlib.brotliDecompressSync(raw) : zlib.gunzipSync(raw)).toString('utf8');
    expect(JSON.parse(body)).toEqual(JSON.parse(identity));
  });

  it('leaves small bodies alone, but says they vary by Accept-Encoding', async () => {
    const response = await send(url, json('{ __typename }', 'gzip, br'));
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers.vary).toMatch(/accept-encoding/i);
    expect(JSON.parse(await decoded(response))).toEqual({ data: { __typename: 'Query' } });
  });

  it('compresses the GraphiQL page', async () => {
    const plain = await send(url, { method: 'GET', headers: { accept: 'text/html' } });
    const html = await decoded(plain);
    const compressed = await send(url, { method: 'GET', headers: { accept: 'text/html', 'accept-encoding': 'gzip' } });
    expect(compressed.headers['content-encoding']).toBe('gzip');
    const raw = await readAll(compressed);
    expect(raw.length).toBeLessThan(html.length / 2);
    expect(zlib.gunzipSync(raw).toString('utf8')).toBe(html);
  });
});

describe('compression of a streamed @defer response (issue 15)', () => {
  let gateway: Awaited<ReturnType<typeof startProxiedGateway>>;
  let release: () => void = () => {};
  let gate: Promise<'pass'> = Promise.resolve('pass');
  beforeAll(async () => {
    // Moov's timeline reads are held until the test lets them go: until then the response cannot end.
    // Upstream timeouts far beyond the test's own: a compressor that held the first part would
    // make the test time out, not pass once the held calls time out.
    gateway = await startProxiedGateway('moov', (req) => (/\/messages(\?|$)/.test(req.url ?? '') ? gate : 'pass'), {
      timeoutMs: 120_000,
      deadlineMs: 120_000,
    });
  });
  afterAll(async () => {
    release();
    await gateway.close();
  });

  it.each(['br', 'gzip'])('sends each part as it is produced under %s (the compressor is flushed, not held to the end)', async (encoding) => {
    gate = new Promise((resolve) => (release = () => resolve('pass')));
    const query = '{ tickets(first: 30) { edges { node { id provider title ... @defer { activities(first: 3) { totalCount } } } } } }';
    const response = await send(gateway.url, {
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed', 'accept-encoding': encoding },
      body: JSON.stringify({ query }),
    });
    expect(response.headers['content-type']).toMatch(/^multipart\/mixed/);
    expect(response.headers['content-encoding']).toBe(encoding);
    const parts = readMultipart(response.pipe(decoder(response.headers)!));
    const first = await parts.next();
    // The first part decodes while Moov's timelines are still held upstream.
    expect(first.done).toBe(false);
    expect(first.value!.hasNext).toBe(true);
    const edges = (first.value!.data as { tickets: { edges: { node: { provider: string } }[] } }).tickets.edges;
    expect(edges).toHaveLength(30);
    // Moov tickets are in the list, so their deferred timelines cannot be sent before the release.
    expect(edges.some((edge) => edge.node.provider === 'MOOV')).toBe(true);
    release();
    const rest = [];
    for await (const part of parts) rest.push(part);
    expect(rest.at(-1)!.hasNext).toBe(false);
    expect(rest.flatMap((part) => part.incremental ?? [])).toHaveLength(30);
  });
});
