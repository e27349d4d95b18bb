import type { Metrics } from '../metrics.js';
import type { ProviderKey } from '../model/provider.js';
import { intercept, type TicketProvider } from './provider.js';
import { isUpstreamError, UpstreamError } from './errors.js';

export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export interface BreakerHealth {
  state: BreakerState;
  consecutiveFailures: number;
  /** When the circuit opened last (null if never). */
  openedAt: Date | null;
  /** Code of the last failure that counted. */
  lastErrorCode: string | null;
}

export interface BreakerSettings {
  threshold: number;
  cooldownMs: number;
}

/**
 * Per-provider circuit breaker. Failures that say the provider is down (5xx, timeouts,
 * network errors) count; answers about one ticket (404, 400, 409) and rate limiting do not
 * (429 has its own Retry-After). After `threshold` consecutive failures the circuit opens
 * and calls fail at once, without touching the provider, for `cooldownMs`; then one call
 * goes through as a probe: success closes the circuit, failure opens it again.
 */
export class CircuitBreaker {
  #state: BreakerState = 'CLOSED';
  #failures = 0;
  #openedAt: number | null = null;
  #probing = false;
  #lastErrorCode: string | null = null;

  constructor(
    readonly provider: ProviderKey,
    readonly settings: BreakerSettings,
    readonly metrics?: Metrics | undefined,
    readonly now: () => number = Date.now,
  ) {}

  health(): BreakerHealth {
    this.#refresh();
    return {
      state: this.#state,
      consecutiveFailures: this.#failures,
      openedAt: this.#openedAt === null ? null : new Date(this.#openedAt),
      lastErrorCode: this.#lastErrorCode,
    };
  }

  #refresh(): void {
    if (this.#state === 'OPEN' && this.#openedAt !== null && this.now() - this.#openedAt >= this.settings.cooldownMs) {
      this.#state = 'HALF_OPEN';
    }
  }

  #set(state: BreakerState): void {
    this.#state = state;
    this.metrics?.breakerState.set({ provider: this.provider }, state === 'CLOSED' ? 0 : 1);
  }

  async run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    this.#refresh();
    if (this.#state === 'OPEN' || (this.#state === 'HALF_OPEN' && this.#probing)) {
      throw new UpstreamError('UPSTREAM_UNAVAILABLE', `${this.provider} is unavailable (circuit open after ${this.#failures} consecutive failures; not called)`, {
        provider: this.provider,
        operation,
      });
    }
    const probe = this.#state === 'HALF_OPEN';
    if (probe) this.#probing = true;
    try {
      const result = await fn();
      this.#failures = 0;
      if (this.#state !== 'CLOSED') this.#set('CLOSED');
      return result;
    } catch (error) {
      if (counts(error)) {
        this.#failures++;
        this.#lastErrorCode = isUpstreamError(error) ? error.code : 'ERROR';
        if (probe || this.#failures >= this.settings.threshold) {
          this.#openedAt = this.now();
          this.#set('OPEN');
        }
      } else if (probe) {
        // The provider answered: it is up, whatever it said about this call.
        this.#failures = 0;
        this.#set('CLOSED');
      }
      throw error;
    } finally {
      if (probe) this.#probing = false;
    }
  }
}

function counts(error: unknown): boolean {
  if (!isUpstreamError(error)) return false;
  // A call the client aborted says nothing about the provider.
  return error.code === 'UPSTREAM_UNAVAILABLE' || (error.code === 'UPSTREAM_TIMEOUT' && !abortedByClient(error.cause));
}

/**
 * Told by the error's type, not its text: an abort of the caller's signal reaches here as
 * fetch's `AbortError` (DOMException). ky's per-attempt `TimeoutError` and the overall
 * deadline (`TimeoutError` DOMException, http.ts) are the provider being slow: they count.
 */
function abortedByClient(cause: unknown): boolean {
  return cause instanceof Error || cause instanceof DOMException ? cause.name === 'AbortError' : false;
}

/** The provider with every call going through its breaker. */
export function withBreaker(provider: TicketProvider, breaker: CircuitBreaker): TicketProvider {
  return intercept(provider, (operation, args, call) => breaker.run(operation, () => call(args)));
}
