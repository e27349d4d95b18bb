import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_MAX_BODY_BYTES, type HttpSettings } from './upstream/http.js';
import { emptyToUndefined, fail, int, list, parseEnv, requireAll, str, url, type EnvSource } from './env.js';
import { PROVIDER_KEYS, type ProviderKey } from './model/provider.js';
import { providerModule, type ProviderModes } from './providers/index.js';
import type { SharedStateSettings } from './providers/registry.js';
import type { SandboxFault } from './simkit/server.js';
import { Secret } from './secret.js';
import type { AuthSettings } from './auth.js';
import type { ServerSettings } from './http-server.js';
import type { PollSettings } from './live/poller.js';
import type { LogLevel } from './logger.js';
import type { TracingSettings } from './telemetry.js';
import type { CorsSettings } from './use-cors.js';

export { ConfigError } from './env.js';

/*
 * The only file that reads process.env. Each provider is either in sandbox mode (none of
 * its credentials set) or live (credentials set; base URL defaults to the provider's
 * public API). Half a credential is an error, not a silent fallback to the sandbox.
 * Each provider's variables, settings type and default URL live in its settings.ts, read
 * through the provider table; this file reads the gateway's own and hands each provider the env.
 */

export interface LiveSettings extends PollSettings {
  /** Moov webhook verification; null: `POST /webhooks/moov` answers 404. On the sandbox, a secret made up at start. */
  moovWebhook: {
    secret: Secret;
    /** Oldest X-Timestamp accepted (and furthest in the future). @default 300000 */
    toleranceMs: number;
  } | null;
}

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  logLevel: LogLevel;
  /** Providers served; the others answer PROVIDER_NOT_CONFIGURED. @default all five */
  enabled: ProviderKey[];
  providers: ProviderModes;
  http: HttpSettings;
  /** Upstream calls in flight per provider within one GraphQL request. @default 8 */
  concurrency: number;
  /** Largest `first` of a connection. @default 100 */
  maxPageSize: number;
  /** Highest query cost accepted (list items a query can return, see use-cost-limit.ts). @default 20000 */
  maxQueryCost: number;
  /** Client authentication of the gateway; open (with a warning at start) when neither is set. */
  auth: AuthSettings;
  /** Deadline of one GraphQL operation, shared by all its upstream calls. @default 15000 */
  requestDeadlineMs: number;
  /** Whether introspection is allowed. @default true, false in production */
  introspection: boolean;
  /** Largest request body accepted. @default 1048576 */
  maxBodyBytes: number;
  /** Representations one request may pass to `_entities` (all its `_entities` fields together). @default 500 */
  maxEntityRepresentations: number;
  /** Serve GraphiQL on GET /graphql (text/html). @default true, false in production */
  graphiql: boolean;
  cors: CorsSettings;
  /**
   * Serve /metrics on this port only (not on the main port). Null: /metrics on the main port,
   * behind client authentication when that is configured. @default null
   */
  metricsPort: number | null;
  /**
   * Key material of feed cursors (AES-256-GCM). Null: derived from the provider configuration,
   * so replicas must share CURSOR_SECRET or the same provider settings. @default null
   */
  cursorSecret: Secret | null;
  server: ServerSettings;
  breaker: {
    /** Consecutive failures that open a provider's circuit. @default 5 */
    threshold: number;
    /** How long an open circuit refuses calls before one probe. @default 10000 */
    cooldownMs: number;
  };
  /** Read cache and rate pacing, shared across replicas through Redis when `redisUrl` is set (src/upstream/). */
  sharedState: SharedStateSettings;
  /** OpenTelemetry tracing (telemetry.ts): off unless an exporter is chosen by the standard OTEL_* variables. */
  otel: TracingSettings;
  /** Longest wait for in-flight requests after SIGTERM before the process exits anyway. @default 10000 */
  shutdownGraceMs: number;
  /** Live changes: polling and webhooks behind `Subscription.ticketChanged`. */
  live: LiveSettings;
  persistedOperations: {
    /** Trusted documents: a JSON manifest hash → document, as graphql-codegen's client preset (or Apollo's manifest generator) writes it. @default null */
    file: string | null;
    /** The same manifest in a Redis string key (on `sharedState.redisUrl`), read again every `reloadMs`. @default null */
    redisKey: string | null;
    /** How often the Redis key is read again. @default 10000 */
    reloadMs: number;
    /** Run only the manifest's documents, by hash (requires `file` or `redisKey`). @default false */
    only: boolean;
  };
  sandbox: {
    seed: number;
    /** Tickets per provider. @default 300 */
    tickets: number;
    faults: Partial<Record<ProviderKey, SandboxFault>>;
  };
}

