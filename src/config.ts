import { z } from 'zod';
import type { HttpSettings } from './datasources/http.js';
import { PROVIDER_KEYS, type ProviderKey } from './model/provider.js';
import { Secret } from './secret.js';

/*
 * The only file that reads process.env. Each provider is either in sandbox mode (none of
 * its credentials set) or live (credentials set; base URL defaults to the provider's
 * public API). Half a credential is an error, not a silent fallback to the sandbox.
 */

export type SpacebringAuth =
  | { kind: 'basic'; clientId: Secret; clientSecret: Secret }
  | { kind: 'oauth'; accessToken: Secret; networkId: string };
export interface SpacebringSettings {
  baseUrl: string;
  auth: SpacebringAuth;
  /** The list endpoint needs a location: the feed walks these. */
  locationRefs: string[];
}
export type MoovAuth = { kind: 'basic'; publicKey: Secret; secretKey: Secret } | { kind: 'bearer'; token: Secret };
export interface MoovSettings {
  baseUrl: string;
  auth: MoovAuth;
  accountIds: string[];
  /** Pinned X-Moov-Version. @default v2025.07.00 */
  apiVersion: string;
}
export interface HostupSettings {
  baseUrl: string;
  apiKey: Secret;
  /** v2 is the current API; v1 (the seed's) reads by number only. @default v2 */
  generation: 'v1' | 'v2';
}
export interface ZaiaSettings {
  baseUrl: string;
  apiKey: Secret;
  /** The workspace user that completes tickets (Zaia's complete needs a userId). */
  actingUserId: string | null;
}
export interface SonzaiSettings {
  baseUrl: string;
  /** A dashboard user's Clerk session JWT: the support API takes nothing else. */
  token: Secret;
}

export interface ProviderSettingsMap {
  spacebring: SpacebringSettings;
  moov: MoovSettings;
  hostup: HostupSettings;
  zaia: ZaiaSettings;
  sonzai: SonzaiSettings;
}

export type ProviderMode<K extends ProviderKey> = { mode: 'sandbox' } | { mode: 'live'; settings: ProviderSettingsMap[K] };

export interface SandboxFault {
  status?: number | undefined;
  rate?: number | undefined;
  latencyMs?: number | undefined;
  jitterMs?: number | undefined;
  hang?: boolean | undefined;
  rateLimitPerSecond?: number | undefined;
  malformed?: boolean | undefined;
  drift?: boolean | undefined;
  retryAfter?: number | undefined;
}

export interface AuthConfig {
  /** Keys a client may send (`Authorization: Bearer <key>` or `X-API-Key`). */
  apiKeys: Secret[];
  /** JWT verification: issuer, audience and a JWKS (file path or https URL). */
  jwt: { issuer: string; audience: string; jwks: string } | null;
}

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Providers served; the others answer PROVIDER_NOT_CONFIGURED. @default all five */
  enabled: ProviderKey[];
  providers: { [K in ProviderKey]: ProviderMode<K> };
  http: HttpSettings;
  /** Upstream calls in flight per provider within one GraphQL request. @default 8 */
  concurrency: number;
  /** Largest `first` of a connection. @default 100 */
  maxPageSize: number;
  /** Client authentication of the gateway; open (with a warning at start) when neither is set. */
  auth: AuthConfig;
  /** Deadline of one GraphQL operation, shared by all its upstream calls. @default 15000 */
  requestDeadlineMs: number;
  /** Whether introspection is allowed. @default true, false in production */
  introspection: boolean;
  /** Largest request body accepted. @default 1048576 */
  maxBodyBytes: number;
  breaker: {
    /** Consecutive failures that open a provider's circuit. @default 5 */
    threshold: number;
    /** How long an open circuit refuses calls before one probe. @default 10000 */
    cooldownMs: number;
  };
  persistedOperations: {
    /** Trusted documents: a JSON manifest hash → document, as graphql-codegen's client preset writes it. @default null */
    file: string | null;
    /** Run only the manifest's documents, by hash (requires `file`). @default false */
    only: boolean;
  };
  sandbox: {
    seed: number;
    /** Tickets per provider. @default 300 */
    tickets: number;
    faults: Partial<Record<ProviderKey, SandboxFault>>;
  };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const emptyToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const str = () => z.preprocess(emptyToUndefined, z.string().optional());
