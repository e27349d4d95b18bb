import { describe, expect, it } from 'vitest';
import { eventSerializer } from '../../src/live/events.js';
import { parseMoovTimestamp, signMoov } from '../../src/live/moov-webhook.js';
import { signMoovWebhook } from '../../src/providers/moov/simulator/webhooks.js';

describe('eventSerializer (live events across Redis)', () => {
  it('brings Dates back as Dates and leaves date-like strings of raw payloads alone', () => {
    const event = { occurredAt: new Date('2026-01-02T03:04:05.678Z'), ticket: { updatedAt: new Date(0), raw: { createdOn: '2024-01-26T20:42:25Z', nested: [{ at: '2024-01-26T20:42:25Z' }] } } };
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
