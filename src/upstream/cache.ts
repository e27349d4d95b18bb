import { createHash, randomBytes } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { LRUCache } from 'lru-cache';
import type { Metrics } from '../metrics.js';
import type { ProviderPage } from '../model/page.js';
import type { ProviderKey } from '../model/provider.js';
import type { TicketModel } from '../model/ticket.js';
import { pageTickets, readyRow } from './rows.js';
import { Coalescer } from './coalesce.js';
import { intercept, WRITE_OPERATIONS, type CallContext, type ListTicketsQuery, type TicketProvider } from './provider.js';
import { fromKyError, isUpstreamError } from './errors.js';
import type { SharedRedis } from './redis.js';

interface Entry {
  value: unknown;
  /** When the upstream read that produced the value began (ms since epoch). */
  fetchedAt: number;
  /** How long after `fetchedAt` the entry may be served at all (TTL + stale window). */
  lifeMs: number;
}

/** Version keys outlive every entry; one that expires only turns entries keyed by it into misses. */
const VERSION_LIFE_MS = 3_600_000;

/**
 * Current version tokens of `KEYS`, creating the missing ones. Tokens are random, never
 * counters: a Redis that restarts empty must not hand out a token an old entry still carries.
 */
const VERSIONS_SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local v = redis.call('GET', key)
  if not v then
    v = ARGV[1] .. i
    redis.call('SET', key, v, 'PX', ARGV[2])
  end
  out[i] = v
