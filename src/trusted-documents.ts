import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from './logger.js';
import type { Readiness } from './readiness.js';
import type { Secret } from './secret.js';

/*
 * Trusted documents (issue 15): the manifest of operations a client build was compiled with,
 * read from a file at start or from a Redis key that a client deploy rewrites.
 */

/** graphql-codegen's client preset (`persistedDocuments: true` → persisted-documents.json): hash → document. */
const codegenManifestSchema = z.record(z.string().min(1), z.string().min(1));

/** `@apollo/generate-persisted-query-manifest` (persisted-query-manifest.json); `id` is what Apollo Client sends as the hash. */
const apolloManifestSchema = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(z.object({ id: z.string().min(1), body: z.string().min(1) })),
});

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** Parses a manifest in either client format; `source` names it in the error. */
export function parseManifest(text: string, source: string): ReadonlyMap<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ManifestError(`${source} is not JSON`);
  }
  // Apollo's format is recognised by its `format` field; anything else must be codegen's plain object.
  if (typeof json === 'object' && json !== null && 'format' in json) {
    const apollo = apolloManifestSchema.safeParse(json);
    if (!apollo.success) throw new ManifestError(`${source} is not an Apollo persisted-query manifest (${apollo.error.issues[0]?.message ?? 'invalid'})`);
    // Hashes are compared in lower case, as the persisted-documents plugin looks them up.
    return new Map(apollo.data.operations.map((operation) => [operation.id.toLowerCase(), operation.body]));
  }
  const codegen = codegenManifestSchema.safeParse(json);
  if (!codegen.success) throw new ManifestError(`${source} is not a hash → document object (${codegen.error.issues[0]?.message ?? 'invalid'})`);
  return new Map(Object.entries(codegen.data).map(([hash, document]) => [hash.toLowerCase(), document]));
}

export function loadManifest(path: string): ReadonlyMap<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ManifestError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  return parseManifest(text, path);
}

/** The trusted documents the persisted-documents plugin looks hashes up in. */
export interface TrustedDocuments {
  /** The document listed under a (lower-case) hash. */
  get(hash: string): string | undefined;
  /** Reads the source again now (a Redis key; a file is read once, at start). */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

const NO_DOCUMENTS: TrustedDocuments = { get: () => undefined, refresh: async () => {}, close: async () => {} };

function fromMap(documents: ReadonlyMap<string, string>): TrustedDocuments {
  return { get: (hash) => documents.get(hash), refresh: async () => {}, close: async () => {} };
}

export interface RedisManifestOptions {
  url: string;
  key: string;
  /** How often the key is read again. */
  reloadMs: number;
  logger?: Logger | undefined;
  /** Told once the first manifest is in (`onLoaded`), so a replica that must enforce it is not ready before. */
  onLoaded?: (() => void) | undefined;
}

/**
 * A manifest kept in a Redis string key, read again every `reloadMs` and at each (re)connect,
 * so a client deploy that writes a new manifest needs no gateway restart.
 *
 * Re-read rather than notified: keyspace notifications are off by default and managed Redis
 * services (ElastiCache, Memorystore) often refuse the CONFIG SET that turns them on, and a
 * pub/sub message is lost by a replica that is reconnecting at that moment; a re-read needs
 * nothing from the deploy but the SET and catches up after any outage. It costs one GET of
 * the manifest per interval per replica; the manifest is parsed only when its text changed.
 *
 * A failed read (Redis away, key missing, bad JSON) keeps the manifest last read: dropping it
 * would refuse every operation of an enforcing replica because of a typo in a deploy script.
 * Each new failure is logged once, not once per interval.
 */
export function watchRedisManifest(options: RedisManifestOptions): TrustedDocuments {
  const client = new Redis(options.url, {
    connectionName: 'ticketgraph-manifest',
    // Fail at once while disconnected; the next interval (or the reconnect) reads again.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
  });
  let documents: ReadonlyMap<string, string> | null = null;
  let lastText: string | null = null;
  let lastProblem: string | null = null;
  let inFlight: Promise<void> | null = null;
  const problem = (message: string) => {
    if (message !== lastProblem) options.logger?.warn({ key: options.key }, `trusted documents: ${message}${documents ? '; keeping the manifest read before' : ''}`);
    lastProblem = message;
  };
  // A read waits for a connection under way (the first one, at start) rather than failing at once.
  const connected = () =>
    client.status === 'ready'
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            client.off('ready', done);
            resolve();
          };
          const timer = setTimeout(done, 2000);
          timer.unref();
          client.once('ready', done);
        });
  const read = async () => {
    await connected();
    let text: string | null;
    try {
      text = await client.get(options.key);
    } catch (error) {
      problem(`cannot read the Redis key (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    if (text === null) return problem('the Redis key does not exist');
    if (text === lastText) return;
    try {
      documents = parseManifest(text, `Redis key ${options.key}`);
    } catch (error) {
      // parseManifest throws only ManifestError; anything else must not end the process either (refresh runs unawaited).
      return problem(error instanceof ManifestError ? error.message : 'the manifest could not be parsed');
    }
    const first = lastText === null;
    lastText = text;
    lastProblem = null;
    options.logger?.info({ key: options.key, documents: documents.size }, `trusted documents: ${documents.size} read from Redis`);
    if (first) options.onLoaded?.();
  };
  // One read at a time: a slow GET must not pile up behind the interval.
  const refresh = () => (inFlight ??= read().finally(() => (inFlight = null)));
  client.on('ready', () => void refresh());
  // Connection errors are reported by the read that meets them, once.
  client.on('error', () => undefined);
  const timer = setInterval(() => void refresh(), options.reloadMs);
  timer.unref();
  return {
    get: (hash) => documents?.get(hash),
    refresh,
    close: async () => {
      clearInterval(timer);
      client.disconnect();
      await Promise.resolve();
    },
  };
}

export interface PersistedOperationsSettings {
  file: string | null;
  redisKey: string | null;
  reloadMs: number;
  only: boolean;
}

/** The readiness check an enforcing replica waits for while its Redis manifest is not read yet. */
export const TRUSTED_DOCUMENTS_CHECK = 'trusted-documents';

/**
 * The configured manifest: none, a file (read now; a bad one stops the start), or a Redis key.
 * With PERSISTED_OPERATIONS_ONLY and a Redis key, the replica is not ready until the key has
 * been read, and until then it runs nothing (the allow-list is empty), rather than failing to
 * start: the manifest may be written after the gateway is deployed, and Redis may be
 * restarting. Without enforcement the manifest only spares clients a registration round trip,
 * so the replica is ready at once.
 */
export function openTrustedDocuments(
  settings: PersistedOperationsSettings,
  deps: { redisUrl: Secret | null; readiness?: Readiness | undefined; logger?: Logger | undefined },
): TrustedDocuments {
  if (settings.file) return fromMap(loadManifest(settings.file));
  if (!settings.redisKey || !deps.redisUrl) return NO_DOCUMENTS;
  const gate = settings.only ? deps.readiness : undefined;
  gate?.require(TRUSTED_DOCUMENTS_CHECK);
  return watchRedisManifest({
    url: deps.redisUrl.reveal(),
    key: settings.redisKey,
    reloadMs: settings.reloadMs,
    logger: deps.logger,
    onLoaded: () => gate?.pass(TRUSTED_DOCUMENTS_CHECK),
  });
}
