import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxFault } from '../../src/simkit/server.js';
import { PROVIDER_KEYS, type ProviderKey } from '../../src/model/provider.js';
import { expectWellFormed } from '../fuzz/invariants.js';
import { startTestServer, type GqlResult, type TestServer } from '../helpers/server.js';

/*
 * Issue 9 fault drills: each provider in turn fails in each way the sandbox can fail, and
 * over GraphQL the feed keeps the other four, names the failing one with the right code
 * in `errors` and the right outcome in `extensions.providers`, and answers within its
 * deadline. The wall-time bound is loose (2 × the per-call deadline, for a loaded CI
 * machine): a bound, not a benchmark.
 *
 * The circuit breaker is set out of reach here (BREAKER_THRESHOLD), so that one drill's
 * failures do not open the circuit for the next; it has its own drill at the end.
 */

type Node = { id: string; provider: string };
type Answer = GqlResult<{ tickets: { nodes: Node[] }; ticket: { id: string } | null }>;

const QUERY = 'query ($id: ID!) { tickets(first: 30) { nodes { id provider title status updatedAt } } ticket(id: $id) { id title status } }';

interface Drill {
  name: string;
  fault: SandboxFault;
  code: string;
  outcome: string;
  /** Upstream requests compared with the calls the query needs: exactly those, or more (retried). */
  retried: boolean | 'any';
  /** The fault ends right after the first request (a burst): the retries then succeed. */
  burst?: boolean;
  extensions?: Record<string, unknown>;
}

const DRILLS: Drill[] = [
  { name: '500s (not retried)', fault: { status: 500 }, code: 'UPSTREAM_UNAVAILABLE', outcome: 'UNAVAILABLE', retried: false, extensions: { status: 500 } },
  { name: '503s (retried, then unavailable)', fault: { status: 503 }, code: 'UPSTREAM_UNAVAILABLE', outcome: 'UNAVAILABLE', retried: true, extensions: { status: 503 } },
  { name: 'a 429 burst with Retry-After: 0 (retried, then succeeds)', fault: { status: 429, retryAfter: 0 }, burst: true, code: 'OK', outcome: 'OK', retried: true },
  { name: 'a 429 burst with Retry-After: 1 (retried, then succeeds)', fault: { status: 429, retryAfter: 1 }, burst: true, code: 'OK', outcome: 'OK', retried: true },
  {
    name: '429s with Retry-After: 120 (over the cap: RATE_LIMITED at once)',
    fault: { status: 429, retryAfter: 120 },
    code: 'RATE_LIMITED',
    outcome: 'RATE_LIMITED',
    retried: false,
    extensions: { retryAfter: 120 },
  },
  { name: 'malformed JSON', fault: { malformed: true }, code: 'UPSTREAM_BAD_RESPONSE', outcome: 'BAD_RESPONSE', retried: false },
  { name: 'bodies that break the schema (drift)', fault: { drift: true }, code: 'UPSTREAM_BAD_RESPONSE', outcome: 'BAD_RESPONSE', retried: false },
  { name: 'a hang', fault: { hang: true }, code: 'UPSTREAM_TIMEOUT', outcome: 'TIMEOUT', retried: 'any' },
];

