import { describe, expect, it } from 'vitest';
import { isUpstreamError } from '../../src/upstream/errors.js';
import type { ProviderKey } from '../../src/model/provider.js';
import { bucketOf, createPacer, holdOffMs } from '../../src/upstream/pacing.js';
import { NO_REDIS } from '../../src/upstream/redis.js';

const rates = (overrides: Partial<Record<ProviderKey, number>>): Record<ProviderKey, number> => ({
  spacebring: 0,
  moov: 0,
  hostup: 0,
  zaia: 0,
  sonzai: 0,
  ...overrides,
});

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isUpstreamError(error)) return error;
    throw error;
  }
  throw new Error('expected RATE_LIMITED');
}

describe('pacing (in process)', () => {
  it('keeps one budget per provider and one per Moov account', () => {
    expect(bucketOf('moov', 'accounts/acc-1/tickets/t-9')).toBe('moov:acc-1');
    expect(bucketOf('moov', '/v1/accounts/acc-2/tickets')).toBe('moov:acc-2');
    expect(bucketOf('spacebring', 'support/tickets/v1')).toBe('spacebring');
  });

  it('refuses a call whose slot is beyond its wait, with RATE_LIMITED and retryAfter, and lets the first through', async () => {
    const pacer = createPacer({ maxRps: rates({ sonzai: 1 }), redis: NO_REDIS });
    await pacer.take('sonzai', 'support/tickets', 'getTicket', 0);
    const error = await refusal(pacer.take('sonzai', 'support/tickets', 'getTicket', 0));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfter).toBe(2);
    expect(error.provider).toBe('sonzai');
  });

  it('does not pace a provider at 0, and paces Moov accounts apart', async () => {
    const pacer = createPacer({ maxRps: rates({ moov: 1 }), redis: NO_REDIS });
    for (let i = 0; i < 5; i++) await pacer.take('hostup', 'x', 'getTicket', 0);
    await pacer.take('moov', 'accounts/a/tickets', 'listTickets', 0);
    await pacer.take('moov', 'accounts/b/tickets', 'listTickets', 0);
    expect((await refusal(pacer.take('moov', 'accounts/a/tickets', 'listTickets', 0))).code).toBe('RATE_LIMITED');
  });

  it('holds later calls off until X-RateLimit-Reset when X-RateLimit-Remaining is 0 (HostUp)', async () => {
    const pacer = createPacer({ maxRps: rates({ hostup: 100 }), redis: NO_REDIS });
    const reset = new Date(Date.now() + 30_000).toISOString();
    pacer.observe('hostup', '/api/v2/support/tickets', new Response('{}', { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } }));
    const error = await refusal(pacer.take('hostup', 'api/v2/support/tickets', 'listTickets', 1000));
    expect(error.retryAfter).toBeGreaterThanOrEqual(29);
    expect(error.retryAfter).toBeLessThanOrEqual(30);
  });

  it.each([
    ['remaining left', { 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '10' }, 200, undefined],
    ['reset in seconds', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '10' }, 200, 10_000],
    ['reset as epoch seconds', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(1_700_000_020) }, 200, 20_000],
    ['a 429 with Retry-After', { 'retry-after': '4' }, 429, 4000],
    ['a garbage reset', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': 'soon' }, 200, undefined],
    ['a reset beyond a minute (capped)', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '86400' }, 200, 60_000],
  ])('reads the hold-off from %s', (_name, headers, status, expected) => {
    expect(holdOffMs(new Response(null, { status, headers }), 1_700_000_000_000)).toBe(expected);
  });
});
