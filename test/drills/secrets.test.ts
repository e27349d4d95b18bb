import { inspect, format } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig, type Config } from '../../src/config.js';
import { basicAuth } from '../../src/upstream/http.js';
import { createRegistry } from '../../src/providers/registry.js';
import { encodeId } from '../../src/ids.js';
import { createMetrics } from '../../src/metrics.js';
import { PROVIDER_KEYS, type ProviderKey } from '../../src/model/provider.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createTicketgraph, type Ticketgraph } from '../../src/server.js';
import { expectWellFormed } from '../fuzz/invariants.js';
import type { GqlResult } from '../helpers/server.js';
import { testHttpSettings } from '../helpers/settings.js';

/*
 * Issue 9 secrets drill: live-mode credentials that look real, pointed at the sandbox.
 * Four providers get WRONG credentials (so every call ends in PROVIDER_AUTH_FAILED), Zaia
 * the right one. Everything the process writes while queries and writes fail (stdout,
 * stderr, console.*, at LOG_LEVEL=debug) and every response body is searched for each
 * credential, in the forms it travels in: as is, Basic base64 of `user:password`,
 * base64url, URL-encoded.
 */

const WRONG = {
  HOSTUP_API_KEY: 'hk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0ffee1234',
  MOOV_PUBLIC_KEY: 'pk_live_4Qz8WmN2rT6yU1vX3cB5nL7k',
  MOOV_SECRET_KEY: 'sk_live_Jd83kQm29XzPw01LbT7vYc5RnH4e',
  SPACEBRING_CLIENT_ID: 'sbc_live_2b7e151628aed2a6abf71588',
  SPACEBRING_CLIENT_SECRET: 'sbs_live_09cf4f3c762e71603fe9a1b2c3d4e5f6',
  SONZAI_TOKEN:
    'eyJhbGciOiJSUzI1NiIsImtpZCI6Imluc18yYWJjIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ1c2VyXzJhYmNkZWYiLCJzaWQiOiJzZXNzXzEyMyIsImV4cCI6MTk5OTk5OTk5OX0.c2lnbmF0dXJlLXRoYXQtaXMtbm90LXJlYWw',
};

function forms(secrets: string[], pairs: [string, string][]): string[] {
  const out = new Set<string>();
  for (const s of secrets) {
    out.add(s);
    out.add(encodeURIComponent(s));
    out.add(Buffer.from(s).toString('base64'));
    out.add(Buffer.from(s).toString('base64url'));
  }
  for (const [user, password] of pairs) {
    out.add(Buffer.from(`${user}:${password}`).toString('base64'));
    out.add(Buffer.from(`${user}:${password}`).toString('base64url'));
  }
  return [...out];
}

