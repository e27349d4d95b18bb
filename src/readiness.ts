import type { Server } from 'node:http';

/**
 * Whether this replica should get traffic: 503 on `/ready` until every startup check has
 * passed (config, the sandbox, Redis when configured) and again from the start of a drain.
 * Liveness (`/health`) is separate: a draining replica is alive.
 */
export class Readiness {
  readonly #pending = new Set<string>();
  #draining = false;

  /** Names checks that must pass before the replica is ready (`sandbox`, `redis`). */
  constructor(pending: readonly string[] = []) {
    for (const name of pending) this.#pending.add(name);
  }

  /** Names one more check that must pass (a feature set up after construction). */
  require(name: string): void {
    this.#pending.add(name);
  }

  pass(name: string): void {
    this.#pending.delete(name);
  }

  drain(): void {
    this.#draining = true;
  }

  get draining(): boolean {
    return this.#draining;
  }

  state(): { ready: boolean; status: 'ready' | 'starting' | 'draining'; pending: string[] } {
    const pending = [...this.#pending];
    const status = this.#draining ? 'draining' : pending.length > 0 ? 'starting' : 'ready';
    return { ready: status === 'ready', status, pending };
  }
}

/**
 * The SIGTERM drain of one node:http server: readiness off at once (load balancers stop
 * sending), in-flight requests finish, then the server closes. Bounded: after `graceMs` the
 * remaining connections are cut. Resolves when the server is closed.
 */
export function createDrain(server: Server, readiness: Readiness, graceMs: number): () => Promise<void> {
  let inFlight = 0;
  let idle: (() => void) | undefined;
  server.on('request', (_req, res) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0) idle?.();
    });
  });
  let draining: Promise<void> | undefined;
  return () =>
    (draining ??= (async () => {
      readiness.drain();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
        timer.unref();
      });
      // Keep answering while requests are in flight (a probe sees 503), then stop accepting.
      if (inFlight > 0) await Promise.race([new Promise<void>((resolve) => (idle = resolve)), grace]);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.race([closed, grace]);
      server.closeAllConnections();
      await closed;
      clearTimeout(timer);
    })());
}
