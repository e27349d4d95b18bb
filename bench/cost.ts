import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createMetrics } from '../src/metrics.js';
import { createRegistry } from '../src/providers/registry.js';
import { createTicketgraph } from '../src/server.js';
import { parseJsonLine, startService, tsxArgs, WITHOUT_SHARED_STATE } from './lib.js';
import { FEED_QUERY, TICKET_QUERY } from './queries.js';
import type { SandboxInfo } from './sandbox-process.js';

/*
 * Issue 18: the gateway's own CPU per request, in process, for A/B comparisons of one
 * component at a time. The sandbox runs as its own process; the gateway is built here as
 * main.ts builds it (production, coalescing off, no cache) and driven through `yoga.fetch`
 * one request at a time, so `process.cpuUsage()` over the measured requests is this
 * process's work only: GraphQL, the upstream client, parsing and mapping, GC — and not
 * node:http's server side. Run the same command in two trees (before/after), alternated,
 * fresh processes each time; compare medians; a null pair (A against A) shows the noise.
 *
 *   npx tsx bench/cost.ts      COST_TICKETS (2000), COST_FEEDS (40), COST_WARMUP (300)
 * Prints one JSON line: CPU µs per ticket request and per feed request.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TICKETS = Number(process.env.COST_TICKETS ?? 2000);
const FEEDS = Number(process.env.COST_FEEDS ?? 40);
const WARMUP = Number(process.env.COST_WARMUP ?? 300);

async function main(): Promise<void> {
  const sandbox = await startService<SandboxInfo>('sandbox', process.execPath, tsxArgs('bench/sandbox-process.ts', '--tickets', '300'), {
    cwd: root,
    ready: (l) => parseJsonLine<SandboxInfo>(l),
  });
  try {
    const config = parseConfig({ ...sandbox.value.env, ...WITHOUT_SHARED_STATE, NODE_ENV: 'production', LOG_LEVEL: 'warn', UPSTREAM_COALESCE: 'off' });
    const metrics = createMetrics();
    const registry = createRegistry(config, { http: config.http, metrics });
    const yoga = createTicketgraph(config, { registry, metrics, logger: createLogger({ level: 'warn', pretty: false }) });
    const ask = async (query: string, variables: Record<string, unknown>) => {
      const response = await yoga.fetch('http://ticketgraph.bench/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: Record<string, unknown>; errors?: Array<{ message: string }> };
      if (body.errors?.length) throw new Error(body.errors[0]!.message);
      return body.data!;
    };
    const first = (await ask('{ tickets(first: 1, filter: { providers: [HOSTUP] }) { nodes { id } } }', {})) as { tickets: { nodes: Array<{ id: string }> } };
    const id = first.tickets.nodes[0]!.id;
    const measure = async (count: number, query: string, variables: Record<string, unknown>) => {
      for (let i = 0; i < Math.min(WARMUP, count); i++) await ask(query, variables);
      const before = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < count; i++) await ask(query, variables);
      const cpu = process.cpuUsage(before);
      return { cpuUs: Math.round((cpu.user + cpu.system) / count), wallUs: Math.round(((performance.now() - started) * 1000) / count) };
    };
    const ticket = await measure(TICKETS, TICKET_QUERY, { id });
    const feed = await measure(FEEDS, FEED_QUERY, { first: 50 });
    const heapMb = Math.round(process.memoryUsage().heapUsed / 1e6);
    console.log(
      JSON.stringify({
        ticketCpuUs: ticket.cpuUs,
        ticketWallUs: ticket.wallUs,
        feedCpuUs: feed.cpuUs,
        feedWallUs: feed.wallUs,
        heapMb,
        load: Math.round((os.loadavg()[0] ?? 0) * 10) / 10,
      }),
    );
    await registry.close();
  } finally {
    await sandbox.service.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('cost: failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
