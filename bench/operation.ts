import http from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rawGet, WITHOUT_SHARED_STATE } from './lib.js';
import { FEED_QUERY, TICKET_QUERY } from './queries.js';
import type { SandboxInfo } from './sandbox-process.js';

/*
 * One measured operation of a checkout, built from that checkout's own src/ (imported by
 * path, so two checkouts can run side by side in one process: bench/paired-ab.ts). Levels,
 * each a superset of the one before:
 *   raw       node:http GET with a keep-alive agent + JSON.parse: the floor of any client
 *   provider  HostUp getTicket through the registry (ky, transport, deadline, breaker,
 *             coalescing, zod, mapper, drift), inside a request scope as in the gateway
 *   ticket    the bench's scenario 1 through yoga.fetch (one upstream call per request)
 *   feed      the bench's scenario 2, 50 tickets, per request (about 60 upstream calls)
 * Coalescing follows UPSTREAM_COALESCE (the bench's "coalescing off" gateway sets it to off).
 */

export type Level = 'raw' | 'provider' | 'ticket' | 'feed';
export const LEVELS: readonly Level[] = ['raw', 'provider', 'ticket', 'feed'];

export interface Operation {
  run: () => Promise<unknown>;
  close: () => Promise<void>;
}

// The checkout's modules, typed by what is used here (older checkouts keep these shapes).
interface CheckoutModules {
  config: typeof import('../src/config.js');
  logger: typeof import('../src/logger.js');
  metrics: typeof import('../src/metrics.js');
  registry: typeof import('../src/providers/registry.js');
  scope: typeof import('../src/request-context.js');
  server: typeof import('../src/server.js');
}

async function importCheckout(dir: string): Promise<CheckoutModules> {
  const load = <T>(path: string) => import(pathToFileURL(join(dir, 'src', path)).href) as Promise<T>;
  return {
    config: await load('config.ts'),
    logger: await load('logger.ts'),
    metrics: await load('metrics.ts'),
    registry: await load('providers/registry.ts'),
    scope: await load('request-context.ts'),
    server: await load('server.ts'),
  };
}

export async function createOperation(dir: string, level: Level, info: SandboxInfo): Promise<Operation> {
  const m = await importCheckout(dir);
  const config = m.config.parseConfig({
    ...info.env,
    ...WITHOUT_SHARED_STATE,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    UPSTREAM_COALESCE: process.env.UPSTREAM_COALESCE ?? 'on',
  });
  const metrics = m.metrics.createMetrics();
  const registry = m.registry.createRegistry(config, { http: config.http, metrics });
  const logger = m.logger.createLogger({ level: 'warn', pretty: false });
  const hostup = registry.get('hostup');
  const first = await hostup.listTickets({ source: '', cursor: null, limit: 1, filter: {} }, {});
  const ticket = first.rows[0]?.ticket();
  if (!ticket) throw new Error('the sandbox has no HostUp ticket');
  const close = () => registry.close();

  if (level === 'raw') {
    const agent = new http.Agent({ keepAlive: true });
    const url = new URL(`${info.providers.hostup.baseUrl.replace(/\/+$/, '')}/api/v2/support/tickets/${encodeURIComponent(ticket.nativeId)}`);
    const headers = info.providers.hostup.headers;
    return { run: () => rawGet(agent, url, headers), close };
  }
  if (level === 'provider') {
    const scope = m.scope.openScope(new Request('http://bench.test/graphql'), logger);
    return { run: () => m.scope.runInScope(scope, () => hostup.getTicket(ticket.nativeId, { signal: new AbortController().signal })), close };
  }
  const yoga = m.server.createTicketgraph(config, { registry, metrics, logger });
  const body = JSON.stringify(level === 'feed' ? { query: FEED_QUERY, variables: { first: 50 } } : { query: TICKET_QUERY, variables: { id: ticket.id } });
  const run = async () => {
    const response = await yoga.fetch('http://bench.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const result = (await response.json()) as { errors?: { message: string }[] };
    if (result.errors?.length) throw new Error(result.errors[0]?.message);
    return result;
  };
  return { run, close };
}