/** Documented rate limits (shared/providers.md); HostUp, Zaia and Sonzai publish none: named guesses. */
export const DOCUMENTED_RPS: Record<ProviderKey, number> = {
  spacebring: 10,
  moov: 40,
  hostup: 10,
  zaia: 10,
  sonzai: 10,
};

type ProviderVariable<S extends string> = `${Uppercase<ProviderKey>}_${S}`;
/** `SPACEBRING_<suffix>` … `SONZAI_<suffix>`, one schema each: tunables every provider has. */
function perProvider<S extends string, T extends z.ZodType>(suffix: S, schema: () => T): Record<ProviderVariable<S>, T> {
  return Object.fromEntries(PROVIDER_KEYS.map((key) => [`${key.toUpperCase()}_${suffix}`, schema()])) as Record<ProviderVariable<S>, T>;
}

const faultSchema = z.object({
  status: z.number().int().min(100).max(599).optional(),
  rate: z.number().min(0).max(1).optional(),
  latencyMs: z.number().min(0).max(600_000).optional(),
  jitterMs: z.number().min(0).max(600_000).optional(),
  hang: z.boolean().optional(),
  rateLimitPerSecond: z.number().min(0).optional(),
  malformed: z.boolean().optional(),
  drift: z.boolean().optional(),
  softDrift: z.boolean().optional(),
  retryAfter: z.number().min(0).optional(),
  operations: z.array(z.string()).optional(),
});

const envSchema = z.object({
  NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'production', 'test']).optional()),
  PORT: int(0, 65535),
  HOST: str(),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['debug', 'info', 'warn', 'error', 'silent']).optional()),
  TICKETGRAPH_PROVIDERS: list().pipe(z.array(z.enum(PROVIDER_KEYS)).optional()),
  UPSTREAM_TIMEOUT_MS: int(1, 600_000),
  UPSTREAM_DEADLINE_MS: int(1, 600_000),
  UPSTREAM_RETRY_LIMIT: int(0, 10),
  UPSTREAM_MAX_RETRY_AFTER_MS: int(0, 600_000),
  UPSTREAM_BACKOFF_LIMIT_MS: int(0, 600_000),
  UPSTREAM_TRANSPORT: z.preprocess(emptyToUndefined, z.enum(['node-http', 'fetch']).optional()),
  UPSTREAM_COALESCE: z.preprocess(emptyToUndefined, z.enum(['on', 'off']).optional()),
  REDIS_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^rediss?$/ }).optional()),
  CACHE_TTL_MS: int(0, 86_400_000),
  CACHE_STALE_MS: int(0, 86_400_000),
  CACHE_STALE_IF_ERROR_MS: int(0, 86_400_000),
  CACHE_MAX_ENTRIES: int(1, 10_000_000),
  ...perProvider('CACHE_TTL_MS', () => int(0, 86_400_000)),
  ...perProvider('MAX_RPS', () => z.preprocess(emptyToUndefined, z.coerce.number().min(0).max(100_000).optional())),
  UPSTREAM_MAX_BODY_BYTES: int(1024, 1024 * 1024 * 1024),
  UPSTREAM_CONCURRENCY: int(1, 100),
  MAX_PAGE_SIZE: int(1, 1000),
  MAX_QUERY_COST: int(1, 10_000_000),
  TICKETGRAPH_API_KEYS: list(),
  TICKETGRAPH_JWT_ISSUER: str(),
  TICKETGRAPH_JWT_AUDIENCE: str(),
  TICKETGRAPH_JWKS: str(),
  TICKETGRAPH_JWT_MAX_AGE: int(1, 31 * 24 * 3600),
  CORS_ORIGINS: list(),
  CORS_MAX_AGE: int(0, 86_400),
  METRICS_PORT: int(1, 65535),
  CURSOR_SECRET: str(),
  MAX_ENTITY_REPRESENTATIONS: int(1, 10_000),
  GRAPHIQL: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).optional()),
  SERVER_REQUEST_TIMEOUT_MS: int(1000, 600_000),
  SERVER_HEADERS_TIMEOUT_MS: int(1000, 600_000),
  REQUEST_DEADLINE_MS: int(1, 600_000),
  INTROSPECTION: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).optional()),
  MAX_BODY_BYTES: int(1024, 100 * 1024 * 1024),
  BREAKER_THRESHOLD: int(1, 1000),
  BREAKER_COOLDOWN_MS: int(1, 3_600_000),
  SHUTDOWN_GRACE_MS: int(0, 600_000),
  OTEL_SDK_DISABLED: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).optional()),
  OTEL_TRACES_EXPORTER: z.preprocess(emptyToUndefined, z.enum(['otlp', 'console', 'none']).optional()),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url(),
  OTEL_SERVICE_NAME: str(),
  PERSISTED_OPERATIONS_FILE: str(),
  PERSISTED_OPERATIONS_REDIS_KEY: str(),
  PERSISTED_OPERATIONS_RELOAD_MS: int(100, 3_600_000),
  PERSISTED_OPERATIONS_ONLY: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).optional()),
  SANDBOX_SEED: int(0, 2 ** 31 - 1),
  SANDBOX_TICKETS: int(0, 100_000),
  SANDBOX_FAULTS: z.preprocess(
    (value) => {
      if (typeof value !== 'string' || value.trim() === '') return undefined;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return '(not JSON)';
      }
    },
    z.partialRecord(z.enum(PROVIDER_KEYS), faultSchema).optional(),
  ),
  CHANGES_POLL_MS: int(0, 86_400_000),
  CHANGES_POLL_MS_SPACEBRING: int(0, 86_400_000),
  CHANGES_POLL_MS_MOOV: int(0, 86_400_000),
  CHANGES_POLL_MS_HOSTUP: int(0, 86_400_000),
  CHANGES_POLL_MS_ZAIA: int(0, 86_400_000),
  CHANGES_POLL_MS_SONZAI: int(0, 86_400_000),
  CHANGES_LEASE_MS: int(500, 3_600_000),
  MOOV_WEBHOOK_SECRET: str(),
  MOOV_WEBHOOK_TOLERANCE_MS: int(1000, 86_400_000),
});
type Env = z.infer<typeof envSchema>;

