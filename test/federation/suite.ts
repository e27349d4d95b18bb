import type { ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  buildAccountsData,
  composeSupergraph,
  CUSTOMER_TICKETS,
  fetchSubgraphSdl,
  listenCounting,
  providerOf,
  RECENT_TICKETS,
  startAccountsSubgraph,
  TICKET_CUSTOMERS,
  type AccountsData,
  type ComposedSupergraph,
  type CountingSubgraph,
  type CustomerTicketsData,
  type RecentTicketsData,
  type RunningSubgraph,
  type TicketCustomersData,
} from './support.js';

export type GatewayResult<T> = ExecutionResult<T, Record<string, unknown>>;

export interface RunningGateway {
  execute<T>(query: string): Promise<GatewayResult<T>>;
  close(): Promise<void>;
}

export interface FederationContext {
  server: TestServer;
  ticketgraph: CountingSubgraph;
  accounts: RunningSubgraph;
  data: AccountsData;
  supergraph: ComposedSupergraph;
  gateway: RunningGateway;
}

export interface SupergraphOptions {
  /**
   * How the gateway places the errors of entities that `_entities` answered with null:
   * `per-entity` — one error per failed entity, at its list index (Apollo Gateway);
   * `per-field` — one error per selected field of each failed entity, with the list index
   * left out of the path (`customers.0.recentTickets.title`; Hive Gateway 2.x).
   */
  entityErrorPaths: 'per-entity' | 'per-field';
}

/**
 * The supergraph tests every gateway must pass: ticketgraph (with the sandbox, 60 tickets per
 * provider) and the accounts subgraph on loopback, composed with @apollo/composition, served
 * by the gateway that `startGateway` builds from the supergraph SDL. Returns the context for
 * a file's own extra tests (read it inside tests, not at collection time).
 */
