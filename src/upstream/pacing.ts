import type { Metrics } from '../metrics.js';
import type { ProviderKey } from '../model/provider.js';
import { UpstreamError } from './errors.js';
import type { SharedRedis } from './redis.js';

/**
 * Calls leave evenly spaced at this share of the configured rate. Calls spaced at exactly
 * the limit arrive with varying network delay, so a provider counting per second (as the
 * sandbox does) would see one call too many in about every other second.
 */
export const PACING_HEADROOM = 0.9;

/** Longest block honoured from X-RateLimit-Reset or a 429's Retry-After. */
const MAX_BLOCK_MS = 60_000;

/**
 * GCRA (a token bucket with room for one token): `tat` is the theoretical arrival time of
 * the next call. A call is reserved the slot max(now, tat) and moves tat one interval on,
 * unless that slot is further away than the caller may wait: then nothing is reserved.
 * Redis's clock is the only one read, so replicas with skewed clocks share one schedule.
 * Returns {1, wait ms} or {0, wait ms}.
 */
const RESERVE_SCRIPT = `
local interval = tonumber(ARGV[1])
local max_wait = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(now, tat)
local wait = at - now
if wait > max_wait then return {0, math.ceil(wait)} end
redis.call('SET', KEYS[1], tostring(at + interval), 'PX', math.ceil(wait + interval) + 1000)
return {1, math.ceil(wait)}
`;

/** Pushes tat to now + ARGV[1] ms at least: the provider said to hold off until then. */
const BLOCK_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ms > tat then redis.call('SET', KEYS[1], tostring(until_ms), 'PX', math.ceil(tonumber(ARGV[1])) + 1000) end
return 1
`;

export interface Pacer {
  /**
   * Waits for the call's slot in its provider's budget (per Moov account), or throws
   * RATE_LIMITED with `retryAfter` at once when the slot is beyond `maxWaitMs`: a call
   * that would be refused is never sent. Aborts with `signal`.
   */
  take(provider: ProviderKey, path: string, operation: string, maxWaitMs: number, signal?: AbortSignal): Promise<void>;
  /** Reads X-RateLimit-Remaining/Reset and a 429's Retry-After: later calls hold off until the provider's reset. */
  observe(provider: ProviderKey, path: string, response: Response): void;
}

/** The budget a call counts against: per provider, and per account for Moov (40/s per account). */
export function bucketOf(provider: ProviderKey, path: string): string {
  if (provider === 'moov') {
    const account = /(?:^|\/)accounts\/([^/?#]+)/.exec(path)?.[1];
    if (account) return `moov:${account}`;
  }
  return provider;
}

/** Milliseconds to hold off, from the provider's rate-limit headers; undefined when it allows more. */
export function holdOffMs(response: Response, now = Date.now()): number | undefined {
  if (response.status === 429) {
    const after = response.headers.get('retry-after');
    if (after !== null) {
      const seconds = Number(after);
      if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_BLOCK_MS);
      const date = Date.parse(after);
      if (!Number.isNaN(date)) return Math.min(Math.max(0, date - now), MAX_BLOCK_MS);
    }
  }
  const remaining = response.headers.get('x-ratelimit-remaining');
  const reset = response.headers.get('x-ratelimit-reset');
  if (remaining === null || reset === null || Number(remaining) > 0) return undefined;
  // HostUp sends an ISO timestamp; others send epoch seconds or seconds from now.
  const numeric = Number(reset);
  let until: number;
  if (Number.isFinite(numeric)) until = numeric > 1e9 ? numeric * 1000 : now + numeric * 1000;
  else until = Date.parse(reset);
  if (Number.isNaN(until)) return undefined;
  return Math.min(Math.max(0, until - now), MAX_BLOCK_MS);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Rate pacing per provider at `maxRps` (0: not paced), shared by every replica through
 * Redis when it is up, in process otherwise (each replica then paces alone, at the full
 * rate: during a Redis outage two replicas may together exceed the budget).
 */
export function createPacer(options: { maxRps: Record<ProviderKey, number>; redis: SharedRedis; prefix?: string; metrics?: Metrics | undefined }): Pacer {
  const { redis, metrics } = options;
  const prefix = options.prefix ?? 'tg:pace:';
  const local = new Map<string, number>();
  const interval = (provider: ProviderKey) => {
    const rps = options.maxRps[provider];
    return rps > 0 ? 1000 / (rps * PACING_HEADROOM) : 0;
  };

  function reserveLocally(bucket: string, intervalMs: number, maxWaitMs: number): [boolean, number] {
    const now = Date.now();
    const at = Math.max(now, local.get(bucket) ?? 0);
    const wait = at - now;
    if (wait > maxWaitMs) return [false, wait];
    local.set(bucket, at + intervalMs);
    return [true, wait];
  }

  async function reserve(bucket: string, intervalMs: number, maxWaitMs: number): Promise<[boolean, number]> {
    const client = redis.client;
    if (client) {
      try {
        const [ok, wait] = (await client.eval(RESERVE_SCRIPT, 1, prefix + bucket, intervalMs, maxWaitMs)) as [number, number];
        return [ok === 1, wait];
      } catch {
        // Redis went away mid-call: pace this call locally.
      }
    }
    return reserveLocally(bucket, intervalMs, maxWaitMs);
  }

  return {
    async take(provider, path, operation, maxWaitMs, signal) {
      const intervalMs = interval(provider);
      if (intervalMs === 0) return;
      const [ok, wait] = await reserve(bucketOf(provider, path), intervalMs, maxWaitMs);
      if (!ok) {
        metrics?.pacingRefused.inc({ provider });
        const retryAfter = Math.max(1, Math.ceil(wait / 1000));
        throw new UpstreamError('RATE_LIMITED', `${provider}'s rate budget is spent for the next ${retryAfter}s; not called; retry after ${retryAfter}s`, {
          provider,
          operation,
          retryAfter,
        });
      }
      if (wait > 0) await sleep(wait, signal);
    },
    observe(provider, path, response) {
      if (interval(provider) === 0) return;
      const ms = holdOffMs(response);
      if (ms === undefined || ms <= 0) return;
      const bucket = bucketOf(provider, path);
      local.set(bucket, Math.max(local.get(bucket) ?? 0, Date.now() + ms));
      redis.client?.eval(BLOCK_SCRIPT, 1, prefix + bucket, Math.ceil(ms)).catch(() => undefined);
    },
  };
}
