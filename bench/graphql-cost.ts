import os from 'node:os';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createMetrics } from '../src/metrics.js';
import { PROVIDER_KEYS } from '../src/model/provider.js';
import type { Registry } from '../src/providers/registry.js';
import { createTicketgraph } from '../src/server.js';
import { fakeTicket, FakeProvider } from '../test/helpers/fake-provider.js';
import { FEED_QUERY, TICKET_QUERY } from './queries.js';

/*
 * Issue 18: the GraphQL side alone — ticketgraph's server (every plugin, the context, the
 * loaders, the resolvers, serialisation) over in-memory providers, so no upstream call,
 * parse of a payload or mapping is in the figure. CPU per request through `yoga.fetch`, one
 * request at a time. With the upstream path out, a plugin's 50 µs is a visible share of
 * the total, which it is not in bench/cost.ts. Run it in two trees, alternated, fresh
 * processes; compare medians.
 *
 *   npx tsx bench/graphql-cost.ts     GQL_TICKETS (5000), GQL_FEEDS (400)
 */

const TICKETS = Number(process.env.GQL_TICKETS ?? 5000);
const FEEDS = Number(process.env.GQL_FEEDS ?? 400);

async function main(): Promise<void> {
  const config = parseConfig({ NODE_ENV: 'production', LOG_LEVEL: 'warn', CACHE_TTL_MS: '0', UPSTREAM_COALESCE: 'off' });
  const now = Date.parse('2026-01-01T00:00:00Z');
  const person = (n: number) => ({ id: `p${n}`, nativeId: `p${n}`, name: `Person ${n}`, email: `p${n}@example.com` });
  const providers = PROVIDER_KEYS.map(
    (key, k) =>
      new FakeProvider(
        key,
        Array.from({ length: 100 }, (_, i) => fakeTicket(key, `t${i}`, now - (i * 5 + k) * 1000, { requester: person(i) as never, assignee: person(i + 1) as never })),
        'offset',
      ),
  );
  const registry = {
    providers,
    get: (key: string) => providers.find((p) => p.key === key)!,
    has: () => true,
    status: () => [],
    redisState: () => 'off',
    close: async () => undefined,
  } as unknown as Registry;
  const yoga = createTicketgraph(config, { registry, metrics: createMetrics(), logger: createLogger({ level: 'warn', pretty: false }) });
  const ask = async (query: string, variables: Record<string, unknown>) => {
    const response = await yoga.fetch('http://ticketgraph.bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { errors?: Array<{ message: string }> };
    if (body.errors?.length) throw new Error(body.errors[0]!.message);
  };
  const id = providers[2]!.tickets[0]!.id;
  const measure = async (count: number, query: string, variables: Record<string, unknown>) => {
    for (let i = 0; i < count / 5; i++) await ask(query, variables);
    const before = process.cpuUsage();
    for (let i = 0; i < count; i++) await ask(query, variables);
    const cpu = process.cpuUsage(before);
    return Math.round((cpu.user + cpu.system) / count);
  };
  const ticketCpuUs = await measure(TICKETS, TICKET_QUERY, { id });
  const feedCpuUs = await measure(FEEDS, FEED_QUERY, { first: 50 });
  console.log(JSON.stringify({ ticketCpuUs, feedCpuUs, load: Math.round((os.loadavg()[0] ?? 0) * 10) / 10 }));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('graphql-cost: failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
