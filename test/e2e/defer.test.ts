import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_KEYS } from '../../src/model/provider.js';
import { collect, readEventStream, readMultipart, type IncrementalPayload } from '../helpers/incremental.js';
import { startProxiedGateway } from '../helpers/proxy.js';
import { startTestServer, TOLERANT, type TestServer } from '../helpers/server.js';

const TIMELINE = 'activities(first: 5) { totalCount nodes { kind createdAt } }';
const EAGER = `{ tickets(first: 20) { edges { node { id provider title ${TIMELINE} } } } }`;
const DEFERRED = `{ tickets(first: 20) { edges { node { id provider title ... @defer(label: "timeline") { ${TIMELINE} } } } } }`;

type Edge = { node: { id: string; provider: string; activities?: unknown } };
const edgesOf = (data: Record<string, unknown> | null | undefined) => (data as { tickets: { edges: Edge[] } }).tickets.edges;

/** Applies the incremental parts to the first payload's data, as a client does. */
function merge(payloads: IncrementalPayload[]): Record<string, unknown> {
  const data = structuredClone(payloads[0]!.data!) as Record<string, unknown>;
  for (const payload of payloads.slice(1)) {
    for (const part of payload.incremental ?? []) {
      let target: Record<string | number, unknown> = data;
      for (const key of part.path) target = target[key] as Record<string | number, unknown>;
      Object.assign(target, part.data ?? {});
    }
  }
  return data;
}

function post(url: string, query: string, accept: string): Promise<Response> {
  return fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify({ query }) });
}

describe('@defer on timelines (issue 15)', () => {
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    server = await startTestServer({ env: TOLERANT });
    url = await server.listen();
  });
  afterAll(() => server.close());

  it('answers multipart/mixed with the ticket list first and the timelines as incremental parts, for the same upstream calls as the eager query', async () => {
    server.resetCounts();
    const eager = (await (await post(url, EAGER, 'application/json')).json()) as { data: Record<string, unknown>; errors?: unknown };
    expect(eager.errors).toBeUndefined();
    const eagerCalls = await server.answered();
    const eagerSandbox = server.sandbox.totalRequests();

    server.resetCounts();
    const response = await post(url, DEFERRED, 'multipart/mixed');
    expect(response.headers.get('content-type')).toMatch(/^multipart\/mixed/);
    const payloads = await collect(readMultipart(response));

    const [first, ...rest] = payloads;
    expect(first!.hasNext).toBe(true);
    const edges = edgesOf(first!.data);
    expect(edges).toHaveLength(20);
    // The list arrives without its timelines: those come after.
    expect(edges.every((edge) => !('activities' in edge.node))).toBe(true);
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.at(-1)!.hasNext).toBe(false);
    const parts = rest.flatMap((payload) => payload.incremental ?? []);
    expect(parts.map((part) => part.path).sort()).toEqual(edges.map((_edge, i) => ['tickets', 'edges', i, 'node']).sort());
    expect(parts.every((part) => part.errors === undefined)).toBe(true);
    expect(merge(payloads)).toEqual(eager.data);

    // Deferred timelines go through the same per-request loaders: not one call more.
    expect(await server.answered()).toBe(eagerCalls);
    expect(server.sandbox.totalRequests()).toBe(eagerSandbox);
    // Several providers' timelines were really read (not a vacuous 0 = 0).
    expect(eagerCalls).toBeGreaterThan(PROVIDER_KEYS.length);
    // The last payload carries every provider's outcome, spelled as the schema's enum.
    expect(rest.at(-1)!.extensions?.providers).toEqual(expect.arrayContaining([{ provider: 'MOOV', outcome: 'OK' }]));
  });

  it('streams the same over server-sent events', async () => {
    const eager = (await (await post(url, EAGER, 'application/json')).json()) as { data: Record<string, unknown> };
    const response = await post(url, DEFERRED, 'text/event-stream');
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const payloads = await collect(readEventStream(response));
    expect(payloads.length).toBeGreaterThan(1);
    expect(edgesOf(payloads[0]!.data).every((edge) => !('activities' in edge.node))).toBe(true);
    expect(merge(payloads)).toEqual(eager.data);
  });

  it('answers a client that accepts only JSON with 406 and a coded error, not an empty body', async () => {
    const response = await post(url, DEFERRED, 'application/json');
    expect(response.status).toBe(406);
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('NOT_ACCEPTABLE');
    expect(body.errors[0]!.message).toMatch(/multipart\/mixed/);
  });
});

describe('@defer when a provider fails the timelines (issue 15)', () => {
  let gateway: Awaited<ReturnType<typeof startProxiedGateway>>;
  let url: string;
  beforeAll(async () => {
    // A hostile Moov: lists answer, every timeline read fails with 500.
    gateway = await startProxiedGateway('moov', (req, res) => {
      if (!/\/messages(\?|$)/.test(req.url ?? '')) return 'pass';
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"boom"}');
      return 'handled';
    });
    url = gateway.url;
  });
  afterAll(() => gateway.close());

  it('keeps the list and the other timelines, and puts the failure into the failing parts only', async () => {
    const query = `{ tickets(first: 30) { edges { node { id provider ... @defer { ${TIMELINE} } } } } }`;
    const payloads = await collect(readMultipart(await post(url, query, 'multipart/mixed')));
    const edges = edgesOf(payloads[0]!.data);
    expect(edges).toHaveLength(30);
    const moov = edges.flatMap((edge, i) => (edge.node.provider === 'MOOV' ? [i] : []));
    expect(moov.length).toBeGreaterThan(0);
    expect(moov.length).toBeLessThan(30);

    const parts = payloads.slice(1).flatMap((payload) => payload.incremental ?? []);
    expect(parts).toHaveLength(30);
    for (const part of parts) {
      const index = part.path[2] as number;
      if (moov.includes(index)) {
        expect(part.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: 'MOOV' });
        expect(part.data?.activities ?? null).toBeNull();
      } else {
        expect(part.errors).toBeUndefined();
        expect(part.data).toMatchObject({ activities: { totalCount: expect.any(Number) } });
      }
    }
    expect(payloads.at(-1)!.hasNext).toBe(false);
  });
});