const url = () => z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional());
const int = (min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).optional());
const list = () =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() !== '' ? value.split(',').map((s) => s.trim()).filter(Boolean) : undefined),
    z.array(z.string()).optional(),
  );

const faultSchema = z.object({
  status: z.number().int().min(100).max(599).optional(),
  rate: z.number().min(0).max(1).optional(),
  latencyMs: z.number().min(0).max(600_000).optional(),
  jitterMs: z.number().min(0).max(600_000).optional(),
  hang: z.boolean().optional(),
  rateLimitPerSecond: z.number().min(0).optional(),
  malformed: z.boolean().optional(),
  drift: z.boolean().optional(),
  retryAfter: z.number().min(0).optional(),
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
  UPSTREAM_CONCURRENCY: int(1, 100),
  MAX_PAGE_SIZE: int(1, 1000),
  TICKETGRAPH_API_KEYS: list(),
  TICKETGRAPH_JWT_ISSUER: str(),
  TICKETGRAPH_JWT_AUDIENCE: str(),
  TICKETGRAPH_JWKS: str(),
  REQUEST_DEADLINE_MS: int(1, 600_000),
  INTROSPECTION: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).optional()),
  MAX_BODY_BYTES: int(1024, 100 * 1024 * 1024),
  BREAKER_THRESHOLD: int(1, 1000),
  BREAKER_COOLDOWN_MS: int(1, 3_600_000),
  PERSISTED_OPERATIONS_FILE: str(),
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
  SPACEBRING_BASE_URL: url(),
  SPACEBRING_CLIENT_ID: str(),
  SPACEBRING_CLIENT_SECRET: str(),
  SPACEBRING_ACCESS_TOKEN: str(),
  SPACEBRING_NETWORK_ID: str(),
  SPACEBRING_LOCATION_REFS: list(),
  MOOV_BASE_URL: url(),
  MOOV_PUBLIC_KEY: str(),
  MOOV_SECRET_KEY: str(),
  MOOV_ACCESS_TOKEN: str(),
  MOOV_ACCOUNT_IDS: list(),
  MOOV_API_VERSION: z.preprocess(emptyToUndefined, z.string().regex(/^v\d{4}\.\d{2}\.\d{2}$/, 'expected vYYYY.QQ.BB').optional()),
  HOSTUP_BASE_URL: url(),
  HOSTUP_API_KEY: str(),
  HOSTUP_API_GENERATION: z.preprocess(emptyToUndefined, z.enum(['v1', 'v2']).optional()),
  ZAIA_BASE_URL: url(),
  ZAIA_API_KEY: str(),
  ZAIA_USER_ID: str(),
  SONZAI_BASE_URL: url(),
  SONZAI_TOKEN: str(),
});
type Env = z.infer<typeof envSchema>;

const DEFAULT_BASE_URLS: Record<ProviderKey, string> = {
  spacebring: 'https://api.spacebring.com',
  moov: 'https://api.moov.io',
  hostup: 'https://cloud.hostup.se',
  zaia: 'https://api.endless.zaia.app',
  sonzai: 'https://api.sonz.ai/api/v1',
};

function fail(variable: string, reason: string): never {
  throw new ConfigError(`${variable}: ${reason}`);
}

function requireAll(provider: string, present: Record<string, unknown>): boolean {
  const set = Object.entries(present).filter(([, v]) => v !== undefined).map(([k]) => k);
  const missing = Object.entries(present).filter(([, v]) => v === undefined).map(([k]) => k);
  if (set.length > 0 && missing.length > 0) {
    fail(missing[0] as string, `required because ${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} set (${provider} live mode)`);
  }
  return set.length > 0;
}