export function describeSupergraph(gatewayName: string, startGateway: (supergraphSdl: string) => Promise<RunningGateway>, options: SupergraphOptions): FederationContext {
  const ctx = {} as FederationContext;

  beforeAll(async () => {
    // Per-attempt timeouts long enough for a 2-core machine running two files at once; the
    // fault test below injects 503s, whose retries stay short (backoff capped at 50 ms), and
    // must not open moov's circuit breaker for the tests after it (the breaker has its own tests).
    ctx.server = await startTestServer({
      sandbox: { tickets: 60 },
      env: { UPSTREAM_TIMEOUT_MS: '3000', UPSTREAM_DEADLINE_MS: '8000', UPSTREAM_BACKOFF_LIMIT_MS: '50', BREAKER_THRESHOLD: '1000' },
    });
    ctx.ticketgraph = await listenCounting(ctx.server);
    ctx.data = await buildAccountsData(ctx.server);
    ctx.accounts = await startAccountsSubgraph(ctx.data.customers);
    ctx.supergraph = composeSupergraph([
      { name: 'ticketgraph', url: ctx.ticketgraph.url, sdl: await fetchSubgraphSdl(ctx.ticketgraph.url) },
      { name: 'accounts', url: ctx.accounts.url, sdl: await fetchSubgraphSdl(ctx.accounts.url) },
    ]);
    for (const hint of ctx.supergraph.hints) console.info(`composition hint: ${hint}`);
    ctx.gateway = await startGateway(ctx.supergraph.supergraphSdl);
  });

  afterAll(async () => {
    await ctx.gateway?.close();
    await ctx.accounts?.close();
    await ctx.ticketgraph?.close();
    await ctx.server?.close();
  });

  describe(`${gatewayName} over ticketgraph and an accounts subgraph`, () => {
    it('composes both subgraphs without errors, joining Person by email and Ticket by id', () => {
      const sdl = ctx.supergraph.supergraphSdl;
      expect(sdl).toMatch(/join__graph\(name: "ticketgraph", url: "http:\/\/127\.0\.0\.1:\d+\/graphql"\)/);
      expect(sdl).toMatch(/join__graph\(name: "accounts", url: "http:\/\/127\.0\.0\.1:\d+\/graphql"\)/);
      expect(sdl).toMatch(/type Person\s+@join__type\(graph: ACCOUNTS, key: "email"\)\s+@join__type\(graph: TICKETGRAPH, key: "email"\)/);
      expect(sdl).toMatch(/type Ticket implements Node\s+(@join__\w+\([^)]*\)\s+)*@join__type\(graph: ACCOUNTS, key: "id", resolvable: false\)/);
    });

    it("resolves a customer's tickets, with tags and activities, from ticketgraph through Person", async () => {
      ctx.ticketgraph.reset();
      const { data, errors } = await ctx.gateway.execute<CustomerTicketsData>(CUSTOMER_TICKETS);
      expect(errors).toBeUndefined();
      // All customers' persons in one _entities request, whatever their number.
      expect(ctx.ticketgraph.entityRequests().map((r) => r.typenames)).toEqual([ctx.data.customers.map(() => 'Person')]);
      const customers = data!.customers;
      expect(customers.map((c) => [c.id, c.name, c.email])).toEqual(ctx.data.customers.map((c) => [c.id, c.name, c.email]));
      let tickets = 0;
      for (const customer of customers) {
        expect(customer.person?.email).toBe(customer.email);
        const nodes = customer.person!.tickets.nodes;
        // Every customer requested at least one of the 50 tickets the data was built from.
        expect(nodes.length).toBeGreaterThan(0);
        expect(nodes.length).toBeLessThanOrEqual(5);
        for (const ticket of nodes) {
          expect(ticket.requester?.email?.toLowerCase()).toBe(customer.email);
          expect(ticket.status).toMatch(/^[A-Z_]+$/);
          expect(Array.isArray(ticket.tags)).toBe(true);
          expect(ticket.activities.nodes.length).toBeGreaterThan(0);
          expect(ticket.activities.nodes.length).toBeLessThanOrEqual(3);
          tickets++;
        }
      }
      expect(tickets).toBeGreaterThanOrEqual(customers.length);
    });

    it("resolves each requester's customer record from the accounts subgraph", async () => {
      const { data, errors } = await ctx.gateway.execute<TicketCustomersData>(TICKET_CUSTOMERS);
      expect(errors).toBeUndefined();
      const nodes = data!.tickets.nodes;
      expect(nodes).toHaveLength(20);
      // The feed is deterministic: the same first 20 tickets the accounts data was built from.
      expect(nodes.map((n) => n.id)).toEqual(ctx.data.feed.slice(0, 20).map((t) => t.id));
      const byEmail = new Map(ctx.data.customers.map((c) => [c.email, c]));
      let matched = 0;
      for (const node of nodes) {
        const email = node.requester?.email?.toLowerCase();
        if (!email) continue;
        expect(node.requester!.person?.email).toBe(email);
        const customer = byEmail.get(email);
        expect(node.requester!.person!.customer).toEqual(customer ? { id: customer.id, name: customer.name } : null);
        if (customer) matched++;
      }
      expect(matched).toBeGreaterThanOrEqual(ctx.data.customers.length);
    });

    it('fetches N Tickets by key in one _entities request to ticketgraph, at most one upstream read per ticket', async () => {
      const ids = ctx.data.customers.flatMap((c) => c.recentTicketIds);
      const distinct = new Set(ids);
      const perProvider = new Map<string, number>();
      for (const id of distinct) perProvider.set(providerOf(id), (perProvider.get(providerOf(id)) ?? 0) + 1);
      // Preconditions of the seed: enough tickets, from more than one provider.
      expect(distinct.size).toBeGreaterThanOrEqual(10);
      expect(perProvider.size).toBeGreaterThan(1);

      ctx.ticketgraph.reset();
      ctx.server.sandbox.resetRequests();
      const { data, errors } = await ctx.gateway.execute<RecentTicketsData>(RECENT_TICKETS);
      expect(errors).toBeUndefined();
      for (const customer of data!.customers) {
        expect(customer.recentTickets.map((t) => t?.id)).toEqual(customer.recentTicketIds);
        for (const ticket of customer.recentTickets) expect(ticket?.provider.toLowerCase()).toBe(providerOf(ticket!.id));
      }

      const entities = ctx.ticketgraph.entityRequests();
      expect(entities).toHaveLength(1);
      // Gateways deduplicate representations; each distinct ticket is asked for once.
      expect(entities[0]!.representations).toBe(distinct.size);
      expect(new Set(entities[0]!.typenames)).toEqual(new Set(['Ticket']));
      expect(ctx.ticketgraph.requests).toHaveLength(1);

      // No provider reads many tickets by id in one call: the bound is one read per ticket,
      // per provider, and nothing for providers with no ticket in the batch.
      expect(ctx.server.sandbox.totalRequests()).toBeLessThanOrEqual(distinct.size);
      for (const provider of ctx.server.sandbox.providers) {
        expect.soft(ctx.server.sandbox.totalRequests(provider), provider).toBeLessThanOrEqual(perProvider.get(provider) ?? 0);
      }
    });

    it("answers a failing provider's tickets with per-entity nulls and UPSTREAM_UNAVAILABLE errors, the others resolve", async () => {
      const failing = 'moov';
      const ids = ctx.data.customers.flatMap((c) => c.recentTicketIds);
      const failingIds = new Set(ids.filter((id) => providerOf(id) === failing));
      expect(failingIds.size).toBeGreaterThan(0);
      ctx.server.sandbox.setFault(failing, { status: 503 });
      try {
        const { data, errors } = await ctx.gateway.execute<RecentTicketsData>(RECENT_TICKETS);
        // Not a null page: every customer and every list is there.
        expect(data?.customers).toHaveLength(ctx.data.customers.length);
        for (const [i, customer] of data!.customers.entries()) {
          expect(customer.recentTickets).toHaveLength(customer.recentTicketIds.length);
          for (const [j, ticket] of customer.recentTickets.entries()) {
            const id = customer.recentTicketIds[j]!;
            if (failingIds.has(id)) expect(ticket, `customers.${i}.recentTickets.${j}`).toBeNull();
            else expect(ticket?.id).toBe(id);
          }
        }
        expect(errors?.length).toBeGreaterThan(0);
        for (const error of errors!) {
          expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: failing.toUpperCase(), serviceName: 'ticketgraph' });
        }
        const expected = data!.customers.flatMap((customer, i) => customer.recentTicketIds.flatMap((id, j) => (failingIds.has(id) ? [['customers', i, 'recentTickets', j]] : [])));
        const paths = errors!.map((e) => e.path);
        if (options.entityErrorPaths === 'per-entity') {
          expect(paths).toEqual(expected);
        } else {
          const lists = (list: readonly (readonly (string | number)[] | undefined)[]) => [...new Set(list.map((p) => JSON.stringify(p?.slice(0, 3))))].sort();
          expect(lists(paths)).toEqual(lists(expected));
          expect(errors!.length).toBeGreaterThanOrEqual(expected.length);
        }
      } finally {
        ctx.server.sandbox.setFault(failing, null);
      }
    });
  });

  return ctx;
}
