import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { composeSupergraph, fetchSubgraphSdl } from '../federation/support.js';
import { sseSubscribe, startGateway, until, type Gateway } from './support.js';

describe('Subscription.ticketChanged through Hive Gateway (issue 20: a gateway that passes subscriptions through)', () => {
  let sandbox: Sandbox;
  let subgraph: Gateway;
  let gateway: ReturnType<typeof createGatewayRuntime>;
  beforeAll(async () => {
    sandbox = await startSandbox({ tickets: 30 });
    subgraph = await startGateway(sandbox, { CHANGES_POLL_MS: '0' });
    const url = `${subgraph.url}/graphql`;
    const { supergraphSdl } = composeSupergraph([{ name: 'ticketgraph', url, sdl: await fetchSubgraphSdl(url) }]);
    gateway = createGatewayRuntime({ supergraph: supergraphSdl, logging: false });
  });
  afterAll(async () => {
    await gateway?.dispose();
    await subgraph?.close();
    await sandbox?.close();
  });

  it('a client subscribed at the gateway (SSE) hears a comment written at ticketgraph', async () => {
    const { data } = await subgraph.gql<{ tickets: { nodes: { id: string }[] } }>(
      '{ tickets(first: 1, filter: { providers: [SONZAI], statuses: [OPEN, IN_PROGRESS, WAITING] }) { nodes { id } } }',
    );
    const ticketId = data!.tickets.nodes[0]!.id;
    const open = await sseSubscribe<{ data: { ticketChanged: { kind: string; source: string; ticket: { id: string; title: string | null } } } }>(
      'http://hive-gateway.test',
      'subscription { ticketChanged { kind source ticket { id title } } }',
      {},
      {},
      (url, init) => Promise.resolve(gateway.fetch(url, init)),
    );
    expect(open.status).toBe(200);
    // The gateway opens its own subscription at ticketgraph: write once it is there.
    await until(() => subgraph.live.subscribers() > 0);
    await subgraph.gql('mutation ($input: AddCommentInput!) { addComment(input: $input) { ticket { id } } }', { input: { ticketId, body: 'through the gateway' } });
    const event = await open.stream.next();
    open.stream.close();
    expect(event.data.ticketChanged).toMatchObject({ kind: 'COMMENTED', source: 'WRITE', ticket: { id: ticketId } });
  });
});