function spacebring(env: Env): ProviderMode<'spacebring'> {
  const basic = requireAll('spacebring', { SPACEBRING_CLIENT_ID: env.SPACEBRING_CLIENT_ID, SPACEBRING_CLIENT_SECRET: env.SPACEBRING_CLIENT_SECRET });
  const oauth = requireAll('spacebring', { SPACEBRING_ACCESS_TOKEN: env.SPACEBRING_ACCESS_TOKEN, SPACEBRING_NETWORK_ID: env.SPACEBRING_NETWORK_ID });
  if (!basic && !oauth) return { mode: 'sandbox' };
  if (!env.SPACEBRING_LOCATION_REFS?.length) fail('SPACEBRING_LOCATION_REFS', 'required in live mode: the ticket list needs a location');
  // OAuth wins when both are given: it can also create and comment.
  const auth: SpacebringAuth = oauth
    ? { kind: 'oauth', accessToken: new Secret(env.SPACEBRING_ACCESS_TOKEN as string), networkId: env.SPACEBRING_NETWORK_ID as string }
    : { kind: 'basic', clientId: new Secret(env.SPACEBRING_CLIENT_ID as string), clientSecret: new Secret(env.SPACEBRING_CLIENT_SECRET as string) };
  return { mode: 'live', settings: { baseUrl: env.SPACEBRING_BASE_URL ?? DEFAULT_BASE_URLS.spacebring, auth, locationRefs: env.SPACEBRING_LOCATION_REFS } };
}

function moov(env: Env): ProviderMode<'moov'> {
  const basic = requireAll('moov', { MOOV_PUBLIC_KEY: env.MOOV_PUBLIC_KEY, MOOV_SECRET_KEY: env.MOOV_SECRET_KEY });
  const bearer = env.MOOV_ACCESS_TOKEN !== undefined;
  if (!basic && !bearer) return { mode: 'sandbox' };
  if (!env.MOOV_ACCOUNT_IDS?.length) fail('MOOV_ACCOUNT_IDS', 'required in live mode: tickets live under an account');
  const auth: MoovAuth = bearer
    ? { kind: 'bearer', token: new Secret(env.MOOV_ACCESS_TOKEN as string) }
    : { kind: 'basic', publicKey: new Secret(env.MOOV_PUBLIC_KEY as string), secretKey: new Secret(env.MOOV_SECRET_KEY as string) };
  return {
    mode: 'live',
    settings: { baseUrl: env.MOOV_BASE_URL ?? DEFAULT_BASE_URLS.moov, auth, accountIds: env.MOOV_ACCOUNT_IDS, apiVersion: env.MOOV_API_VERSION ?? MOOV_API_VERSION },
  };
}

export const MOOV_API_VERSION = 'v2025.07.00';

