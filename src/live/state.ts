import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

/**
 * What the live feed remembers: delivery ids already handled (dedupe), the newest version
 * of each ticket already announced, the pollers' watermarks and snapshots, and the
 * pollers' leases. In Redis it is shared by every replica; in process it serves one.
 */
export interface LiveState {
  /** True the first time `key` is claimed within `ttlMs` (on any replica). */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Drops a claim (its work failed and should be tried again). */
  forget(key: string): Promise<void>;
  /**
   * True when `versionMs` is newer than the last version recorded for the ticket, and
   * records it: a change seen by two sources (a write, then its webhook, then a poll) is
   * announced once.
   */
  advance(ticketId: string, versionMs: number): Promise<boolean>;
  read<T>(key: string): Promise<T | null>;
  write(key: string, value: unknown): Promise<void>;
  /** Takes the lease, or renews it when `holder` already has it. False when another holder has it. */
  lease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
}

const VERSION_TTL_MS = 7 * 24 * 3600 * 1000;
const PREFIX = 'tg:live:';

export function memoryState(): LiveState {
  const claims = new LRUCache<string, true>({ max: 100_000, ttlAutopurge: false });
  const versions = new LRUCache<string, number>({ max: 100_000 });
  const values = new Map<string, string>();
  const leases = new Map<string, { holder: string; until: number }>();
  return {
    claim: async (key, ttlMs) => {
      if (claims.has(key)) return false;
      claims.set(key, true, { ttl: ttlMs });
      return true;
    },
    forget: async (key) => {
      claims.delete(key);
    },
    advance: async (ticketId, versionMs) => {
      const seen = versions.get(ticketId);
      if (seen !== undefined && seen >= versionMs) return false;
      versions.set(ticketId, versionMs);
      return true;
    },
    read: async <T>(key: string) => {
      const text = values.get(key);
      return text === undefined ? null : (JSON.parse(text) as T);
    },
    write: async (key, value) => {
      values.set(key, JSON.stringify(value));
    },
    lease: async (name, holder, ttlMs) => {
      const now = Date.now();
      const current = leases.get(name);
      if (current && current.holder !== holder && current.until > now) return false;
      leases.set(name, { holder, until: now + ttlMs });
      return true;
    },
    release: async (name, holder) => {
      if (leases.get(name)?.holder === holder) leases.delete(name);
    },
  };
}

// Compare-and-set in one round trip each, so two replicas never both win.
const ADVANCE = `local v = redis.call('GET', KEYS[1])
if v and tonumber(v) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;
const LEASE = `local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if v then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export function redisState(redis: Redis): LiveState {
  return {
    claim: async (key, ttlMs) => (await redis.set(`${PREFIX}claim:${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK',
    forget: async (key) => {
      await redis.del(`${PREFIX}claim:${key}`);
    },
    advance: async (ticketId, versionMs) => (await redis.eval(ADVANCE, 1, `${PREFIX}version:${ticketId}`, String(versionMs), String(VERSION_TTL_MS))) === 1,
    read: async <T>(key: string) => {
      const text = await redis.get(`${PREFIX}${key}`);
      return text === null ? null : (JSON.parse(text) as T);
    },
    write: async (key, value) => {
      await redis.set(`${PREFIX}${key}`, JSON.stringify(value));
    },
    lease: async (name, holder, ttlMs) => (await redis.eval(LEASE, 1, `${PREFIX}lease:${name}`, holder, String(ttlMs))) === 1,
    release: async (name, holder) => {
      await redis.eval(RELEASE, 1, `${PREFIX}lease:${name}`, holder);
    },
  };
}
