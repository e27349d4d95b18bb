import { describe, expect, it } from 'vitest';
import { eventSerializer } from '../../src/live/events.js';
import { createLiveHub } from '../../src/live/hub.js';
import { createMetrics } from '../../src/metrics.js';
import type { TicketModel } from '../../src/model/ticket.js';
import { parseMoovTimestamp, signMoov } from '../../src/live/moov-webhook.js';
import { signMoovWebhook } from '../../src/providers/moov/simulator/webhooks.js';

describe('eventSerializer (live events across Redis)', () => {
  it('brings Dates back as Dates and leaves date-like strings of raw payloads alone', () => {
    const event = {
      occurredAt: new Date('2026-01-02T03:04:05.678Z'),
      ticket: { updatedAt: new Date(0), raw: { createdOn: '2024-01-26T20:42:25Z', nested: [{ at: '2024-01-26T20:42:25Z' }] } },
    };
    const back = eventSerializer.parse(eventSerializer.stringify(event)) as typeof event;
    expect(back.occurredAt).toBeInstanceOf(Date);
    expect(back.occurredAt.toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect(back.ticket.updatedAt.getTime()).toBe(0);
    expect(back.ticket.raw).toEqual({ createdOn: '2024-01-26T20:42:25Z', nested: [{ at: '2024-01-26T20:42:25Z' }] });
  });
});

describe('Moov webhook signature', () => {
  it('is the hex HMAC-SHA512 of timestamp|nonce|webhookID, the same on the simulator and the receiver', () => {
    const signature = signMoov('secret', '2026-01-01T00:00:00Z', 'nonce', 'wh');
    expect(signature).toMatch(/^[0-9a-f]{128}$/);
    expect(signMoovWebhook('secret', '2026-01-01T00:00:00Z', 'nonce', 'wh')).toBe(signature);
    expect(signMoov('secret', '2026-01-01T00:00:00Z', 'nonce', 'wh2')).not.toBe(signature);
  });

  it.each([
    ['1767225600', 1_767_225_600_000],
    ['1767225600000', 1_767_225_600_000],
    ['2026-01-01T00:00:00Z', 1_767_225_600_000],
    ['2026-01-01T01:00:00+01:00', 1_767_225_600_000],
    ['yesterday', null],
    ['', null],
    ['2026-13-45T99:99:99Z', null],
  ])('reads X-Timestamp %j', (value, expected) => {
    expect(parseMoovTimestamp(value)).toBe(expected);
  });
});

describe('LiveHub.beforeAnnounce (issue 20: reads after an event are fresh)', () => {
  const ticket = (updatedAt: number) => ({ id: 'VGlja2V0Omhvc3R1cDp0MQ', provider: 'hostup', nativeId: 't1', updatedAt: new Date(updatedAt) }) as unknown as TicketModel;
  const change = (source: 'WRITE' | 'POLL', updatedAt: number) => ({ kind: 'UPDATED' as const, source, ticket: ticket(updatedAt), activity: null, occurredAt: new Date(updatedAt) });

  it('runs the hook to its end before any subscriber hears the change', async () => {
    const hub = createLiveHub({ redisUrl: null, metrics: createMetrics(), log: () => {} });
    const order: string[] = [];
    let release: () => void = () => {};
    hub.beforeAnnounce(async (event) => {
      order.push(`hook ${event.source}`);
      await new Promise<void>((resolve) => (release = resolve));
      order.push('hook done');
    });
    const events = hub.subscribe()[Symbol.asyncIterator]();
    const heard = events.next().then((result) => order.push(`heard ${result.value?.source}`));
    const published = hub.publish(change('POLL', 1000));
    await until(() => order.length > 0);
    expect(order).toEqual(['hook POLL']);
    release();
    expect(await published).toBe(true);
    await heard;
    expect(order).toEqual(['hook POLL', 'hook done', 'heard POLL']);
    await events.return?.();
    await hub.close();
  });

  it('announces the change even when the hook fails, and calls no hook for a change already announced', async () => {
    const logged: string[] = [];
    const hub = createLiveHub({ redisUrl: null, metrics: createMetrics(), log: (message) => logged.push(message) });
    const seen: string[] = [];
    hub.beforeAnnounce(async (event) => {
      seen.push(event.source);
      throw new Error('cache away');
    });
    expect(await hub.publish(change('POLL', 2000))).toBe(true);
    expect(logged.join()).toContain('cache away');
    // The same version again from a poll: not news, so nothing to forget either.
    expect(await hub.publish(change('POLL', 2000))).toBe(false);
    expect(seen).toEqual(['POLL']);
    await hub.close();
  });
});

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}
