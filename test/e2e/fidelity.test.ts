import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { createMetrics } from '../../src/metrics.js';
import { createRegistry } from '../../src/providers/registry.js';
import { HOSTUP_SANDBOX_KEY } from '../../src/providers/hostup/simulator/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createTicketgraph, type Ticketgraph } from '../../src/server.js';
import { startTestServer, type GqlResult, type TestServer } from '../helpers/server.js';
import { testHttpSettings } from '../helpers/settings.js';

/*
 * Issue 17 through GraphQL: what `providers { … }` and the feed say where a seed leaves a
 * choice open. HostUp runs live against its simulator, so the generation is the configured one.
 */

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ tickets: 20, providers: ['hostup', 'moov'] });
});
afterAll(async () => {
  await sandbox.close();
});

function serverWith(env: Record<string, string>): Ticketgraph {
  const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', TICKETGRAPH_PROVIDERS: 'hostup,moov', ...env });
  config.http = { ...config.http, ...testHttpSettings };
  const metrics = createMetrics();
  return createTicketgraph(config, { registry: createRegistry(config, { http: config.http, metrics, sandbox }), metrics });
}

async function gql<T>(yoga: Ticketgraph, query: string): Promise<GqlResult<T>> {
  const response = await yoga.fetch('http://ticketgraph.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as GqlResult<T>;
}

type Info = { providers: { provider: string; capabilities: string[]; apiVersion: string | null; notes: string | null }[] };
type Feed = { tickets: { nodes: { provider: string }[] } };

describe('issue 17: HostUp says which generation is in use, and what it cannot do', () => {
  const live = (generation: 'v1' | 'v2') => ({
    HOSTUP_API_KEY: HOSTUP_SANDBOX_KEY,
    HOSTUP_BASE_URL: sandbox.url('hostup'),
    HOSTUP_API_GENERATION: generation,
  });

  it('v1: no LIST_TICKETS but READ_TAGS, apiVersion and notes say why; the feed names HostUp as UNSUPPORTED', async () => {
    const yoga = serverWith(live('v1'));
    const info = await gql<Info>(yoga, '{ providers { provider capabilities apiVersion notes } }');
    const hostup = info.data!.providers.find((p) => p.provider === 'HOSTUP');
    expect(hostup?.capabilities).toEqual(expect.arrayContaining(['READ_TICKET', 'READ_TAGS', 'CREATE_TICKET']));
    expect(hostup?.capabilities).not.toContain('LIST_TICKETS');
    expect(hostup?.apiVersion).toMatch(/^v1/);
    expect(hostup?.notes).toMatch(/no list.*UNSUPPORTED/);

    sandbox.resetRequests();
    const feed = await gql<Feed>(yoga, '{ tickets(first: 5) { nodes { provider } } }');
    expect(feed.errors).toBeUndefined();
    expect(feed.data!.tickets.nodes.length).toBe(5);
    expect(feed.extensions?.providers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ provider: 'HOSTUP', outcome: 'UNSUPPORTED', code: 'UNSUPPORTED_BY_PROVIDER' }),
        expect.objectContaining({ provider: 'MOOV', outcome: 'OK' }),
      ]),
    );
    expect(sandbox.totalRequests('hostup')).toBe(0);
  });

  it('v2 (the default): lists, no READ_TAGS, and the notes say the seed documents v1', async () => {
    const yoga = serverWith(live('v2'));
    const info = await gql<Info>(yoga, '{ providers { provider capabilities apiVersion notes } }');
    const hostup = info.data!.providers.find((p) => p.provider === 'HOSTUP');
    expect(hostup?.capabilities).toContain('LIST_TICKETS');
    expect(hostup?.capabilities).not.toContain('READ_TAGS');
    expect(hostup?.apiVersion).toMatch(/^v2/);
    expect(hostup?.notes).toMatch(/seed documents v1/);
    const feed = await gql<Feed>(yoga, '{ tickets(first: 40) { nodes { provider } } }');
    expect(feed.data!.tickets.nodes.some((n) => n.provider === 'HOSTUP')).toBe(true);
    expect(feed.extensions?.providers).toEqual(expect.arrayContaining([expect.objectContaining({ provider: 'HOSTUP', outcome: 'OK' })]));
  });
});

describe('issue 17: documented fields that used to reach only raw', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  type Node = {
    provider: string;
    lastActivityAt: string | null;
    externalId: string | null;
    attachments: { name: string | null; url: string | null; size: number | null }[];
    channel: { id: string | null; name: string | null; type: string | null } | null;
  };

  it('serves lastActivityAt and externalId (Moov), ticket attachments (HostUp) and channel (Zaia) through GraphQL', async () => {
    const { data, errors } = await server.gql<{ tickets: { nodes: Node[] } }>(
      '{ tickets(first: 100) { nodes { provider lastActivityAt externalId attachments { name url size } channel { id name type } } } }',
    );
    expect(errors).toBeUndefined();
    const nodes = data!.tickets.nodes;
    const of = (provider: string) => nodes.filter((n) => n.provider === provider);
    expect(of('MOOV').some((n) => n.lastActivityAt !== null)).toBe(true);
    expect(of('ZAIA').some((n) => n.channel !== null && n.channel.type !== null)).toBe(true);
    expect(of('HOSTUP').length).toBeGreaterThan(0);
    expect(of('HOSTUP').every((n) => Array.isArray(n.attachments))).toBe(true);
    // Providers without these fields answer null and an empty list, never an error.
    for (const n of [...of('SPACEBRING'), ...of('SONZAI')]) expect(n).toMatchObject({ lastActivityAt: null, externalId: null, attachments: [], channel: null });
  });
});
