import { Redis } from 'ioredis';
import type { Metrics } from '../metrics.js';

export type RedisState = 'off' | 'up' | 'down';

/**
 * The one Redis connection of a process, shared by the cache and the pacer. Redis is an
 * optimisation here, never a dependency: commands fail at once while it is away (no
 * offline queue, so a request never waits for a reconnect), callers fall back to their
 * in-process state, and ioredis reconnects by itself in the background.
 */
export interface SharedRedis {
  /** The client while connected; null while Redis is away (or not configured). */
  readonly client: Redis | null;
  state(): RedisState;
  /** Called each time the connection becomes ready again after being lost. */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}

export const NO_REDIS: SharedRedis = {
  client: null,
  state: () => 'off',
  onReconnect: () => {},
  close: async () => {},
};

export interface SharedRedisOptions {
  /** Longest wait for one command; beyond it the caller goes on without Redis. @default 250 */
  commandTimeoutMs?: number;
  metrics?: Metrics | undefined;
}

export function connectRedis(url: string, options: SharedRedisOptions = {}): SharedRedis {
  const client = new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 250,
    connectTimeout: 2000,
    // Reconnect forever, at most every 2 s: the gateway serves on meanwhile.
    retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
    // Concurrent reads in one tick share one round trip.
    enableAutoPipelining: true,
  });
  let ready = false;
  let wasReady = false;
  const listeners: (() => void)[] = [];
  const set = (up: boolean) => {
    ready = up;
    options.metrics?.redisUp.set(up ? 1 : 0);
  };
  set(false);
  client.on('ready', () => {
    set(true);
    if (wasReady) for (const listener of listeners) listener();
    wasReady = true;
  });
  client.on('close', () => set(false));
  client.on('end', () => set(false));
  // Connection errors are expected while Redis is away; the state says so, the log would not stop.
  client.on('error', () => undefined);
  return {
    get client() {
      return ready ? client : null;
    },
    state: () => (ready ? 'up' : 'down'),
    onReconnect: (listener) => listeners.push(listener),
    close: async () => {
      set(false);
      client.disconnect();
      await Promise.resolve();
    },
  };
}
