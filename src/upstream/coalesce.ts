import type { Metrics } from '../metrics.js';
import { noteCoalesced } from '../request-context.js';
import { intercept, WRITE_OPERATIONS, type CallContext, type TicketProvider } from './provider.js';
import { fromKyError } from './errors.js';

interface Shared {
  promise: Promise<unknown>;
  controller: AbortController;
  waiters: number;
}

/**
 * Request coalescing: GraphQL operations that run at once (a dashboard polled by many
 * clients, a router's parallel fetches) often need the same upstream read. Identical reads
 * in flight share one run; each caller waits under its own signal, and the last one to
 * leave cancels the shared run. Results are shared, so they must be treated as read-only
 * (mappers build new objects; loaders and resolvers never mutate models).
 *
 * Every write moves `generation` on, at its start and at its end, so a read that begins
 * after a write began never joins a read that may have seen the state before it.
 */
export class Coalescer {
  readonly #inflight = new Map<string, Shared>();
  #generation = 0;

  constructor(
    /** Turns a waiter's abort reason into the error that caller sees. */
    private readonly abortError: (reason: unknown, key: string) => Promise<Error> | Error,
    /** Called when a caller joins a run already in flight (metrics). */
    private readonly onJoin?: (key: string) => void,
  ) {}

  read<T>(key: string, signal: AbortSignal | undefined, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const fullKey = `${this.#generation} ${key}`;
    let shared = this.#inflight.get(fullKey);
    if (shared) this.onJoin?.(key);
    else {
      // No setMaxListeners here (3 µs each): the run's calls listen to this signal one at a
      // time (a provider read makes its calls in sequence), never more than EventTarget's 10.
      const controller = new AbortController();
      const entry: Shared = { controller, waiters: 0, promise: run(controller.signal) };
      const forget = () => {
        if (this.#inflight.get(fullKey) === entry) this.#inflight.delete(fullKey);
      };
      // Registered before any waiter's, so the entry is gone when they hear the answer; and a
      // failure that all waiters left before is observed here, not reported as unhandled.
      entry.promise.then(forget, forget);
      this.#inflight.set(fullKey, entry);
      shared = entry;
    }
    return this.#wait(shared, key, signal) as Promise<T>;
  }

  async write<T>(run: () => Promise<T>): Promise<T> {
    this.#generation++;
    try {
      return await run();
    } finally {
      this.#generation++;
    }
  }

  #wait(shared: Shared, key: string, signal: AbortSignal | undefined): Promise<unknown> {
    shared.waiters++;
    return new Promise((resolve, reject) => {
      const leave = () => {
        signal?.removeEventListener('abort', onAbort);
        shared.waiters--;
      };
      const onAbort = () => {
        leave();
        if (shared.waiters === 0) shared.controller.abort(signal?.reason);
        void Promise.resolve(this.abortError(signal?.reason ?? new DOMException('aborted', 'AbortError'), key)).then(reject, reject);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      shared.promise.then(
        (value) => {
          leave();
          resolve(value);
        },
        (error: unknown) => {
          leave();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}

/**
 * The provider with its reads coalesced across operations: identical reads in flight share
 * one run, HTTP call, parse and mapping included. This is the only level that coalesces
 * (the HTTP client does not: http.ts), so the key is the provider method and its
 * arguments, not a URL. Writes start a new generation.
 */
export function withCoalescing(provider: TicketProvider, metrics?: Metrics): TicketProvider {
  const operationOf = (key: string) => key.slice(0, key.indexOf(' '));
  const coalescer = new Coalescer(
    (reason, key) => fromKyError(reason, { provider: provider.key, operation: operationOf(key), write: false }),
    (key) => {
      metrics?.upstreamCoalesced.inc({ provider: provider.key, operation: operationOf(key) });
      noteCoalesced(provider.key, operationOf(key));
    },
  );
  const writes = new Set<string>(WRITE_OPERATIONS);
  return intercept(provider, (operation, args, call) => {
    if (writes.has(operation)) return coalescer.write(() => call(args));
    // Reads take (subject, ctx): a native id, a list query, or the ticket a timeline or tags belong to.
    const [subject, ctx] = args as [unknown, CallContext | undefined];
    const key = typeof subject === 'string' ? subject : subject && typeof subject === 'object' && 'id' in subject ? String(subject.id) : JSON.stringify(subject);
    return coalescer.read(`${operation} ${key}`, ctx?.signal, (signal) => call([subject, { ...ctx, signal }]));
  });
}
