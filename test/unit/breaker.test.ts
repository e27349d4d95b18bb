import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/upstream/breaker.js';
import { UpstreamError } from '../../src/upstream/errors.js';

const down = () => new UpstreamError('UPSTREAM_UNAVAILABLE', 'zaia is unavailable', { provider: 'zaia', operation: 'getTicket', status: 503 });
const notFound = () => new UpstreamError('NOT_FOUND', 'zaia: not found', { provider: 'zaia', operation: 'getTicket', status: 404 });

describe('CircuitBreaker', () => {
  function setup() {
    let now = 1_000_000;
    const breaker = new CircuitBreaker('zaia', { threshold: 3, cooldownMs: 5000 }, undefined, () => now);
    let calls = 0;
    const call = (fail: () => Error | null) =>
      breaker.run('getTicket', async () => {
        calls++;
        const error = fail();
        if (error) throw error;
        return 'ok';
      });
    return { breaker, call, calls: () => calls, advance: (ms: number) => (now += ms) };
  }

  it('opens after consecutive failures and then refuses without calling the provider', async () => {
    const { breaker, call, calls } = setup();
    for (let i = 0; i < 3; i++) await expect(call(down)).rejects.toThrow('unavailable');
    expect(breaker.health()).toMatchObject({ state: 'OPEN', consecutiveFailures: 3, lastErrorCode: 'UPSTREAM_UNAVAILABLE' });
    await expect(call(() => null)).rejects.toThrow(/circuit open/);
    expect(calls()).toBe(3);
  });

  it('lets one probe through after the cooldown; success closes the circuit', async () => {
    const { breaker, call, advance } = setup();
    for (let i = 0; i < 3; i++) await expect(call(down)).rejects.toThrow();
    advance(5000);
    expect(breaker.health().state).toBe('HALF_OPEN');
    await expect(call(() => null)).resolves.toBe('ok');
    expect(breaker.health()).toMatchObject({ state: 'CLOSED', consecutiveFailures: 0 });
  });

  it('reopens when the probe fails', async () => {
    const { breaker, call, advance } = setup();
    for (let i = 0; i < 3; i++) await expect(call(down)).rejects.toThrow();
    advance(5000);
    await expect(call(down)).rejects.toThrow('unavailable');
    expect(breaker.health().state).toBe('OPEN');
  });

  it('does not count answers about one ticket (404) and resets on success', async () => {
    const { breaker, call } = setup();
    await expect(call(down)).rejects.toThrow();
    await expect(call(down)).rejects.toThrow();
    await expect(call(notFound)).rejects.toThrow();
    expect(breaker.health()).toMatchObject({ state: 'CLOSED', consecutiveFailures: 2 });
    await call(() => null);
    expect(breaker.health().consecutiveFailures).toBe(0);
  });
});