export function parseConfig(source: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path[0] !== undefined ? String(issue.path[0]) : 'environment';
    const detail = issue?.path.length && issue.path.length > 1 ? ` (${issue.path.slice(1).join('.')})` : '';
    fail(variable, `${issue?.message ?? 'invalid value'}${detail}`);
  }
  const env = parsed.data;
  for (const key of ['HOSTUP', 'ZAIA', 'SONZAI', 'SPACEBRING', 'MOOV'] as const) {
    const baseUrl = env[`${key}_BASE_URL`];
    if (baseUrl !== undefined) {
      const credentialSet =
        key === 'HOSTUP' ? env.HOSTUP_API_KEY : key === 'ZAIA' ? env.ZAIA_API_KEY : key === 'SONZAI' ? env.SONZAI_TOKEN
        : key === 'SPACEBRING' ? (env.SPACEBRING_CLIENT_ID ?? env.SPACEBRING_ACCESS_TOKEN) : (env.MOOV_PUBLIC_KEY ?? env.MOOV_ACCESS_TOKEN);
      if (credentialSet === undefined) fail(`${key}_BASE_URL`, `set without credentials; set the ${key.toLowerCase()} credentials too, or unset it for the sandbox`);
    }
  }
  const hostup: ProviderMode<'hostup'> = env.HOSTUP_API_KEY
    ? { mode: 'live', settings: { baseUrl: env.HOSTUP_BASE_URL ?? DEFAULT_BASE_URLS.hostup, apiKey: new Secret(env.HOSTUP_API_KEY), generation: env.HOSTUP_API_GENERATION ?? 'v2' } }
    : { mode: 'sandbox' };
  const zaia: ProviderMode<'zaia'> = env.ZAIA_API_KEY
    ? { mode: 'live', settings: { baseUrl: env.ZAIA_BASE_URL ?? DEFAULT_BASE_URLS.zaia, apiKey: new Secret(env.ZAIA_API_KEY), actingUserId: env.ZAIA_USER_ID ?? null } }
    : { mode: 'sandbox' };
  const sonzai: ProviderMode<'sonzai'> = env.SONZAI_TOKEN
    ? { mode: 'live', settings: { baseUrl: env.SONZAI_BASE_URL ?? DEFAULT_BASE_URLS.sonzai, token: new Secret(env.SONZAI_TOKEN) } }
    : { mode: 'sandbox' };
  const nodeEnv = env.NODE_ENV ?? 'development';
  const jwtParts = requireAll('client JWT auth', {
    TICKETGRAPH_JWT_ISSUER: env.TICKETGRAPH_JWT_ISSUER,
    TICKETGRAPH_JWT_AUDIENCE: env.TICKETGRAPH_JWT_AUDIENCE,
    TICKETGRAPH_JWKS: env.TICKETGRAPH_JWKS,
  });
  if (env.TICKETGRAPH_API_KEYS?.some((key) => key.length < 16)) fail('TICKETGRAPH_API_KEYS', 'each key must be at least 16 characters');
  if (env.PERSISTED_OPERATIONS_ONLY === 'true' && !env.PERSISTED_OPERATIONS_FILE) {
    fail('PERSISTED_OPERATIONS_FILE', 'required because PERSISTED_OPERATIONS_ONLY is true (the manifest of allowed operations)');
  }
  return {
    env: nodeEnv,
    port: env.PORT ?? 4000,
    host: env.HOST ?? '0.0.0.0',
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'warn' : 'info'),
    enabled: env.TICKETGRAPH_PROVIDERS ?? [...PROVIDER_KEYS],
    providers: { spacebring: spacebring(env), moov: moov(env), hostup, zaia, sonzai },
    http: {
      timeoutMs: env.UPSTREAM_TIMEOUT_MS ?? 5000,
      deadlineMs: env.UPSTREAM_DEADLINE_MS ?? 10_000,
      retryLimit: env.UPSTREAM_RETRY_LIMIT ?? 2,
      maxRetryAfterMs: env.UPSTREAM_MAX_RETRY_AFTER_MS ?? 5000,
      backoffLimitMs: env.UPSTREAM_BACKOFF_LIMIT_MS ?? 2000,
      transport: env.UPSTREAM_TRANSPORT ?? 'node-http',
      coalesce: env.UPSTREAM_COALESCE !== 'off',
    },
    concurrency: env.UPSTREAM_CONCURRENCY ?? 8,
    maxPageSize: env.MAX_PAGE_SIZE ?? 100,
    auth: {
      apiKeys: (env.TICKETGRAPH_API_KEYS ?? []).map((key) => new Secret(key)),
      jwt: jwtParts
        ? { issuer: env.TICKETGRAPH_JWT_ISSUER as string, audience: env.TICKETGRAPH_JWT_AUDIENCE as string, jwks: env.TICKETGRAPH_JWKS as string }
        : null,
    },
    requestDeadlineMs: env.REQUEST_DEADLINE_MS ?? 15_000,
    introspection: env.INTROSPECTION ? env.INTROSPECTION === 'true' : nodeEnv !== 'production',
    maxBodyBytes: env.MAX_BODY_BYTES ?? 1024 * 1024,
    breaker: { threshold: env.BREAKER_THRESHOLD ?? 5, cooldownMs: env.BREAKER_COOLDOWN_MS ?? 10_000 },
    persistedOperations: { file: env.PERSISTED_OPERATIONS_FILE ?? null, only: env.PERSISTED_OPERATIONS_ONLY === 'true' },
    sandbox: { seed: env.SANDBOX_SEED ?? 42, tickets: env.SANDBOX_TICKETS ?? 300, faults: env.SANDBOX_FAULTS ?? {} },
  };
}

/** Reads process.env; the only place that does. */
export function loadConfig(): Config {
  return parseConfig(process.env);
}