function live(env: Env, providers: Config['providers'], enabled: ProviderKey[]): LiveSettings {
  // On the sandbox, Moov's simulator delivers webhooks as Moov does (main.ts registers this
  // gateway with it): the secret is made up here, before the poll intervals are decided, so a
  // sandboxed Moov is watched by its webhook alone, as a live one with MOOV_WEBHOOK_SECRET is.
  const sandboxedMoov = enabled.includes('moov') && providers.moov.mode === 'sandbox';
  const secret = env.MOOV_WEBHOOK_SECRET ?? (sandboxedMoov ? randomBytes(32).toString('hex') : undefined);
  const moovWebhook = secret ? { secret: new Secret(secret), toleranceMs: env.MOOV_WEBHOOK_TOLERANCE_MS ?? 300_000 } : null;
  const pollMs = {} as Record<ProviderKey, number>;
  for (const key of PROVIDER_KEYS) {
    const own = env[`CHANGES_POLL_MS_${key.toUpperCase() as Uppercase<ProviderKey>}`];
    // Moov pushes its changes when its webhooks are set up: polling it too would only spend its
    // rate budget, so only its own variable turns that polling on, not the interval of all.
    if (key === 'moov' && moovWebhook) pollMs[key] = own ?? 0;
    else pollMs[key] = own ?? env.CHANGES_POLL_MS ?? (providers[key].mode === 'sandbox' ? 5000 : 30_000);
  }
  const longest = Math.max(...Object.values(pollMs));
  return { pollMs, leaseMs: env.CHANGES_LEASE_MS ?? Math.max(3 * longest, 3000), moovWebhook };
}

function corsSettings(origins: string[] | undefined, maxAgeSeconds: number): CorsSettings {
  if (!origins) return { mode: 'off', maxAgeSeconds };
  if (origins.includes('*')) {
    if (origins.length > 1) fail('CORS_ORIGINS', '"*" cannot be combined with origins');
    return { mode: 'any', maxAgeSeconds };
  }
  for (const origin of origins) {
    // An origin is scheme://host[:port] exactly as browsers send it; "null" (sandboxed frames,
    // file: pages) is never an origin to trust.
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      fail('CORS_ORIGINS', `"${origin.slice(0, 80)}" is not an origin (scheme://host[:port], no path or trailing slash)`);
    }
  }
  return { mode: 'list', origins, maxAgeSeconds };
}

