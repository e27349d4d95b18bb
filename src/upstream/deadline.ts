import { setMaxListeners } from 'node:events';

/*
 * The deadline machinery: one signal per operation, shared by its upstream calls and their
 * retries (http.ts), and the waits that must end when it fires.
 */

/** A deadline: its signal, and the one wait of its call that must end when it fires. */
export interface Deadline {
  signal: AbortSignal;
  /** Drops the timer and the listener on the parent once the call is over. */
  release: () => void;
  /**
   * `pending`, or the signal's reason as soon as it aborts (ky's retry waits do not watch it).
   * One wait at a time: the abort calls it directly, without a listener on the signal
   * (EventTarget's add and remove were a third of the deadline's cost per upstream call).
   */
  until: <T>(pending: Promise<T>) => Promise<T>;
}

const ignore = () => undefined;

/**
 * An AbortSignal that aborts after `ms` (with a TimeoutError) or when `parent` aborts,
 * and `release()` to drop the timer and the listener once the call is over.
 */
export function deadlineSignal(
  ms: number,
  parent?: AbortSignal,
  options: {
    /**
     * The signal will be the parent of many: one operation's signal is the parent of each of
     * its upstream calls (50 for a feed page), more listeners than EventTarget's default of 10
     * by design, not a leak. One call's own signal has a listener or two.
     * @default true
     */
    fanOut?: boolean;
  } = {},
): Deadline {
  const controller = new AbortController();
  const signal = controller.signal;
  if (options.fanOut !== false) setMaxListeners(0, signal);
  let waiting: ((reason: unknown) => void) | undefined;
  const until = <T>(pending: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const onAbort = (reason: unknown) => {
        // ky finds the signal aborted at its next attempt and gives up; nobody waits for that.
        pending.catch(ignore);
        reject(reason);
      };
      if (signal.aborted) return onAbort(signal.reason);
      waiting = onAbort;
      pending.then(
        (value) => {
          waiting = undefined;
          resolve(value);
        },
        (error: unknown) => {
          waiting = undefined;
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  if (parent?.aborted) {
    controller.abort(parent.reason);
    return { signal, release: ignore, until };
  }
  const abort = (reason: unknown) => {
    controller.abort(reason);
    waiting?.(signal.reason);
  };
  const timer = setTimeout(() => abort(new DOMException('deadline exceeded', 'TimeoutError')), ms);
  const onAbort = () => abort(parent?.reason);
  parent?.addEventListener('abort', onAbort, { once: true });
  return {
    signal,
    until,
    release: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onAbort);
    },
  };
}