end
return out
`;

/** Keys tagged with this process's own versions (Redis away) never go to Redis. */
const isLocalKey = (key: string) => key.startsWith('L', key.lastIndexOf('|') + 1);

const token = () => randomBytes(9).toString('base64url');

/**
 * The two tiers of the read cache and the versions that invalidate them. Every entry's
 * key carries the versions of what it depends on (the provider's lists, or one ticket,
 * and an epoch). A write replaces those versions in Redis before it answers, so a read
 * on any replica right after it looks up new keys: no replica can serve what the write
 * changed, and no message has to reach it first. Without Redis (not configured or away)
 * the versions and entries are this process's own.
 */
export class ReadCache {
  readonly #local: LRUCache<string, Entry>;
  readonly #localVersions = new Map<string, number>();
  readonly #redis: SharedRedis;
  readonly #prefix: string;
  /** A write invalidated only local versions (Redis away): on reconnect, every replica's entries go. */
  #missedWrites = false;

  constructor(options: { maxEntries: number; redis: SharedRedis; prefix?: string }) {
    this.#local = new LRUCache<string, Entry>({ max: options.maxEntries, ttlAutopurge: false });
    this.#redis = options.redis;
    this.#prefix = options.prefix ?? 'tg:';
    this.#redis.onReconnect(() => {
      if (!this.#missedWrites) return;
      const client = this.#redis.client;
      client
        ?.set(this.#versionKey('epoch'), token(), 'PX', VERSION_LIFE_MS)
        .then(() => {
          this.#missedWrites = false;
        })
        .catch(() => undefined);
    });
  }

  #versionKey(name: string): string {
    return `${this.#prefix}v:${name}`;
  }

  /** One tag for the current versions of `names` (the epoch included). */
  async tag(names: string[]): Promise<string> {
    const all = ['epoch', ...names];
    const client = this.#redis.client;
    if (client) {
      try {
        const values = (await client.eval(VERSIONS_SCRIPT, all.length, ...all.map((n) => this.#versionKey(n)), token(), VERSION_LIFE_MS)) as string[];
        return `R${values.join('.')}`;
      } catch {
        // Redis went away: this process's versions (its entries are keyed apart, by the prefix).
      }
    }
    return `L${all.map((n) => this.#localVersions.get(n) ?? 0).join('.')}`;
  }

  /** After a write: new versions for what it touched, here and (when up) in Redis for every replica. */
  async invalidate(names: string[]): Promise<void> {
    for (const name of names) this.#localVersions.set(name, (this.#localVersions.get(name) ?? 0) + 1);
    const client = this.#redis.client;
    if (!client) {
      if (this.#redis.state() === 'down') this.#missedWrites = true;
      return;
    }
    try {
      const pipeline = client.multi();
      for (const name of names) pipeline.set(this.#versionKey(name), token(), 'PX', VERSION_LIFE_MS);
      await pipeline.exec();
    } catch {
      this.#missedWrites = true;
    }
  }

  async get(key: string): Promise<Entry | undefined> {
    const local = this.#local.get(key);
    if (local) return local;
    const client = this.#redis.client;
    if (!client || isLocalKey(key)) return undefined;
    try {
      const buffer = await client.getBuffer(this.#prefix + 'c:' + key);
      if (!buffer) return undefined;
      const entry = deserialize(buffer) as Entry;
      const left = entry.lifeMs - (Date.now() - entry.fetchedAt);
      if (left > 0) this.#local.set(key, entry, { ttl: left });
      return entry;
    } catch {
      return undefined;
    }
  }

  set(key: string, entry: Entry): void {
    this.#local.set(key, entry, { ttl: entry.lifeMs });
    const client = this.#redis.client;
    if (!client || isLocalKey(key)) return;
    // Structured clone, not JSON: models hold Dates (and `raw` may hold anything JSON does).
    client.set(this.#prefix + 'c:' + key, serialize(entry), 'PX', entry.lifeMs).catch(() => undefined);
  }

  /** Drops the in-process tier (tests; a replica that wants a cold start). */
  clearLocal(): void {
    this.#local.clear();
  }
}

export interface CacheSettings {
  /** Served from cache this long after the upstream read; 0: the provider is not cached. */
  ttlMs: number;
  /** Then served this much longer while one refresh runs. */
  staleMs: number;
  /** And this much longer still, but only when the provider fails (rate limited, down, timing out). */
  staleIfErrorMs: number;
}

/**
 * The versions a change of one ticket moves: its own (by-id reads, timeline, tags) and
 * the provider's list pages (the ticket may enter, leave or move within any of them).
 */
export function ticketVersions(provider: ProviderKey, nativeId: string): string[] {
  return [`${provider}:t:${nativeId}`, `${provider}:lists`];
}

/** Reads of one ticket depend on its version; list pages on the provider's list version. */
function dependencies(provider: ProviderKey, operation: string, subject: unknown): string[] {
  if (operation === 'listTickets') return [`${provider}:lists`];
  return [`${provider}:t:${ticketRef(subject)}`];
}

function ticketRef(subject: unknown): string {
  if (typeof subject === 'string') return subject;
  if (subject && typeof subject === 'object' && 'nativeId' in subject) return String(subject.nativeId);
  return JSON.stringify(subject);
}

function subjectKey(operation: string, subject: unknown): string {
  const text = operation === 'listTickets' ? JSON.stringify(subject as ListTicketsQuery) : ticketRef(subject);
  return text.length <= 120 && !/[|\s]/.test(text) ? text : createHash('sha1').update(text).digest('base64url');
}

/**
 * A list page is stored with every row mapped, as plain data (Redis stores a structured
 * clone, which has no functions): a page read once serves many requests, so mapping it
 * all once is cheaper than keeping the raw rows and mapping them on every hit.
 */
interface StoredPage {
  storedPage: true;
  tickets: TicketModel[];
  next: string | null;
  totalCount: number | null;
}

function toStored(value: unknown): unknown {
  if (!isPage(value)) return value;
  return { storedPage: true, tickets: pageTickets(value), next: value.next, totalCount: value.totalCount } satisfies StoredPage;
}

function fromStored(value: unknown): unknown {
  if (!(value && typeof value === 'object' && 'storedPage' in value)) return value;
  const page = value as StoredPage;
  return { rows: page.tickets.map(readyRow), next: page.next, totalCount: page.totalCount } satisfies ProviderPage;
}

const isPage = (value: unknown): value is ProviderPage => Boolean(value && typeof value === 'object' && 'rows' in value && Array.isArray(value.rows));

/**
 * The provider with its reads cached (ticket by id, list pages, timelines and tags, as
 * mapped results) and coalesced: identical reads in flight share one run, keyed with the
 * versions, so a read that starts after a write on any replica never joins one from
 * before it. Writes invalidate the ticket they touch and the provider's list pages.
 */
export function withCache(provider: TicketProvider, options: CacheSettings & { cache: ReadCache; coalesce: boolean; metrics?: Metrics | undefined }): TicketProvider {
  const { cache, metrics, ttlMs, staleMs, staleIfErrorMs } = options;
  const key = provider.key;
  const operationOf = (full: string) => full.slice(key.length + 1, full.indexOf(':', key.length + 1));
  const coalescer = new Coalescer(
    (reason, full) => fromKyError(reason, { provider: key, operation: operationOf(full), write: false }),
    (full) => metrics?.upstreamCoalesced.inc({ provider: key, operation: operationOf(full) }),
  );
  const refreshing = new Set<string>();

  const fetch = (full: string, ctx: CallContext | undefined, run: (ctx: CallContext) => Promise<unknown>): Promise<unknown> => {
    const fetchedAt = Date.now();
    const store = (value: unknown) => {
      const stored = toStored(value);
      cache.set(full, { value: stored, fetchedAt, lifeMs: ttlMs + staleMs + staleIfErrorMs });
      return fromStored(stored);
    };
    if (!options.coalesce) return run({ ...ctx }).then(store);
    return coalescer.read(full, ctx?.signal, (signal) => run({ ...ctx, signal }).then(store));
  };

  return intercept(provider, async (operation, args, call) => {
    if ((WRITE_OPERATIONS as readonly string[]).includes(operation)) {
      // createTicket touches no existing ticket; every other write names one first.
      const touched = operation === 'createTicket' ? [`${key}:lists`] : ticketVersions(key, ticketRef(args[0]));
      try {
        return await coalescer.write(() => call(args));
      } finally {
        // Also after a failed write: a timed-out one may have happened.
        await cache.invalidate(touched);
      }
    }
    const [subject, ctx] = args as [unknown, CallContext | undefined];
    const run = (c: CallContext) => call([subject, c]);
    const full = `${key}:${operation}:${subjectKey(operation, subject)}|${await cache.tag(dependencies(key, operation, subject))}`;
    if (ctx?.cache?.readThrough) {
      metrics?.cacheReads.inc({ provider: key, operation, result: 'bypass' });
      ctx.cache.report(key, false, 0);
      return fetch(full, ctx, run);
    }
    const entry = await cache.get(full);
    if (entry) {
      const age = Math.max(0, Date.now() - entry.fetchedAt);
      if (age < ttlMs + staleMs) {
        const fresh = age < ttlMs;
        metrics?.cacheReads.inc({ provider: key, operation, result: fresh ? 'hit' : 'stale' });
        ctx?.cache?.report(key, true, age);
        if (!fresh && !refreshing.has(full)) {
          refreshing.add(full);
          // Background refresh, not tied to this request: it may end before the refresh does.
          fetch(full, {}, run)
            .catch(() => undefined)
            .finally(() => refreshing.delete(full));
        }
        return fromStored(entry.value);
      }
    }
    metrics?.cacheReads.inc({ provider: key, operation, result: 'miss' });
    if (!entry) {
      ctx?.cache?.report(key, false, 0);
      return fetch(full, ctx, run);
    }
    // stale-if-error: an answer of the same versions (no write since) beats RATE_LIMITED or an outage.
    try {
      const value = await fetch(full, ctx, run);
      ctx?.cache?.report(key, false, 0);
      return value;
    } catch (error) {
      if (!isUpstreamError(error) || !error.transient) throw error;
      metrics?.cacheReads.inc({ provider: key, operation, result: 'stale-if-error' });
      ctx?.cache?.report(key, true, Date.now() - entry.fetchedAt);
      return fromStored(entry.value);
    }
  });
}
