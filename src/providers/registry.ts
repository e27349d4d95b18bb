import type { Config } from '../config.js';
import { CircuitBreaker, withBreaker, type BreakerHealth } from '../upstream/breaker.js';
import { withCoalescing } from '../upstream/coalesce.js';
import { ProviderNotConfiguredError } from '../errors.js';
import { PROVIDER_KEYS, type ProviderKey } from '../model/provider.js';
import type { ProviderDeps, TicketProvider } from '../upstream/provider.js';
import { providerModule, type ProviderSettingsMap } from './index.js';

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
}

export interface SettingsSource {
  settings<K extends ProviderKey>(key: K): ProviderSettingsMap[K];
}

export function createRegistry(config: Config, deps: ProviderDeps & { sandbox?: SettingsSource | undefined }): Registry {
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
    const guarded = withBreaker(providerModule(key).createClient(settings, deps), breaker);
    // Coalescing outside the breaker: N callers of one shared read are one call to it.
    map.set(key, deps.http.coalesce === false ? guarded : withCoalescing(guarded, deps.metrics));
  }
  return {
    providers: PROVIDER_KEYS.flatMap((key) => map.get(key) ?? []),
    get(key) {
      const provider = map.get(key);
      if (!provider) throw new ProviderNotConfiguredError(key);
      return provider;
    },
    has: (key) => map.has(key),
    status: () =>
      PROVIDER_KEYS.map((key) => ({ key, mode: modes.get(key) ?? 'sandbox', configured: map.has(key), health: breakers.get(key)?.health() ?? null })),
  };
}

/** Parent of the GraphQL ProviderInfo type. */
export interface ProviderInfoModel extends ProviderStatus {
  instance: TicketProvider | undefined;
}
