import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorDefinition, type SimulatorHandle } from '../../src/simkit/server.js';

/** A minimal provider dialect, so the knobs are tested apart from any real provider. */
const definition: SimulatorDefinition = {
  provider: 'zaia',
  routes: [{ method: 'GET', pattern: '/things/:id', operation: 'getThing', handler: (req) => ({ status: 200, body: { id: req.params.id, name: 'thing' } }) }],
  authenticate: (req) => (req.headers.authorization === 'Bearer ok' ? 'ok' : 'unauthorized'),
  errors: {
    unauthorized: () => ({ status: 401, body: { message: 'no' } }),
    forbidden: () => ({ status: 403, body: { message: 'forbidden' } }),
    notFound: () => ({ status: 404, body: { message: 'not found' } }),
    rateLimited: (retryAfter) => ({ status: 429, body: { message: 'slow down' }, headers: { 'retry-after': String(retryAfter) } }),
    server: (status) => ({ status, body: { message: 'boom' } }),
  },
  drift: (body) => ({ ...(body as object), id: 42 }),
};

describe('sandbox simulator core: fault knobs, counters, admin', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator(definition);
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.setFault(null);
    sim.resetRequests();
  });

  const get = (path = '/things/1', init: RequestInit = {}) =>
    fetch(`${sim.url}${path}`, { ...init, headers: { authorization: 'Bearer ok', ...(init.headers as Record<string, string>) } });

  it('routes, authenticates and counts per operation; unknown paths answer the 404 shape', async () => {
    expect(await (await get()).json()).toEqual({ id: '1', name: 'thing' });
    expect((await fetch(`${sim.url}/things/1`)).status).toBe(401);
    expect((await get('/nothing')).status).toBe(404);
    expect(sim.requests()).toEqual({ getThing: 2 });
  });

  it('answers the injected status at the given rate (1 = always)', async () => {
    sim.setFault({ status: 503 });
    expect((await get()).status).toBe(503);
    sim.setFault({ status: 503, rate: 0 });
    expect((await get()).status).toBe(200);
  });

  it('answers 429 with Retry-After beyond the per-second budget', async () => {
    sim.setFault({ rateLimitPerSecond: 2, retryAfter: 7 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get()).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    sim.setFault({ status: 429, retryAfter: 3 });
    const limited = await get();
    expect(limited.headers.get('retry-after')).toBe('3');
  });

  it('adds latency: the answer comes after a shorter timer started before the request', async () => {
    // Event order, not a stopwatch: both timers share the loop's timer heap, and ours, started
    // first with a shorter delay, fires first however loaded the machine is.
    sim.setFault({ latencyMs: 120 });
    const order: string[] = [];
    const timer = new Promise<void>((resolve) => setTimeout(() => resolve(void order.push('timer')), 100));
    await get().then(() => order.push('answer'));
    await timer;
    expect(order).toEqual(['timer', 'answer']);
  });

  it('never answers when hanging', async () => {
    sim.setFault({ hang: true });
    await expect(get('/things/1', { signal: AbortSignal.timeout(300) })).rejects.toThrow();
  });

  it('serves a body that is not JSON (malformed) and one that breaks the schema (drift)', async () => {
    sim.setFault({ malformed: true });
    await expect((await get()).json()).rejects.toThrow();
    sim.setFault({ drift: true });
    expect(await (await get()).json()).toEqual({ id: 42, name: 'thing' });
  });

  it('reads and changes faults and counters through the admin endpoint, uncounted and without auth', async () => {
    await get();
    const put = await fetch(`${sim.url}/__sandbox/faults`, { method: 'PUT', body: JSON.stringify({ status: 500, rate: 1 }) });
    expect(await put.json()).toEqual({ status: 500, rate: 1 });
    expect((await get()).status).toBe(500);
    const counts = (await (await fetch(`${sim.url}/__sandbox/requests`)).json()) as { total: number };
    expect(counts.total).toBe(2);
    await fetch(`${sim.url}/__sandbox/requests`, { method: 'DELETE' });
    expect(sim.totalRequests()).toBe(0);
  });
});
