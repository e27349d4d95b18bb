import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';

/*
 * The ceiling of `npm run bench`: a bare yoga subgraph answering the same query shapes
 * from memory (no upstream call, no DataLoader, no mapping). The data is a snapshot of
 * ticketgraph's own answers (path in argv[2]), so the responses have the same size.
 * Prints `{"url": …}` on stdout once listening.
 */

interface Snapshot {
  tickets: Array<Record<string, unknown> & { id: string }>;
}

const snapshot = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as Snapshot;
const byId = new Map(snapshot.tickets.map((t) => [t.id, t]));

const typeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable"])
  type Membership { id: ID! name: String email: String }
  type Tag { id: ID! name: String }
  type Activity { id: ID! kind: String! createdAt: String! author: Membership }
  type ActivityConnection { nodes: [Activity!]! }
  type Ticket @key(fields: "id") {
    id: ID! provider: String! number: String title: String status: String! updatedAt: String!
    requester: Membership assignee: Membership tags: [Tag!]!
    activities(first: Int = 50): ActivityConnection!
  }
  type PageInfo @shareable { hasNextPage: Boolean! endCursor: String }
  type TicketEdge { cursor: String! node: Ticket! }
  type TicketConnection { edges: [TicketEdge!]! pageInfo: PageInfo! }
  type Query { ticket(id: ID!): Ticket tickets(first: Int = 20): TicketConnection! }
`);

const schema = buildSubgraphSchema({
  typeDefs,
  resolvers: {
    Query: {
      ticket: (_: unknown, { id }: { id: string }) => byId.get(id) ?? null,
      tickets: (_: unknown, { first }: { first: number }) => {
        const edges = snapshot.tickets.slice(0, first).map((node) => ({ cursor: node.id, node }));
        return { edges, pageInfo: { hasNextPage: snapshot.tickets.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
      },
    },
    Ticket: {
      __resolveReference: (ref: { id: string }) => byId.get(ref.id) ?? null,
      activities: (ticket: { activities?: { nodes: unknown[] } }, { first }: { first: number }) => ({
        nodes: (ticket.activities?.nodes ?? []).slice(0, first),
      }),
    },
  } as never,
});

const yoga = createYoga({ schema, graphiql: false, logging: 'warn' });
const server = createServer(yoga);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` })}\n`);
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
