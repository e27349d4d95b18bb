import { isUpstreamError, type UpstreamError } from './upstream/errors.js';
import type { ProviderKey } from './model/provider.js';

export type ProviderOutcome = 'OK' | 'RATE_LIMITED' | 'UNAVAILABLE' | 'AUTH_FAILED' | 'TIMEOUT' | 'BAD_RESPONSE' | 'ERROR';

export interface ProviderOutcomeEntry {
  provider: ProviderKey;
  outcome: ProviderOutcome;
  code?: string;
  retryAfter?: number;
  /** Reads of this provider in the request that went through the cache. */
  cache?: ProviderCacheReport;
}

export interface ProviderCacheReport {
  /** Every cached read of this provider was answered from cache. */
  hit: boolean;
  hits: number;
  misses: number;
  /** Age in ms of the oldest answer served from cache (0 when none was). */
  ageMs: number;
}

export function outcomeOf(error: unknown): ProviderOutcome {
  if (!isUpstreamError(error)) return 'ERROR';
  switch (error.code) {
    case 'RATE_LIMITED':
      return 'RATE_LIMITED';
    case 'UPSTREAM_UNAVAILABLE':
      return 'UNAVAILABLE';
    case 'PROVIDER_AUTH_FAILED':
      return 'AUTH_FAILED';
    case 'UPSTREAM_TIMEOUT':
      return 'TIMEOUT';
    case 'UPSTREAM_BAD_RESPONSE':
      return 'BAD_RESPONSE';
    default:
      return 'ERROR';
  }
}

/**
 * What happened to each provider during one GraphQL request. A feed that loses one
 * provider still answers with the others; the lost provider is reported here, and the
 * server adds these as errors (with path and code) and as `extensions.providers`.
 */
export class ProviderOutcomes {
  readonly #entries = new Map<ProviderKey, ProviderOutcomeEntry>();
  readonly #cache = new Map<ProviderKey, ProviderCacheReport>();
  /** Provider failures that did not fail a field by themselves (feed partial results). */
  readonly partialErrors: { error: UpstreamError; path: readonly (string | number)[] }[] = [];

  ok(provider: ProviderKey): void {
    if (!this.#entries.has(provider)) this.#entries.set(provider, { provider, outcome: 'OK' });
  }

  failed(provider: ProviderKey, error: unknown): void {
    const entry: ProviderOutcomeEntry = { provider, outcome: outcomeOf(error) };
    if (isUpstreamError(error)) {
      entry.code = error.code;
      if (error.retryAfter !== undefined) entry.retryAfter = error.retryAfter;
    }
    // A NOT_FOUND is about one key, not the provider's health.
    if (isUpstreamError(error) && (error.code === 'NOT_FOUND' || error.code === 'BAD_USER_INPUT' || error.code === 'CONFLICT')) {
      this.ok(provider);
      return;
    }
    this.#entries.set(provider, entry);
  }

  cacheRead(provider: ProviderKey, hit: boolean, ageMs: number): void {
    const report = this.#cache.get(provider) ?? { hit: false, hits: 0, misses: 0, ageMs: 0 };
    if (hit) report.hits++;
    else report.misses++;
    report.hit = report.misses === 0;
    report.ageMs = Math.max(report.ageMs, Math.round(ageMs));
    this.#cache.set(provider, report);
  }

  partial(error: UpstreamError, path: readonly (string | number)[]): void {
    this.failed(error.provider, error);
    this.partialErrors.push({ error, path });
  }

  get size(): number {
    return this.#entries.size;
  }

  list(): ProviderOutcomeEntry[] {
    return [...this.#entries.values()].map((entry) => {
      const cache = this.#cache.get(entry.provider);
      return cache ? { ...entry, cache } : entry;
    });
  }
}
