import { CircuitBreaker, withBreaker, type BreakerHealth, type BreakerSettings } from '../upstream/breaker.js';
import { withCoalescing } from '../upstream/coalesce.js';
import { withDriftReport } from '../drift.js';
import { ProviderNotConfiguredError } from '../errors.js';
import { PROVIDER_KEYS, type ProviderKey } from '../model/provider.js';
import type { TicketModel } from '../model/ticket.js';
import type { ProviderDeps, TicketProvider } from '../upstream/provider.js';
import { providerModule, type ProviderModes, type ProviderSettingsMap } from './index.js';
import { ReadCache, ticketVersions, withCache } from '../upstream/cache.js';
import { createPacer } from '../upstream/pacing.js';
import { connectRedis, NO_REDIS, type RedisState, type SharedRedis } from '../upstream/redis.js';
import type { Secret } from '../secret.js';

/** Read cache and rate pacing, shared across replicas through Redis when `redisUrl` is set (src/upstream/). */
export interface SharedStateSettings {
  /** Redis for the shared cache tier and shared pacing; null: in process only. @default null */
  redisUrl: Secret | null;
  cache: {
    /** How long a provider read is served from cache, per provider; 0 turns caching off. @default 5000 */
    ttlMs: Record<ProviderKey, number>;
    /** After the TTL, how long the old value is still served while one refresh runs. @default 10000 */
    staleMs: number;
    /** Beyond that, how long the old value still answers when the provider fails (rate limited, down). @default 60000 */
    staleIfErrorMs: number;
    /** Entries of the in-process tier (LRU). @default 5000 */
    maxEntries: number;
  };
  /**
   * Calls per second each provider (each Moov account) accepts; 0 = not paced. Defaults:
   * the documented limits in live mode, none on the sandbox (which limits nothing unless told).
   */
  maxRps: Record<ProviderKey, number>;
}

/** The slice of the config the registry builds from (config.ts composes it). */
export interface RegistrySettings {
  /** Providers served; the others answer PROVIDER_NOT_CONFIGURED. */
  enabled: readonly ProviderKey[];
  providers: ProviderModes;
  breaker: BreakerSettings;
  sharedState: SharedStateSettings;
}

export interface ProviderStatus {
  key: ProviderKey;
  mode: 'sandbox' | 'live';
  configured: boolean;
  /** Circuit breaker state; null for a provider that is not configured. */
  health: BreakerHealth | null;
}

/** Process-wide: the provider clients (and their connection pools) live as long as the server. */
export interface Registry {
  /** Configured providers, in the fixed order of PROVIDER_KEYS. */
  readonly providers: readonly TicketProvider[];
  /** The provider, or PROVIDER_NOT_CONFIGURED. */
  get(key: ProviderKey): TicketProvider;
  has(key: ProviderKey): boolean;
  status(): ProviderStatus[];
  /**
   * The read cache forgets one ticket and its provider's list pages, on every replica
   * (the versions it moves live in Redis when configured). Resolves once they moved.
   */
  forgetTicket(ticket: Pick<TicketModel, 'provider' | 'nativeId'>): Promise<void>;
  /** The shared-state Redis: `off` (not configured), `up`, or `down` (serving from this process meanwhile). */
  redisState(): RedisState;
  /** Ends what the registry holds open (the Redis connection). */
  close(): Promise<void>;
}

export interface SettingsSource {
  settings<K extends ProviderKey>(key: K): ProviderSettingsMap[K];
}

export function createRegistry(config: RegistrySettings, deps: ProviderDeps & { sandbox?: SettingsSource | undefined; redis?: SharedRedis | undefined }): Registry {
  const { sharedState } = config;
  const ownRedis = !deps.redis && sharedState.redisUrl ? connectRedis(sharedState.redisUrl.reveal(), { metrics: deps.metrics }) : undefined;
  const redis = deps.redis ?? ownRedis ?? NO_REDIS;
  const cache = new ReadCache({ maxEntries: sharedState.cache.maxEntries, redis });
  // Every provider client paces its calls through one pacer (per provider, per Moov account).
  const providerDeps: ProviderDeps = { ...deps, http: { ...deps.http, pacer: createPacer({ maxRps: sharedState.maxRps, redis, metrics: deps.metrics }) } };
  const map = new Map<ProviderKey, TicketProvider>();
  const breakers = new Map<ProviderKey, CircuitBreaker>();
  const modes = new Map<ProviderKey, 'sandbox' | 'live'>();
  for (const key of PROVIDER_KEYS) {
    const mode = config.providers[key];
    modes.set(key, mode.mode);
    if (!config.enabled.includes(key)) continue;
    const settings = mode.mode === 'live' ? mode.settings : deps.sandbox?.settings(key);
    if (!settings) continue;
    const breaker = new CircuitBreaker(key, config.breaker, deps.metrics);
    breakers.set(key, breaker);
    const guarded = withBreaker(providerModule(key).createClient(settings, providerDeps), breaker);
    // Cache and coalescing outside the breaker: N callers of one shared read are one call to it.
    // The cache coalesces its misses itself, keyed with the versions that writes on any replica move.
    // Drift is reported outermost, on what callers receive (a cached answer reports no new drift).
    const ttlMs = sharedState.cache.ttlMs[key];
    const coalesce = deps.http.coalesce !== false;
    const shared =
      ttlMs > 0
        ? withCache(guarded, { cache, ttlMs, staleMs: sharedState.cache.staleMs, staleIfErrorMs: sharedState.cache.staleIfErrorMs, coalesce, metrics: deps.metrics })
        : coalesce
          ? withCoalescing(guarded, deps.metrics)
          : guarded;
    map.set(key, withDriftReport(shared, deps.metrics));
  }
  return {
    providers: PROVIDER_KEYS.flatMap((key) => map.get(key) ?? []),
    get(key) {
      const provider = map.get(key);
      if (!provider) throw new ProviderNotConfiguredError(key);
      return provider;
    },
    has: (key) => map.has(key),
    status: () => PROVIDER_KEYS.map((key) => ({ key, mode: modes.get(key) ?? 'sandbox', configured: map.has(key), health: breakers.get(key)?.health() ?? null })),
    forgetTicket: async (ticket) => {
      if (map.has(ticket.provider) && sharedState.cache.ttlMs[ticket.provider] > 0) await cache.invalidate(ticketVersions(ticket.provider, ticket.nativeId));
    },
    redisState: () => redis.state(),
    close: async () => {
      await ownRedis?.close();
    },
  };
}

/** Parent of the GraphQL ProviderInfo type. */
export interface ProviderInfoModel extends ProviderStatus {
  instance: TicketProvider | undefined;
}