function sharedState(env: Env, providers: Config['providers']): SharedStateSettings {
  const byProvider = (pick: (key: ProviderKey) => number): Record<ProviderKey, number> =>
    Object.fromEntries(PROVIDER_KEYS.map((key) => [key, pick(key)])) as Record<ProviderKey, number>;
  const upper = (key: ProviderKey) => key.toUpperCase() as Uppercase<ProviderKey>;
  // 5 s: a dashboard polling every few seconds reads each page about once per TTL, and a
  // change made outside ticketgraph (in the provider's own UI) shows within 5 s (15 s while
  // stale values are served); writes made through ticketgraph invalidate at once.
  const ttl = env.CACHE_TTL_MS ?? 5000;
  return {
    redisUrl: env.REDIS_URL ? new Secret(env.REDIS_URL) : null,
    cache: {
      ttlMs: byProvider((key) => env[`${upper(key)}_CACHE_TTL_MS`] ?? ttl),
      staleMs: env.CACHE_STALE_MS ?? 10_000,
      staleIfErrorMs: env.CACHE_STALE_IF_ERROR_MS ?? 60_000,
      maxEntries: env.CACHE_MAX_ENTRIES ?? 5000,
    },
    maxRps: byProvider((key) => env[`${upper(key)}_MAX_RPS`] ?? (providers[key].mode === 'live' ? DOCUMENTED_RPS[key] : 0)),
  };
}