describe('fault drills over GraphQL (issue 9)', () => {
  let server: TestServer;
  let forbidden: string[];
  const own = new Map<ProviderKey, string>();

  beforeAll(async () => {
    server = await startTestServer({ env: { BREAKER_THRESHOLD: '1000' } });
    forbidden = PROVIDER_KEYS.map((k) => server.sandbox.url(k));
    for (const key of PROVIDER_KEYS) {
      const { data } = await server.gql<{ tickets: { nodes: Node[] } }>('query ($p: [Provider!]) { tickets(first: 1, filter: { providers: $p }) { nodes { id provider } } }', {
        p: [key.toUpperCase()],
      });
      own.set(key, data!.tickets.nodes[0]!.id);
    }
  });
  afterAll(() => server?.close());
  beforeEach(() => {
    for (const key of PROVIDER_KEYS) server.sandbox.setFault(key, null);
    server.resetCounts();
  });

  /** Calls the query needs from a provider: one list call per source, plus the single read. */
  const needed = (key: ProviderKey) => server.registry.get(key).listSources({}).length + 1;

  /** Ends the fault as soon as the provider has served one request (checked every loop turn). */
  function endFaultAfterFirstRequest(key: ProviderKey): () => void {
    let stopped = false;
    const tick = () => {
      if (stopped) return;
      if (server.sandbox.totalRequests(key) > 0) server.sandbox.setFault(key, null);
      else setImmediate(tick);
    };
    setImmediate(tick);
    return () => {
      stopped = true;
    };
  }

  const cases = PROVIDER_KEYS.flatMap((key) => DRILLS.map((drill) => [key, drill.name, drill] as const));

  it.each(cases)('%s: %s', async (key, _name, drill) => {
    const { retryLimit } = server.config.http;
    server.sandbox.setFault(key, drill.fault);
    const stop = drill.burst ? endFaultAfterFirstRequest(key) : () => {};
    const result = (await server.gql(QUERY, { id: own.get(key) })) as Answer;
    const attempts = server.sandbox.totalRequests(key);
    stop();
    server.sandbox.setFault(key, null);

    expectWellFormed(result, `${key} ${drill.name}`, { forbidden });
    // Retries stay bounded: at most retryLimit + 1 attempts per call the query needs. A count,
    // not a duration (issue 13: the elapsed-time bound here failed on a loaded machine); that
    // a hang ends at the deadline shows in the drill's outcome, not in a stopwatch.
    expect(attempts, `${key} ${drill.name}`).toBeLessThanOrEqual(needed(key) * (retryLimit + 1));

    const nodes = result.data!.tickets.nodes;
    const providers = result.extensions?.providers ?? [];
    const others = PROVIDER_KEYS.filter((k) => k !== key);
    // The others keep flowing: a full page, each of them OK.
    expect(nodes).toHaveLength(30);
    for (const other of others) expect(providers, other).toContainEqual({ provider: other.toUpperCase(), outcome: 'OK' });
    expect(new Set(nodes.map((n) => n.provider)).size).toBeGreaterThanOrEqual(2);
    const mine = (result.errors ?? []).filter((e) => e.extensions?.provider === key.toUpperCase());
    expect((result.errors ?? []).filter((e) => e.extensions?.provider !== key.toUpperCase())).toEqual([]);

    if (drill.outcome === 'OK') {
      expect(mine).toEqual([]);
      expect(providers).toContainEqual({ provider: key.toUpperCase(), outcome: 'OK' });
      expect(result.data!.ticket?.id).toBe(own.get(key));
    } else {
      expect(nodes.some((n) => n.provider === key.toUpperCase())).toBe(false);
      expect(result.data!.ticket).toBeNull();
      // One error for the feed, one for the single read; both with the provider's code.
      expect(mine.map((e) => e.path?.[0]).sort()).toEqual(['ticket', 'tickets']);
      for (const error of mine) expect(error.extensions, JSON.stringify(error)).toMatchObject({ code: drill.code, provider: key.toUpperCase(), ...drill.extensions });
      expect(providers).toContainEqual(
        expect.objectContaining({
          provider: key.toUpperCase(),
          outcome: drill.outcome,
          code: drill.code,
          ...(drill.extensions?.retryAfter ? { retryAfter: drill.extensions.retryAfter } : {}),
        }),
      );
    }
    const served = server.sandbox.totalRequests(key);
    if (drill.retried === true) expect(served, `${key} requests`).toBeGreaterThan(needed(key));
    if (drill.retried === false) expect(served, `${key} requests`).toBe(needed(key));
  });

  it("opens a failing provider's circuit, fails fast without calling it, and closes it after a good probe", async () => {
    const breaker = await startTestServer({ env: { BREAKER_THRESHOLD: '2', BREAKER_COOLDOWN_MS: '300' } });
    type Health = GqlResult<{ tickets: { nodes: Node[] }; providers: { provider: string; health: { state: string } | null }[] }>;
    const feed = '{ tickets(first: 10) { nodes { id provider } } providers { provider health { state } } }';
    const zaiaState = (r: Health) => r.data!.providers.find((p) => p.provider === 'ZAIA')?.health?.state;
    try {
      breaker.sandbox.setFault('zaia', { status: 500 });
      // Zaia's feed reads several sources (one per status group): one query reaches the threshold.
      await breaker.gql(feed);
      breaker.sandbox.resetRequests();
      const open = (await breaker.gql(feed)) as Health;
      expectWellFormed(open, 'open circuit', { forbidden: PROVIDER_KEYS.map((k) => breaker.sandbox.url(k)) });
      expect(zaiaState(open)).toBe('OPEN');
      expect(open.errors?.filter((e) => e.extensions?.provider === 'ZAIA').map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
      expect(open.data!.tickets).toBeTruthy();
      expect(breaker.sandbox.totalRequests('zaia')).toBe(0);
      breaker.sandbox.setFault('zaia', null);
      await new Promise((resolve) => setTimeout(resolve, 350));
      // The first query after the cooldown carries the probe (its sibling calls still fail fast);
      // the probe's success closes the circuit for the next one.
      await breaker.gql(feed);
      const closed = (await breaker.gql(feed)) as Health;
      expect(closed.errors, JSON.stringify(closed.errors)).toBeUndefined();
      expect(zaiaState(closed)).toBe('CLOSED');
    } finally {
      await breaker.close();
    }
  });
});