describe('credentials never leak, not even when providers refuse them (issue 9)', () => {
  let sandbox: Sandbox;
  let config: Config;
  let yoga: Ticketgraph;
  let needles: string[];
  const captured: string[] = [];
  const restore: (() => void)[] = [];
  const bodies: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ tickets: 30 });
    const zaiaKey = sandbox.settings('zaia').apiKey.reveal();
    const env: Record<string, string> = {
      NODE_ENV: 'development',
      LOG_LEVEL: 'debug',
      BREAKER_THRESHOLD: '1000',
      ...WRONG,
      HOSTUP_BASE_URL: sandbox.url('hostup'),
      MOOV_BASE_URL: sandbox.url('moov'),
      MOOV_ACCOUNT_IDS: sandbox.settings('moov').accountIds.join(','),
      SPACEBRING_BASE_URL: sandbox.url('spacebring'),
      SPACEBRING_LOCATION_REFS: sandbox.settings('spacebring').locationRefs.join(','),
      SONZAI_BASE_URL: sandbox.settings('sonzai').baseUrl,
      // The right key for Zaia: it must not leak either.
      ZAIA_API_KEY: zaiaKey,
      ZAIA_BASE_URL: sandbox.url('zaia'),
    };
    needles = forms(
      [...Object.values(WRONG), zaiaKey],
      [
        [WRONG.MOOV_PUBLIC_KEY, WRONG.MOOV_SECRET_KEY],
        [WRONG.SPACEBRING_CLIENT_ID, WRONG.SPACEBRING_CLIENT_SECRET],
      ],
    );

    // Everything written from here on is kept (and not printed: debug logging is loud).
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
        const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        callback?.();
        return true;
      }) as typeof stream.write;
      restore.push(() => {
        stream.write = original;
      });
    }
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      const spy = vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        captured.push(format(...args));
      });
      restore.push(() => spy.mockRestore());
    }

    config = parseConfig(env);
    const metrics = createMetrics();
    const registry = createRegistry(config, { http: testHttpSettings, metrics, sandbox });
    yoga = createTicketgraph(config, { registry, metrics });
  });

  afterAll(async () => {
    for (const undo of restore.reverse()) undo();
    await sandbox?.close();
  });

  async function gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>> {
    const response = await yoga.fetch('http://ticketgraph.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    bodies.push(text);
    return JSON.parse(text) as GqlResult<T>;
  }

  const REFUSING: ProviderKey[] = ['spacebring', 'moov', 'hostup', 'sonzai'];

  it('runs the refusing providers live against the sandbox, and Zaia live with the right key', async () => {
    for (const key of PROVIDER_KEYS) expect([key, config.providers[key].mode]).toEqual([key, 'live']);
    const { data } = await gql<{ providers: { provider: string; mode: string }[] }>('{ providers { provider mode configured health { state lastErrorCode } } }');
    expect(data!.providers.every((p) => p.mode === 'LIVE')).toBe(true);
  });

  it('reports each refusing provider as PROVIDER_AUTH_FAILED in the feed, keeping Zaia', async () => {
    const result = await gql<{ tickets: { nodes: { provider: string }[] } }>('{ tickets(first: 20) { nodes { id provider title } } }');
    expectWellFormed(result, 'feed');
    expect(result.data!.tickets.nodes.length).toBeGreaterThan(0);
    expect(result.data!.tickets.nodes.every((n) => n.provider === 'ZAIA')).toBe(true);
    const refused = (result.errors ?? []).map((e) => [e.extensions?.provider, e.extensions?.code]);
    expect(refused.sort()).toEqual(REFUSING.map((k) => [k.toUpperCase(), 'PROVIDER_AUTH_FAILED']).sort());
    for (const key of REFUSING) expect(result.extensions?.providers).toContainEqual(expect.objectContaining({ provider: key.toUpperCase(), outcome: 'AUTH_FAILED' }));
  });

  it.each(REFUSING)('answers reads and writes at %s with PROVIDER_AUTH_FAILED', async (key) => {
    const native = key === 'moov' ? `${sandbox.settings('moov').accountIds[0]}/t-1` : '1';
    const id = encodeId('Ticket', key, native);
    const read = await gql('query ($id: ID!) { ticket(id: $id) { id title activities(first: 3) { totalCount } } }', { id });
    expectWellFormed(read, `${key} read`);
    expect(read.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_AUTH_FAILED', provider: key.toUpperCase() });

    const writes: [string, string, Record<string, unknown>][] = [
      [
        'createTicket',
        'CreateTicketInput',
        { provider: key.toUpperCase(), title: 'Printer on fire', description: 'Smoke.', department: 'support', requester: { email: 'ada@customer.example.org' } },
      ],
      ['addComment', 'AddCommentInput', { ticketId: id, body: 'Any news?' }],
      ['closeTicket', 'TicketActionInput', { ticketId: id }],
    ];
    for (const [name, type, input] of writes) {
      const result = await gql(`mutation ($input: ${type}!) { ${name}(input: $input) { clientMutationId ticket { id } } }`, { input });
      expectWellFormed(result, `${key} ${name}`);
      const code = result.errors?.[0]?.extensions?.code;
      // A write the provider lacks is refused before any call; the others reach it and are refused.
      expect([`${key} ${name}`, ['PROVIDER_AUTH_FAILED', 'UNSUPPORTED_BY_PROVIDER'].includes(code as string)]).toEqual([`${key} ${name}`, true]);
    }
  });

  it('answers the person feed and the metrics endpoint without credentials', async () => {
    bodies.push(JSON.stringify(await gql('{ person(email: "ada@customer.example.org") { tickets(first: 5) { nodes { id } } } }')));
    const metrics = await yoga.fetch('http://ticketgraph.test/metrics');
    bodies.push(await metrics.text());
  });

  it('keeps every credential out of all response bodies, all output and the config object', () => {
    expect(bodies.length).toBeGreaterThan(10);
    // Not vacuous: the refusing providers were called, output was captured, and the needles
    // include the exact header values sent on the wire.
    for (const key of REFUSING) expect([key, sandbox.totalRequests(key) > 0]).toEqual([key, true]);
    expect(captured.join('').length).toBeGreaterThan(0);
    expect(needles.some((n) => basicAuth(WRONG.MOOV_PUBLIC_KEY, WRONG.MOOV_SECRET_KEY) === `Basic ${n}`)).toBe(true);
    // Printing the config (a log line, an error report) reveals nothing either.
    const views = [JSON.stringify(config), inspect(config, { depth: 10 }), String(config.providers.hostup.mode === 'live' ? config.providers.hostup.settings.apiKey : '')];
    const leaks = (texts: string[], where: string) =>
      texts.flatMap((text, index) => needles.filter((needle) => text.includes(needle)).map((needle) => `${where}[${index}] contains ${needle.slice(0, 12)}…`));
    expect([...leaks(bodies, 'body'), ...leaks(captured, 'output'), ...leaks(views, 'config')]).toEqual([]);
  });
});
