import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionResult } from 'graphql';
import { parseConfig, type Config } from '../../src/config.js';
import { createRegistry, type Registry } from '../../src/providers/registry.js';
import { createHttpServer } from '../../src/http-server.js';
import { createMetrics, type Metrics } from '../../src/metrics.js';
import type { ProviderKey } from '../../src/model/provider.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { createTicketgraph, type Ticketgraph } from '../../src/server.js';
import { testHttpSettings } from './settings.js';

export type GqlResult<T = Record<string, unknown>> = ExecutionResult<T, { providers?: { provider: string; outcome: string; code?: string; retryAfter?: number }[] }>;

export interface TestServer {
  config: Config;
  sandbox: Sandbox;
  registry: Registry;
  metrics: Metrics;
  yoga: Ticketgraph;
  /** GraphQL over yoga.fetch (no socket). */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResult<T>>;
  /**
   * Upstream calls that got an answer, per provider, from our own metrics. Exact-count
   * assertions use these: a loaded CI machine may time an attempt out and retry it, which
   * the sandbox counts twice although the datasource asked once.
   */
  answered(provider?: ProviderKey): Promise<number>;
  /** Resets the sandbox counters and our upstream metrics. */
  resetCounts(): void;
  /** Listens on port 0 on demand (for tests that need a real socket), mounted as src/main.ts mounts it. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Production-like upstream timeouts, for tests whose assertions need an answer without
 * errors (equal bodies, cache headers): with the 1 s test timeout a machine at load 20
 * turns slow answers into UPSTREAM_TIMEOUT.
 */
export const TOLERANT: Record<string, string> = { UPSTREAM_TIMEOUT_MS: '10000', UPSTREAM_DEADLINE_MS: '20000', REQUEST_DEADLINE_MS: '30000' };

/** The sandbox and the gateway in-process, on ephemeral ports, with short test timeouts. */
export async function startTestServer(options: { sandbox?: SandboxOptions; env?: Record<string, string> } = {}): Promise<TestServer> {
  // The read cache is off unless a test turns it on: most tests count the upstream calls each read makes.
  const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', CACHE_TTL_MS: '0', ...options.env });
  config.http = {
    ...testHttpSettings,
    ...config.http,
    ...(options.env?.UPSTREAM_TIMEOUT_MS
      ? {}
      : {
          timeoutMs: testHttpSettings.timeoutMs,
          deadlineMs: testHttpSettings.deadlineMs,
          maxRetryAfterMs: testHttpSettings.maxRetryAfterMs,
          backoffLimitMs: testHttpSettings.backoffLimitMs,
        }),
  };
  const sandbox = await startSandbox({ tickets: 60, ...options.sandbox });
  const metrics = createMetrics();
  const registry = createRegistry(config, { http: config.http, metrics, sandbox });
  const yoga = createTicketgraph(config, { registry, metrics });
  let server: Server | undefined;
  return {
    config,
    sandbox,
    registry,
    metrics,
    yoga,
    async gql<T>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
      const response = await yoga.fetch('http://ticketgraph.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GqlResult<T>;
    },
    async answered(provider?: ProviderKey) {
      const { values } = await metrics.upstreamRequests.get();
      return values.filter((v) => (!provider || v.labels.provider === provider) && v.labels.status !== 'timeout' && v.labels.status !== 'error').reduce((sum, v) => sum + v.value, 0);
    },
    resetCounts() {
      sandbox.resetRequests();
      metrics.upstreamRequests.reset();
    },
    async listen() {
      server = createHttpServer(yoga, config.server);
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async close() {
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
      await registry.close();
      await sandbox.close();
    },
  };
}
