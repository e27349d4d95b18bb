import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestServer } from '../helpers/server.js';

/**
 * A second subgraph written for these tests: a small accounts/CRM service. It owns
 * `Customer`, joins our `Person` by email (both ways), and points at our `Ticket`s by id
 * through a stub entity, so the gateway has to fetch many Tickets from ticketgraph by key.
 */
export const ACCOUNTS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])

  type Customer @key(fields: "id") {
    id: ID!
    email: String!
    name: String!
    "The person behind the customer, whose tickets live in ticketgraph."
    person: Person
    "Global ticket ids, as the CRM stored them."
    recentTicketIds: [ID!]!
    "Nullable items: one ticket failing to resolve must not null the customer."
    recentTickets: [Ticket]!
  }

  type Person @key(fields: "email") {
    email: String!
    customer: Customer
  }

  type Ticket @key(fields: "id", resolvable: false) {
    id: ID!
  }

  type Query {
    customers: [Customer!]!
    customer(id: ID!): Customer
  }
`;

export interface Customer {
  id: string;
  email: string;
  name: string;
  recentTicketIds: string[];
}

export interface FeedTicket {
  id: string;
  provider: string;
  requester: { email: string | null; name: string | null } | null;
}

export interface AccountsData {
  customers: Customer[];
  /** The feed the customers were built from (first 50 tickets). */
  feed: FeedTicket[];
}

/**
 * Builds the CRM's customers from what the sandbox actually holds, so the test is
 * deterministic for the seed: the first `count` distinct requester emails of the feed, each
 * with the ids of the tickets they requested among those 50 as `recentTicketIds`.
 */
export async function buildAccountsData(server: TestServer, count = 6): Promise<AccountsData> {
  const { data, errors } = await server.gql<{ tickets: { nodes: FeedTicket[] } }>('{ tickets(first: 50) { nodes { id provider requester { email name } } } }');
  if (errors || !data) throw new Error(`cannot read the sandbox feed: ${JSON.stringify(errors)}`);
  const feed = data.tickets.nodes;
  const byEmail = new Map<string, Customer>();
  for (const ticket of feed) {
    const email = ticket.requester?.email?.trim().toLowerCase();
    if (!email) continue;
    let customer = byEmail.get(email);
    if (!customer) {
      if (byEmail.size === count) continue;
      customer = { id: `cust-${byEmail.size + 1}`, email, name: ticket.requester?.name ?? email.split('@')[0]!, recentTicketIds: [] };
      byEmail.set(email, customer);
    }
    customer.recentTicketIds.push(ticket.id);
  }
  return { customers: [...byEmail.values()], feed };
}

export interface RunningSubgraph {
  url: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The accounts subgraph: buildSubgraphSchema + graphql-yoga on loopback, port 0. */
export async function startAccountsSubgraph(customers: readonly Customer[]): Promise<RunningSubgraph> {
  const byId = new Map(customers.map((c) => [c.id, c]));
  const byEmail = new Map(customers.map((c) => [c.email, c]));
  const resolvers = {
    Query: {
      customers: () => customers,
      customer: (_: unknown, { id }: { id: string }) => byId.get(id) ?? null,
    },
    Customer: {
      __resolveReference: (ref: { id: string }) => byId.get(ref.id) ?? null,
      person: (customer: Customer) => ({ email: customer.email }),
      recentTickets: (customer: Customer) => customer.recentTicketIds.map((id) => ({ __typename: 'Ticket', id })),
    },
    Person: {
      __resolveReference: (ref: { email: string }) => ({ email: ref.email }),
      customer: (person: { email: string }) => byEmail.get(person.email.toLowerCase()) ?? null,
    },
  };
  const yoga = createYoga({
    schema: buildSubgraphSchema({ typeDefs: parse(ACCOUNTS_SDL), resolvers: resolvers as GraphQLResolverMap<unknown> }),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: false,
    logging: false,
  });
  const server = createServer(yoga);
  const url = await listen(server);
  return { url, close: () => closeServer(server) };
}

export interface SubgraphRequest {
  query: string;
  /** Representations carried by the request (all `*representations` variables). */
  representations: number;
  /** Typenames of those representations. */
  typenames: string[];
}

export interface CountingSubgraph extends RunningSubgraph {
  /** Requests received since the last reset, bodies parsed. */
  requests: SubgraphRequest[];
  /** The requests whose operation contains `_entities`. */
  entityRequests(): SubgraphRequest[];
  reset(): void;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function record(body: string): SubgraphRequest[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [{ query: body, representations: 0, typenames: [] }];
  }
  // A gateway may batch several operations in one HTTP request (an array body).
  return (Array.isArray(parsed) ? parsed : [parsed]).map((op: { query?: string; variables?: Record<string, unknown> }) => {
    const reps = Object.entries(op.variables ?? {})
      .filter(([name, value]) => /representations$/i.test(name) && Array.isArray(value))
      .flatMap(([, value]) => value as { __typename?: string }[]);
    return { query: op.query ?? '', representations: reps.length, typenames: reps.map((r) => r.__typename ?? '?') };
  });
}

/**
 * Our subgraph on a real socket, with its node:http handler wrapped by a counter: the body
 * is read once, parsed and recorded, then handed to yoga as `req.body` (whatwg-node's
 * node adapter takes a pre-read body instead of the consumed stream).
 */
export async function listenCounting(server: TestServer): Promise<CountingSubgraph> {
  const requests: SubgraphRequest[] = [];
  const http = createServer((req, res) => {
    if (req.method !== 'POST') {
      void server.yoga(req, res);
      return;
    }
    void readBody(req).then((body) => {
      requests.push(...record(body));
      (req as IncomingMessage & { body?: string }).body = body;
      return server.yoga(req, res);
    });
  });
  const url = await listen(http);
  return {
    url,
    requests,
    entityRequests: () => requests.filter((r) => r.query.includes('_entities')),
    reset: () => {
      requests.length = 0;
    },
    close: () => closeServer(http),
  };
}

/** `{ _service { sdl } }` over HTTP, as rover and IntrospectAndCompose read it. */
export async function fetchSubgraphSdl(url: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const { data } = (await response.json()) as { data: { _service: { sdl: string } } };
  return data._service.sdl;
}

export interface ComposedSupergraph {
  supergraphSdl: string;
  hints: string[];
}

/** composeServices from @apollo/composition; any composition error throws (with all messages). */
export function composeSupergraph(services: { name: string; url: string; sdl: string }[]): ComposedSupergraph {
  const result = composeServices(services.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return { supergraphSdl: result.supergraphSdl, hints: result.hints.map((h) => `${h.definition.code}: ${h.message}`) };
}

/** Provider of a global Ticket id (base64url of `Ticket:<provider>:<native id>`). */
export function providerOf(ticketId: string): string {
  const [type, provider] = Buffer.from(ticketId, 'base64url').toString('utf8').split(':');
  if (type !== 'Ticket' || !provider) throw new Error(`not a Ticket id: ${ticketId}`);
  return provider;
}

// The two cross-subgraph queries of the issue, shared by the Apollo and Hive gateway tests.

/** (a) accounts → our Person → tickets with tags and activities. */
export const CUSTOMER_TICKETS = /* GraphQL */ `
  {
    customers {
      id
      name
      email
      person {
        email
        tickets(first: 5) {
          nodes {
            id
            title
            status
            requester { email }
            tags { name }
            activities(first: 3) { nodes { kind } }
          }
        }
      }
    }
  }
