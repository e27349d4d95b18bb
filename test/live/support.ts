import { spawn, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createAuthenticator } from '../../src/auth.js';
import { parseConfig, type Config } from '../../src/config.js';
import { createHttpServer } from '../../src/http-server.js';
import { createRegistry, type Registry } from '../../src/providers/registry.js';
import { CHANGES_TOPIC, createLiveHub, type LiveHub } from '../../src/live/hub.js';
import { startPollers, type Pollers } from '../../src/live/poller.js';
import { attachWebSocket } from '../../src/live/websocket.js';
import { createMetrics, type Metrics } from '../../src/metrics.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { createTicketgraph, type Ticketgraph } from '../../src/server.js';
import { testHttpSettings } from '../helpers/settings.js';

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export interface RedisServer {
  url: string;
  client: Redis;
  stop(): Promise<void>;
}

/** A real redis-server on a free port, without persistence; stopped by the test. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const child: ChildProcess = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url);
  return {
    url,
    client,
    stop: async () => {
      client.disconnect();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** Waits until `check` holds, re-checking on a short tick (the test's own timeout ends a wait that never ends). */
export async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Waits until `subscribers` connections listen on the changes channel in Redis. */
export async function redisSubscribers(redis: Redis, subscribers: number): Promise<void> {
  await until(async () => {
    const [, count] = (await redis.pubsub('NUMSUB', CHANGES_TOPIC)) as [string, number];
    return Number(count) >= subscribers;
  });
}

export interface Gateway {
  config: Config;
  registry: Registry;
  metrics: Metrics;
  live: LiveHub;
  pollers: Pollers;
  yoga: Ticketgraph;
  url: string;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;
  close(): Promise<void>;
}

/** One gateway replica over a shared sandbox, on a real port, with WebSocket mounted as main.ts does. */
export async function startGateway(sandbox: Sandbox, env: Record<string, string> = {}, wire?: (live: LiveHub) => void): Promise<Gateway> {
  const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
  config.http = { ...config.http, ...testHttpSettings };
  const metrics = createMetrics();
  const registry = createRegistry(config, { http: config.http, metrics, sandbox });
  const live = createLiveHub({ redisUrl: config.sharedState.redisUrl?.reveal() ?? null, metrics, log: () => {} });
  wire?.(live);
  const yoga = createTicketgraph(config, { registry, metrics, live });
  const server: Server = createHttpServer(yoga, config.server);
  const closeWs = attachWebSocket(server, yoga, createAuthenticator(config.auth), { maxPayload: config.maxBodyBytes });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pollers = startPollers({ registry, live, metrics, settings: config.live, log: () => {} });
  return {
    config,
    registry,
    metrics,
    live,
    pollers,
    yoga,
    url,
    async gql<T>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
    },
    async close() {
      await pollers.stop();
      await closeWs();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await live.close();
    },
  };
}

export interface Stream<T> {
  /** The next `next` payload, or the error that ended the stream. */
  next(): Promise<T>;
  close(): void;
}

/** A queue fed by a push source, read by tests one item at a time. */
function queue<T>(): { push(item: T): void; fail(error: unknown): void; next(): Promise<T> } {
  const items: T[] = [];
  const waiters: { resolve: (item: T) => void; reject: (error: unknown) => void }[] = [];
  let failure: { error: unknown } | null = null;
  return {
    push(item) {
      const waiter = waiters.shift();
      if (waiter) waiter.resolve(item);
      else items.push(item);
    },
    fail(error) {
      failure = { error };
      for (const waiter of waiters.splice(0)) waiter.reject(error);
    },
    next() {
      const item = items.shift();
      if (item !== undefined) return Promise.resolve(item);
      if (failure) return Promise.reject(failure.error);
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
  };
}

export interface SseOpen<T> {
  status: number;
  contentType: string | null;
  stream: Stream<T>;
}

/** GraphQL over SSE ("distinct connections" mode): POST with Accept: text/event-stream, `next` events read as they come. */
export async function sseSubscribe<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  fetchImpl: (url: string, init: RequestInit) => Promise<Response> = fetch,
): Promise<SseOpen<T>> {
  const controller = new AbortController();
  const response = await fetchImpl(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  const q = queue<T>();
  if (response.body && (response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = block
              .split('\n')
              .filter((line) => line.startsWith('data:'))
              .map((line) => line.slice(5).trimStart())
              .join('\n');
            if (event === 'next' && data) q.push(JSON.parse(data) as T);
            if (event === 'complete') q.fail(new Error('stream completed'));
          }
        }
        q.fail(new Error('stream ended'));
      } catch (error) {
        q.fail(error);
      }
    })();
  } else {
    q.fail(new Error(`not an event stream: ${response.status} ${await response.text()}`));
  }
  return { status: response.status, contentType: response.headers.get('content-type'), stream: { next: q.next, close: () => controller.abort() } };
}

/** graphql-ws client (graphql-transport-ws) on the same path. */
export function wsClient(url: string, connectionParams?: Record<string, unknown>): { client: Client; closed: Promise<{ code: number; reason: string }> } {
  let resolveClosed: (event: { code: number; reason: string }) => void = () => {};
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (resolveClosed = resolve));
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
    on: { closed: (event) => resolveClosed(event as { code: number; reason: string }) },
  });
  return { client, closed };
}

export function wsSubscribe<T>(client: Client, query: string, variables: Record<string, unknown> = {}): Stream<T> {
  const q = queue<T>();
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => q.push(value as T),
      error: (error) => q.fail(error),
      complete: () => q.fail(new Error('completed')),
    },
  );
  return { next: q.next, close: dispose };
}
