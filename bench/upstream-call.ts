import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createMetrics } from '../src/metrics.js';
import { createRegistry } from '../src/providers/registry.js';
import { openScope, runInScope } from '../src/request-context.js';
import { createTicketgraph } from '../src/server.js';
import { rawGet, WITHOUT_SHARED_STATE } from './lib.js';
import { FEED_QUERY, TICKET_QUERY } from './queries.js';
import type { SandboxInfo } from './sandbox-process.js';

/*
 * The cost of one upstream call, in CPU time of this process only: the simulators run in
 * another process (bench/sandbox-process.ts), so what is counted here is the gateway's side
 * of each call, whatever else the machine is doing (wall time is printed too, but on a shared
 * machine only the CPU figure is worth comparing). Calls are made one at a time.
 *
 *   SANDBOX_INFO='<the sandbox's JSON line>' tsx bench/upstream-call.ts <level> [n]
 *
 * Levels, each a superset of the one before:
 *   raw       node:http GET with a keep-alive agent + JSON.parse: the floor of any client
 *   provider  HostUp getTicket through the registry (ky, transport, deadline, breaker,
 *             coalescing, zod, mapper, drift), inside a request scope as in the gateway
 *   ticket    the bench's scenario 1 through yoga.fetch (one upstream call per request)
 *   feed      the bench's scenario 2, 50 tickets, per request (about 60 upstream calls)
 * Coalescing follows UPSTREAM_COALESCE (the bench's "coalescing off" gateway sets it to off).
 * Prints one JSON line: { level, n, cpuUs, wallUs } per operation.
 */

const level = process.argv[2] ?? 'provider';
const n = Number(process.argv[3] ?? (level === 'feed' ? 40 : 2000));
const info = JSON.parse(process.env.SANDBOX_INFO ?? '') as SandboxInfo;

const config = parseConfig({
  ...info.env,
  ...WITHOUT_SHARED_STATE,
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  UPSTREAM_COALESCE: process.env.UPSTREAM_COALESCE ?? 'on',
});
const metrics = createMetrics();
const registry = createRegistry(config, { http: config.http, metrics });
const logger = createLogger({ level: 'warn', pretty: false });
const hostup = registry.get('hostup');
const first = await hostup.listTickets({ source: '', cursor: null, limit: 1, filter: {} }, {});
const ticket = first.rows[0]?.ticket();
if (!ticket) throw new Error('the sandbox has no HostUp ticket');

let op: () => Promise<unknown>;
if (level === 'raw') {
  const agent = new http.Agent({ keepAlive: true });
  const url = new URL(`${info.providers.hostup.baseUrl.replace(/\/+$/, '')}/api/v2/support/tickets/${encodeURIComponent(ticket.nativeId)}`);
  const headers = info.providers.hostup.headers;
  op = () => rawGet(agent, url, headers);
} else if (level === 'provider') {
  const scope = openScope(new Request('http://bench.test/graphql'), logger);
  op = () => runInScope(scope, () => hostup.getTicket(ticket.nativeId, { signal: new AbortController().signal }));
} else {
  const yoga = createTicketgraph(config, { registry, metrics, logger });
  const body = JSON.stringify(level === 'feed' ? { query: FEED_QUERY, variables: { first: 50 } } : { query: TICKET_QUERY, variables: { id: ticket.id } });
  op = async () => {
    const response = await yoga.fetch('http://bench.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const result = (await response.json()) as { errors?: { message: string }[] };
    if (result.errors?.length) throw new Error(result.errors[0]?.message);
    return result;
  };
}

// Warm-up: JIT, keep-alive sockets, caches of compiled schemas and documents.
for (let i = 0; i < Math.max(50, n / 4); i++) await op();
const cpu = process.cpuUsage();
const wall = performance.now();
for (let i = 0; i < n; i++) await op();
const used = process.cpuUsage(cpu);
const wallUs = ((performance.now() - wall) * 1000) / n;
console.log(JSON.stringify({ level, n, coalesce: config.http.coalesce !== false, cpuUs: Math.round(((used.user + used.system) / n) * 10) / 10, wallUs: Math.round(wallUs * 10) / 10 }));
await registry.close();
process.exit(0);