export function parseConfig(source: EnvSource): Config {
  const env = parseEnv(envSchema, source);
  // Each provider reads its own section, in the fixed order of PROVIDER_KEYS.
  const providers = Object.fromEntries(PROVIDER_KEYS.map((key) => [key, providerModule(key).readSettings(source)])) as Config['providers'];
  const nodeEnv = env.NODE_ENV ?? 'development';
  const jwtParts = requireAll('client JWT auth', {
    TICKETGRAPH_JWT_ISSUER: env.TICKETGRAPH_JWT_ISSUER,
    TICKETGRAPH_JWT_AUDIENCE: env.TICKETGRAPH_JWT_AUDIENCE,
    TICKETGRAPH_JWKS: env.TICKETGRAPH_JWKS,
  });
  if (env.TICKETGRAPH_API_KEYS?.some((key) => key.length < 16)) fail('TICKETGRAPH_API_KEYS', 'each key must be at least 16 characters');
  if (env.PERSISTED_OPERATIONS_ONLY === 'true' && !env.PERSISTED_OPERATIONS_FILE && !env.PERSISTED_OPERATIONS_REDIS_KEY) {
    fail('PERSISTED_OPERATIONS_FILE', 'required because PERSISTED_OPERATIONS_ONLY is true (the manifest of allowed operations), or PERSISTED_OPERATIONS_REDIS_KEY');
  }
  if (env.PERSISTED_OPERATIONS_REDIS_KEY && env.PERSISTED_OPERATIONS_FILE)
    fail('PERSISTED_OPERATIONS_REDIS_KEY', 'set together with PERSISTED_OPERATIONS_FILE; the manifest comes from one of them');
  if (env.PERSISTED_OPERATIONS_REDIS_KEY && !env.REDIS_URL) fail('PERSISTED_OPERATIONS_REDIS_KEY', 'requires REDIS_URL (the Redis holding the manifest)');
  if (env.TICKETGRAPH_JWT_MAX_AGE !== undefined && !jwtParts) fail('TICKETGRAPH_JWT_MAX_AGE', 'set without TICKETGRAPH_JWT_ISSUER, TICKETGRAPH_JWT_AUDIENCE and TICKETGRAPH_JWKS');
  const requestTimeoutMs = env.SERVER_REQUEST_TIMEOUT_MS ?? 30_000;
  const headersTimeoutMs = env.SERVER_HEADERS_TIMEOUT_MS ?? Math.min(10_000, requestTimeoutMs);
  // Node refuses a headers timeout longer than the request timeout.
  if (headersTimeoutMs > requestTimeoutMs) fail('SERVER_HEADERS_TIMEOUT_MS', `must not exceed SERVER_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`);
  const port = env.PORT ?? 4000;
  const enabled = env.TICKETGRAPH_PROVIDERS ?? [...PROVIDER_KEYS];
  if (env.METRICS_PORT !== undefined && env.METRICS_PORT === port) fail('METRICS_PORT', 'must differ from PORT');
  if (env.CURSOR_SECRET !== undefined && env.CURSOR_SECRET.length < 32) fail('CURSOR_SECRET', 'must be at least 32 characters');
  return {
    env: nodeEnv,
    port,
    host: env.HOST ?? '0.0.0.0',
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'warn' : 'info'),
    enabled,
    providers,
    http: {
      timeoutMs: env.UPSTREAM_TIMEOUT_MS ?? 5000,
      deadlineMs: env.UPSTREAM_DEADLINE_MS ?? 10_000,
      retryLimit: env.UPSTREAM_RETRY_LIMIT ?? 2,
      maxRetryAfterMs: env.UPSTREAM_MAX_RETRY_AFTER_MS ?? 5000,
      backoffLimitMs: env.UPSTREAM_BACKOFF_LIMIT_MS ?? 2000,
      transport: env.UPSTREAM_TRANSPORT ?? 'node-http',
      coalesce: env.UPSTREAM_COALESCE !== 'off',
      maxBodyBytes: env.UPSTREAM_MAX_BODY_BYTES ?? DEFAULT_MAX_BODY_BYTES,
    },
    concurrency: env.UPSTREAM_CONCURRENCY ?? 8,
    maxPageSize: env.MAX_PAGE_SIZE ?? 100,
    maxQueryCost: env.MAX_QUERY_COST ?? 20_000,
    auth: {
      apiKeys: (env.TICKETGRAPH_API_KEYS ?? []).map((key) => new Secret(key)),
      jwt: jwtParts
        ? {
            issuer: env.TICKETGRAPH_JWT_ISSUER as string,
            audience: env.TICKETGRAPH_JWT_AUDIENCE as string,
            jwks: env.TICKETGRAPH_JWKS as string,
            maxAgeSeconds: env.TICKETGRAPH_JWT_MAX_AGE ?? null,
          }
        : null,
    },
    requestDeadlineMs: env.REQUEST_DEADLINE_MS ?? 15_000,
    introspection: env.INTROSPECTION ? env.INTROSPECTION === 'true' : nodeEnv !== 'production',
    maxBodyBytes: env.MAX_BODY_BYTES ?? 1024 * 1024,
    maxEntityRepresentations: env.MAX_ENTITY_REPRESENTATIONS ?? 500,
    graphiql: env.GRAPHIQL ? env.GRAPHIQL === 'true' : nodeEnv !== 'production',
    cors: corsSettings(env.CORS_ORIGINS, env.CORS_MAX_AGE ?? 600),
    metricsPort: env.METRICS_PORT ?? null,
    cursorSecret: env.CURSOR_SECRET === undefined ? null : new Secret(env.CURSOR_SECRET),
    server: { requestTimeoutMs, headersTimeoutMs },
    breaker: { threshold: env.BREAKER_THRESHOLD ?? 5, cooldownMs: env.BREAKER_COOLDOWN_MS ?? 10_000 },
    sharedState: sharedState(env, providers),
    otel: {
      // Off when nothing asks for it: the spec's default exporter (otlp) would send to localhost.
      exporter:
        env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none'
          ? null
          : (env.OTEL_TRACES_EXPORTER ?? ((env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ? 'otlp' : null)),
      url:
        env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
        (env.OTEL_EXPORTER_OTLP_ENDPOINT ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` : 'http://localhost:4318/v1/traces'),
      serviceName: env.OTEL_SERVICE_NAME ?? 'ticketgraph',
    },
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS ?? 10_000,
    live: live(env, providers, enabled),
    persistedOperations: {
      file: env.PERSISTED_OPERATIONS_FILE ?? null,
      redisKey: env.PERSISTED_OPERATIONS_REDIS_KEY ?? null,
      reloadMs: env.PERSISTED_OPERATIONS_RELOAD_MS ?? 10_000,
      only: env.PERSISTED_OPERATIONS_ONLY === 'true',
    },
    sandbox: { seed: env.SANDBOX_SEED ?? 42, tickets: env.SANDBOX_TICKETS ?? 300, faults: env.SANDBOX_FAULTS ?? {} },
  };
}

/** Reads process.env; the only place that does. */
export function loadConfig(): Config {
  return parseConfig(process.env);
}
