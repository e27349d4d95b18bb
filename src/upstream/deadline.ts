import { setMaxListeners } from 'node:events';

/*
 * The deadline machinery: one signal per operation, shared by its upstream calls and their
 * retries (http.ts), and the waits that must end when it fires.
 */

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
): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  if (options.fanOut !== false) setMaxListeners(0, controller.signal);
  if (parent?.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, release: () => {} };
  }
  const timer = setTimeout(() => controller.abort(new DOMException('deadline exceeded', 'TimeoutError')), ms);
  const onAbort = () => controller.abort(parent?.reason);
  parent?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    release: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onAbort);
    },
  };
}

/** `pending`, or the signal's reason as soon as it aborts (ky's retry waits do not watch it). */
export function untilAborted<T>(pending: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      // ky finds the signal aborted at its next attempt and gives up; nobody waits for that.
      pending.catch(() => undefined);
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
