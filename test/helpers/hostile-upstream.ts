import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConfig } from '../../src/config.js';
import { createRegistry } from '../../src/providers/registry.js';
import { encodeId } from '../../src/ids.js';
import { createMetrics } from '../../src/metrics.js';
import type { ProviderKey } from '../../src/model/provider.js';
import { createTicketgraph } from '../../src/server.js';
import { testHttpSettings } from './settings.js';

/*
 * Issue 13 (part B) harness: ticketgraph on a real socket, every provider in live mode
 * against one hostile local upstream (port 0) that records what it receives and answers
 * whatever the test tells it to, plus GraphQL over real HTTP as an outsider sends it.
 */

export interface Hit {
  method: string;
  /** Path below the provider's prefix, as received (not normalised). */
  path: string;
  provider: string;
  headers: IncomingHttpHeaders;
  /** Body bytes the upstream managed to write before the client went away (streaming answers). */
  sent: number;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, hit: Hit) => void;

export interface Upstream {
  url: string;
  hits: Hit[];
  /** Answers every request; the default answers 404. */
  handle: Handler;
  /** Resolves when a request has come and its connection has closed (the client gave up or it ended). */
  closed(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startUpstream(): Promise<Upstream> {
  const hits: Hit[] = [];
  let closedCount = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  const upstream: Upstream = {
    url: '',
    hits,
    handle: (_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not found"}');
    },
    closed(count) {
      if (closedCount >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const [, provider = '', ...rest] = (req.url ?? '/').split('/');
    const hit: Hit = { method: req.method ?? '', path: `/${rest.join('/')}`, provider, headers: req.headers, sent: 0 };
    hits.push(hit);
    res.on('close', () => {
      closedCount++;
      for (const waiter of waiters.splice(0)) {
        if (closedCount >= waiter.count) waiter.resolve();
        else waiters.push(waiter);
      }
    });
    req.resume();
    req.on('end', () => upstream.handle(req, res, hit));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return upstream;
}

/** Streams `total` bytes of JSON-ish filler from one reused buffer (nothing of that size is allocated). */
export function stream(res: ServerResponse, hit: Hit, total: number, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let stopped = false;
  res.on('close', () => {
    stopped = true;
  });
  const pump = () => {
    while (!stopped && hit.sent < total) {
      hit.sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!stopped) res.end();
  };
  pump();
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** Credentials the gateway holds; none may ever reach a client. */
export const CREDENTIALS = {
  ZAIA_API_KEY: 'zaia_live_Q7n2Kd93LmX0pR4sT8vW',
  HOSTUP_API_KEY: 'hk_live_5b4a39281706f5e4d3c2b1a0',
  MOOV_PUBLIC_KEY: 'pk_live_4Qz8WmN2rT6yU1vX3cB5',
  MOOV_SECRET_KEY: 'sk_live_Jd83kQm29XzPw01LbT7v',
  SPACEBRING_ACCESS_TOKEN: 'sbt_live_09cf4f3c762e71603fe9',
  SONZAI_TOKEN: 'sonzai_live_token_2abcdef123456',
};

export const MOOV_ACCOUNT = 'acct-1';
export const SPACEBRING_LOCATION = 'loc-1';

export interface Gateway {
  url: string;
  gql(query: string, variables?: Record<string, unknown>): Promise<{ text: string; body: GqlBody }>;
  close(): Promise<void>;
}

export interface GqlBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** ticketgraph listening on port 0, every provider live against `upstream`. */
export async function startGateway(upstream: Upstream, env: Record<string, string> = {}): Promise<Gateway> {
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    BREAKER_THRESHOLD: '1000',
    UPSTREAM_COALESCE: 'off',
    ...CREDENTIALS,
    ZAIA_BASE_URL: `${upstream.url}/zaia`,
    HOSTUP_BASE_URL: `${upstream.url}/hostup`,
    HOSTUP_API_GENERATION: 'v1',
    MOOV_BASE_URL: `${upstream.url}/moov`,
    MOOV_ACCOUNT_IDS: MOOV_ACCOUNT,
    SPACEBRING_BASE_URL: `${upstream.url}/spacebring`,
    SPACEBRING_NETWORK_ID: 'net-1',
    SPACEBRING_LOCATION_REFS: SPACEBRING_LOCATION,
    SONZAI_BASE_URL: `${upstream.url}/sonzai`,
    ...env,
  });
  // Short waits (tests count requests, they never time anything), unless the test sets them.
  const timing = env.UPSTREAM_DEADLINE_MS ? {} : testHttpSettings;
  config.http = { ...config.http, ...timing };
  const metrics = createMetrics();
  const registry = createRegistry(config, { http: config.http, metrics });
  const yoga = createTicketgraph(config, { registry, metrics });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    async gql(query, variables) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      return { text, body: JSON.parse(text) as GqlBody };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const ticketId = (provider: ProviderKey, nativeId: string) => encodeId('Ticket', provider, nativeId);

export const TICKET_QUERY = 'query ($id: ID!) { ticket(id: $id) { id title } }';

/** The first error's code, or 'none'. */
export const codeOf = (body: GqlBody) => String(body.errors?.[0]?.extensions?.code ?? 'none');
