import type { Plugin } from 'graphql-yoga';
import { deadlineSignal } from './upstream/deadline.js';

/** One deadline per GraphQL operation, shared by every upstream call and retry in it. */
export interface RequestDeadlines {
  /** The operation's signal: aborts at the deadline or when the client goes away. */
  signalFor(request: Request): AbortSignal;
  /** Drops the request's timer and listener. */
  release(request: Request): void;
}

export function createRequestDeadlines(deadlineMs: number): RequestDeadlines {
  const releases = new WeakMap<Request, () => void>();
  return {
    signalFor(request) {
      const { signal, release } = deadlineSignal(deadlineMs, request.signal);
      releases.set(request, release);
      return signal;
    },
    release: (request) => releases.get(request)?.(),
  };
}

/**
 * Releases the deadline once the response is sent: without it each request's timer would
 * live on for the whole deadline after the answer went out.
 */
export function useDeadlineRelease(deadlines: RequestDeadlines): Plugin {
  return { onResponse: ({ request }) => deadlines.release(request) };
}
