import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { Trace } from '@apollo/usage-reporting-protobuf';
import { printSubgraphSchema } from '@apollo/subgraph';
import { startStandaloneServer } from '@apollo/server/standalone';
import { describe, expect, it, vi } from 'vitest';
import { createSchema } from '../../src/server.js';
import { describeSupergraph, type GatewayResult, type RunningGateway } from './suite.js';
import { composeSupergraph, fetchSubgraphSdl } from './support.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

// @apollo/gateway 2.x otherwise starts an OpenTelemetry exporter to Apollo at construction
// (with cloud metadata probes): tests make no outbound calls.
vi.stubEnv('APOLLO_TELEMETRY_DISABLED', 'true');

/** @apollo/gateway with a static supergraph SDL, hosted by @apollo/server 5 on port 0. */
async function startApolloGateway(supergraphSdl: string): Promise<RunningGateway> {
  const gateway = new ApolloGateway({ supergraphSdl, logger: silent });
  const server = new ApolloServer({ gateway, logger: silent, includeStacktraceInErrorResponses: false });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return {
    async execute<T>(query: string) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as GatewayResult<T>;
    },
    close: () => server.stop(),
  };
}

const ctx = describeSupergraph('Apollo Gateway (@apollo/gateway 2 in @apollo/server 5)', startApolloGateway, { entityErrorPaths: 'per-entity' });

describe('the SDL printed by npm run sdl', () => {
  // `_service { sdl }` also spells out the federation directive definitions that
  // printSubgraphSchema leaves to the @link: different text, same subgraph.
  it('composes into the same supergraph as the SDL the running subgraph serves', async () => {
    const printed = printSubgraphSchema(createSchema());
    expect(printed).toMatch(/type Person\s+@key\(fields: "email"\)/);
    const { supergraphSdl } = composeSupergraph([
      { name: 'ticketgraph', url: ctx.ticketgraph.url, sdl: printed },
      { name: 'accounts', url: ctx.accounts.url, sdl: await fetchSubgraphSdl(ctx.accounts.url) },
    ]);
    expect(supergraphSdl).toBe(ctx.supergraph.supergraphSdl);
  });
});

describe('federated tracing of the ticketgraph subgraph', () => {
  const post = (headers: Record<string, string>, query = '{ tickets(first: 2) { nodes { id title } } }') =>
    fetch(ctx.ticketgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    }).then((r) => r.json() as Promise<GatewayResult<{ tickets: { nodes: unknown[] } }>>);

  /** The trace's tree without timings: what the gateway reads per field. */
  const shape = (node: Trace.INode): unknown => ({
    ...(node.responseName ? { name: node.responseName } : { index: node.index ?? 0 }),
    ...(node.type ? { type: node.type, parentType: node.parentType } : {}),
    ...(node.originalFieldName ? { field: node.originalFieldName } : {}),
    ...(node.error?.length ? { errors: node.error.map((e) => e.message) } : {}),
    ...(node.child?.length ? { children: node.child.map(shape) } : {}),
  });

  it('returns extensions.ftv1 when a gateway asks with apollo-federation-include-trace: ftv1', async () => {
    const { data, errors, extensions } = await post({ 'apollo-federation-include-trace': 'ftv1' });
    expect(errors).toBeUndefined();
    expect(data?.tickets.nodes).toHaveLength(2);
    expect(extensions?.ftv1).toEqual(expect.stringMatching(/^[A-Za-z0-9+/]+=*$/));
    // A protobuf Trace, not an empty placeholder.
    expect(Buffer.from(extensions!.ftv1 as string, 'base64').length).toBeGreaterThan(20);
  });

  it('traces every field resolved, aliases with their field name, errors on their field', async () => {
    const { extensions } = await post({ 'apollo-federation-include-trace': 'ftv1' }, '{ tickets(first: 1) { nodes { id headline: title } } ticket(id: "garbage") { id } }');
    const trace = Trace.decode(Buffer.from(extensions!.ftv1 as string, 'base64'));
    expect(Number(trace.durationNs)).toBeGreaterThan(0);
    const node = (name: string, type: string, parentType: string, more: object = {}) => ({ name, type, parentType, ...more });
    expect(shape(trace.root!)).toEqual({
      index: 0,
      children: [
        node('tickets', 'TicketConnection!', 'Query', {
          children: [
            node('nodes', '[Ticket!]!', 'TicketConnection', {
              children: [{ index: 0, children: [node('id', 'ID!', 'Ticket'), node('headline', 'String', 'Ticket', { field: 'title' })] }],
            }),
          ],
        }),
        node('ticket', 'Ticket', 'Query', { errors: ['Invalid id: not an id issued by ticketgraph'] }),
      ],
    });
    const times = trace.root?.child?.[0];
    expect(Number(times?.endTime)).toBeGreaterThanOrEqual(Number(times?.startTime));
  });

  it('adds no trace when the header is absent', async () => {
    const { extensions } = await post({});
    expect(extensions?.ftv1).toBeUndefined();
  });
});