`;

export interface CustomerTicketsData {
  customers: {
    id: string;
    name: string;
    email: string;
    person: {
      email: string;
      tickets: {
        nodes: {
          id: string;
          title: string | null;
          status: string;
          requester: { email: string | null } | null;
          tags: { name: string | null }[];
          activities: { nodes: { kind: string }[] };
        }[];
      };
    } | null;
  }[];
}

/** (b) our feed → requester → Person → the accounts' Customer. */
export const TICKET_CUSTOMERS = /* GraphQL */ `
  {
    tickets(first: 20) {
      nodes {
        id
        requester { email person { email customer { id name } } }
      }
    }
  }
`;

export interface TicketCustomersData {
  tickets: {
    nodes: {
      id: string;
      requester: { email: string | null; person: { email: string; customer: { id: string; name: string } | null } | null } | null;
    }[];
  };
}

/** Many Tickets by key from the accounts side: one `_entities` batch into ticketgraph. */
export const RECENT_TICKETS = /* GraphQL */ `
  {
    customers {
      id
      recentTicketIds
      recentTickets { id title status provider }
    }
  }
`;

export interface RecentTicketsData {
  customers: {
    id: string;
    recentTicketIds: string[];
    recentTickets: ({ id: string; title: string | null; status: string; provider: string } | null)[];
  }[];
}
