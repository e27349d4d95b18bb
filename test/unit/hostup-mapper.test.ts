import { describe, expect, it } from 'vitest';
import { mapHostupPriority, mapHostupStatus, normaliseHostupStatus } from '../../src/providers/hostup/mapper.js';
import { parseHostbillTime, toV1Ticket } from '../../src/providers/hostup/mapper-v1.js';
import { toV2Activity, toV2Ticket, v2StatusesFor } from '../../src/providers/hostup/mapper-v2.js';
import { hostupV1TicketEnvelopeSchema, hostupV2MessageSchema, hostupV2ProblemSchema, hostupV2TicketListSchema, hostupV2TicketSchema } from '../../src/providers/hostup/wire.js';
import { readHostupError } from '../../src/providers/hostup/errors.js';
import { UpstreamError } from '../../src/upstream/errors.js';
import { decodeId } from '../../src/ids.js';
import type { CommentActivityModel } from '../../src/model/activity.js';
import { fixture } from '../helpers/fixtures.js';

// The fixtures' expectations were written reading v1 times as UTC (HOSTUP_TIMEZONE=UTC);
// the default zone, Europe/Stockholm, has its own tests (issue 17).
const v1Ctx = { operation: 'getTicket', path: 'data.ticket', timeZone: 'UTC' };
type Envelope = { data: { ticket: Record<string, unknown> } };

function v1(body: unknown) {
  const parsed = hostupV1TicketEnvelopeSchema.parse(body);
  return toV1Ticket(parsed.data.ticket, (body as Envelope).data.ticket, v1Ctx);
}

describe('hostup schemas', () => {
  it('parse the seed example verbatim (placeholder strings and all)', () => {
    const seed = fixture('hostup', 'seed-v1-ticket');
    const parsed = hostupV1TicketEnvelopeSchema.parse(seed);
    expect(parsed.data.ticket.subject).toBe('string');
    expect(parsed.data.ticket.owner?.id).toBe('string');
    expect(parsed.data.ticket.replies?.[0]?.type).toBe('string');
  });

  it('parse the documented v2 detail and list shapes', () => {
    expect(hostupV2TicketSchema.safeParse(fixture('hostup', 'v2-ticket')).success).toBe(true);
    expect(hostupV2TicketListSchema.safeParse(fixture('hostup', 'v2-list')).success).toBe(true);
  });

  it('accept the v1 create response, whose number is a JSON number', () => {
    const body = structuredClone(fixture('hostup', 'v1-ticket')) as Envelope;
    body.data.ticket.number = 616828;
    const ticket = v1(body);
    expect(ticket.nativeId).toBe('616828');
  });

  it('tolerate documented nulls and unknown extra fields', () => {
    const body = structuredClone(fixture('hostup', 'v1-ticket')) as Envelope;
    Object.assign(body.data.ticket, { owner: null, owner_id: null, replies: null, notes: null, tags: null, priority: null, brandNewField: [1, 2] });
    const ticket = v1(body);
    expect(ticket.assignee).toBeNull();
    expect(ticket.tags).toEqual([]);
    expect(ticket.priority).toBeNull();
    expect(ticket.activities?.map((a) => a.kind)).toEqual(['CREATED']);
  });

  it.each([
    [
      'v1 without a subject',
      hostupV1TicketEnvelopeSchema,
      () => {
        const b = structuredClone(fixture('hostup', 'v1-ticket')) as Envelope;
        delete b.data.ticket.subject;
        return b;
      },
      'data.ticket.subject',
    ],
    [
      'v2 detail without status',
      hostupV2TicketSchema,
      () => {
        const b = structuredClone(fixture('hostup', 'v2-ticket')) as Record<string, unknown>;
        delete b.status;
        return b;
      },
      'status',
    ],
    ['v2 detail with a non-ISO time', hostupV2TicketSchema, () => ({ ...(fixture('hostup', 'v2-ticket') as object), updatedAt: '27/04/2026' }), 'updatedAt'],
    [
      'v2 message with a null sender',
      hostupV2MessageSchema,
      () => ({ id: 'tmsg_1', ticketId: 'tkt_1', sentAt: null, body: null, sender: null, senderName: null, encrypted: false, attachments: [] }),
      'sender',
    ],
  ] as const)('reject garbage: %s', (_name, schema, make, path) => {
    const result = schema.safeParse(make());
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe(path);
  });

  it('reject a body that is not an object at all', () => {
    expect(hostupV2TicketListSchema.safeParse('').success).toBe(false);
    expect(hostupV1TicketEnvelopeSchema.safeParse({ success: true, data: {} }).success).toBe(false);
  });
});

describe('mapHostupStatus', () => {
  it.each([
    ['open', 'OPEN'],
    ['customer_reply', 'OPEN'],
    ['answered', 'WAITING'],
    ['on_hold', 'WAITING'],
    ['in_progress', 'IN_PROGRESS'],
    ['closed', 'CLOSED'],
    ['unknown', 'UNKNOWN'],
    // v1 HostBill strings, folded case- and punctuation-insensitively
    ['Open', 'OPEN'],
    ['Answered', 'WAITING'],
    ['Customer-Reply', 'OPEN'],
    ['In-Progress', 'IN_PROGRESS'],
    ['In Progress', 'IN_PROGRESS'],
    ['On-Hold', 'WAITING'],
    ['CLOSED', 'CLOSED'],
    [' customer reply ', 'OPEN'],
    ['Awaiting-Billing', 'UNKNOWN'],
    ['', 'UNKNOWN'],
  ] as const)('%j → %s', (raw, expected) => {
    expect(mapHostupStatus(raw)).toBe(expected);
  });

  it('folds v1 strings onto the v2 vocabulary', () => {
    expect(normaliseHostupStatus('Customer-Reply')).toBe('customer_reply');
    expect(normaliseHostupStatus('On Hold')).toBe('on_hold');
  });

  it('lists the v2 values behind a normalised status (for per-status list streams)', () => {
    expect(v2StatusesFor('OPEN')).toEqual(['open', 'customer_reply']);
    expect(v2StatusesFor('WAITING')).toEqual(['answered', 'on_hold']);
    expect(v2StatusesFor('RESOLVED')).toEqual([]);
    expect(v2StatusesFor('UNKNOWN')).toEqual([]);
  });
});

describe('mapHostupPriority', () => {
  it.each([
    ['low', 'LOW'],
    ['medium', 'MEDIUM'],
    ['high', 'HIGH'],
    ['urgent', 'URGENT'],
    ['critical', 'CRITICAL'],
    ['High', 'HIGH'],
    ['Critical', 'CRITICAL'],
    ['whenever', 'UNKNOWN'],
    [null, null],
    ['', null],
  ] as const)('%j → %s', (raw, expected) => {
    expect(mapHostupPriority(raw)).toBe(expected);
  });
});

describe('parseHostbillTime', () => {
  it('reads HostBill times in the given zone (UTC here), ISO strings as they are, and zero dates as never', () => {
    expect(parseHostbillTime('2026-09-28 09:12:44', 'UTC')?.toISOString()).toBe('2026-09-28T09:12:44.000Z');
    expect(parseHostbillTime('2026-09-28', 'UTC')?.toISOString()).toBe('2026-09-28T00:00:00.000Z');
    expect(parseHostbillTime('2026-09-28T09:12:44+02:00')?.toISOString()).toBe('2026-09-28T07:12:44.000Z');
    expect(parseHostbillTime('0000-00-00 00:00:00')).toBeNull();
    expect(parseHostbillTime('')).toBeNull();
    expect(parseHostbillTime(null)).toBeNull();
    expect(parseHostbillTime('string')).toBeUndefined();
    expect(parseHostbillTime('yesterday')).toBeUndefined();
  });
});

describe('issue 17: v1 times in HOSTUP_TIMEZONE (default Europe/Stockholm)', () => {
  it.each([
    ['2026-09-28 09:12:44', undefined, '2026-09-28T07:12:44.000Z'], // summer time, UTC+2
    ['2026-01-15 12:00:00', undefined, '2026-01-15T11:00:00.000Z'], // winter time, UTC+1
    ['2026-03-29 01:59:59', undefined, '2026-03-29T00:59:59.000Z'], // the second before the spring change
    ['2026-03-29 03:00:00', undefined, '2026-03-29T01:00:00.000Z'], // the first hour of summer time
    ['2026-03-29 02:30:00', undefined, '2026-03-29T01:30:00.000Z'], // skipped by the clocks: read an hour later
    ['2026-10-25 02:30:00', undefined, '2026-10-25T00:30:00.000Z'], // repeated hour: its first occurrence
    ['2026-09-28 09:12:44', 'UTC', '2026-09-28T09:12:44.000Z'],
    ['2026-09-28 09:12:44', 'America/New_York', '2026-09-28T13:12:44.000Z'],
    ['2026-09-28T09:12:44+02:00', 'America/New_York', '2026-09-28T07:12:44.000Z'], // an offset wins over the zone
  ] as const)('%s in %s is %s', (text, zone, iso) => {
    expect(parseHostbillTime(text, zone)?.toISOString()).toBe(iso);
  });

  it('the mapper reads a v1 ticket in the default zone unless told another', () => {
    const body = fixture('hostup', 'v1-ticket') as Envelope;
    const parsed = hostupV1TicketEnvelopeSchema.parse(body).data.ticket;
    expect(toV1Ticket(parsed, body.data.ticket).createdAt.toISOString()).toBe('2026-09-28T07:12:44.000Z');
    expect(toV1Ticket(parsed, body.data.ticket, { ...v1Ctx, timeZone: 'UTC' }).createdAt.toISOString()).toBe('2026-09-28T09:12:44.000Z');
  });
});

describe('issue 17: ticket-level attachments', () => {
  it('v1: the seed’s attachment strings become named files', () => {
    expect(v1(fixture('hostup', 'v1-ticket')).attachments).toEqual([{ id: null, name: 'console.png', url: null, mimeType: null, size: null }]);
  });

  it('v2: the detail’s root attachments; a list row leaves them to the detail read (null)', () => {
    const raw = fixture('hostup', 'v2-ticket');
    expect(toV2Ticket(hostupV2TicketSchema.parse(raw), raw).attachments).toEqual([
      {
        id: 'tatt_01hxa3b4c5d6e7f8g9h0j1k2aa',
        name: 'error-log.txt',
        url: 'https://cloud.hostup.se/api/v2/support/attachments/tatt_01hxa3b4c5d6e7f8g9h0j1k2aa?ticketId=tkt_01hxa3b4c5d6e7f8g9h0j1k2m3',
        mimeType: 'text/plain',
        size: 18342,
      },
    ]);
    const list = fixture('hostup', 'v2-list') as { data: unknown[] };
    const row = hostupV2TicketListSchema.parse(list).data?.[0];
    if (!row) throw new Error('the fixture has a row');
    expect(toV2Ticket(row, list.data[0]).attachments).toBeNull();
  });
});

describe('issue 17: v1 owner and priority codes', () => {
  it('keeps the assignee from owner_id when the owner row is null', () => {
    const body = structuredClone(fixture('hostup', 'v1-ticket')) as Envelope;
    Object.assign(body.data.ticket, { owner: null, owner_id: '5' });
    expect(v1(body).assignee).toMatchObject({ nativeId: 'admin:5', kind: 'AGENT', name: null, email: null, role: 'Admin' });
  });

  it.each([
    ['0', 'LOW'],
    ['1', 'MEDIUM'],
    ['2', 'HIGH'],
    ['3', 'URGENT'],
    ['4', 'CRITICAL'],
    [0, 'LOW'],
    [2, 'HIGH'],
    ['9', 'UNKNOWN'],
  ] as const)('priority %j → %s, raw kept as a string', (raw, expected) => {
    expect(mapHostupPriority(raw)).toBe(expected);
    const body = structuredClone(fixture('hostup', 'v1-ticket')) as Envelope;
    body.data.ticket.priority = raw;
    expect(v1(body)).toMatchObject({ priority: expected, providerPriority: String(raw) });
  });
});

describe('toV1Ticket', () => {
  it('maps a v1 ticket: number as native id, owner as agent, client as requester, department as team', () => {
    const body = fixture('hostup', 'v1-ticket') as Envelope;
    const ticket = v1(body);
    expect(ticket).toMatchObject({
      provider: 'hostup',
      nativeId: '616828',
      number: '616828',
      title: 'VPS not reachable after reboot',
      titleDerived: false,
      description: 'My VPS does not answer on port 22 since the reboot.',
      status: 'OPEN',
      providerStatus: 'Customer-Reply',
      priority: 'HIGH',
      providerPriority: 'High',
      type: 'VPS',
      team: { id: '3', name: 'VPS', avatarUrl: null },
      createdAt: new Date('2026-09-28T09:12:44.000Z'),
      updatedAt: new Date('2026-09-29T14:05:00.000Z'),
      closedAt: null,
    });
    expect(decodeId(ticket.id)).toEqual({ type: 'Ticket', provider: 'hostup', nativeId: '616828' });
    expect(ticket.raw).toBe(body.data.ticket);
    expect(ticket.requester).toMatchObject({ nativeId: 'client:1013', kind: 'CONTACT', name: 'Linus Torvalds', email: 'Linus.Torvalds13@customer.example.org', role: 'Client' });
    expect(ticket.assignee).toMatchObject({
      nativeId: 'admin:3',
      kind: 'AGENT',
      name: 'Grace Hopper',
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace.hopper2@support.example.com',
    });
    expect(decodeId(ticket.assignee?.id ?? '')).toMatchObject({ type: 'Membership', nativeId: 'admin:3' });
  });

  it('maps tags[] strings to tags keyed by their text, skipping blanks', () => {
    const ticket = v1(fixture('hostup', 'v1-ticket'));
    expect(ticket.tags?.map((t) => [t.nativeId, t.name])).toEqual([
      ['vps', 'vps'],
      ['outage', 'outage'],
    ]);
    expect(decodeId(ticket.tags?.[0]?.id ?? '')).toEqual({ type: 'Tag', provider: 'hostup', nativeId: 'vps' });
  });

  it('builds the timeline: created, replies (public, by replier type) and notes (internal)', () => {
    const ticket = v1(fixture('hostup', 'v1-ticket'));
    const activities = ticket.activities ?? [];
    expect(activities.map((a) => [a.kind, a.kind === 'COMMENT' ? a.internal : null, a.author?.kind ?? null, a.author?.nativeId ?? null])).toEqual([
      ['CREATED', null, 'CONTACT', 'client:1013'],
      ['COMMENT', false, 'SYSTEM', 'system:HostUp Support Bot'],
      ['COMMENT', false, 'AGENT', 'admin:3'],
      ['COMMENT', false, 'CONTACT', 'client:1013'],
      ['COMMENT', true, null, null],
    ]);
    const note = activities[4] as CommentActivityModel;
    expect(note.body).toBe('Customer is on the old hypervisor, migrate if it recurs.');
    expect(note.createdAt).toEqual(ticket.updatedAt);
    expect(decodeId(note.id).nativeId).toBe('616828:note:0');
    expect(decodeId(activities[2]?.id ?? '').nativeId).toBe('616828:reply:2000418');
    expect(activities.every((a) => a.ticketId === ticket.id)).toBe(true);
  });

  it('keys a requester without a client id by email, lowercased', () => {
    const body = structuredClone(fixture('hostup', 'v1-ticket')) as Envelope;
    body.data.ticket.client_id = '0';
    expect(v1(body).requester?.nativeId).toBe('email:linus.torvalds13@customer.example.org');
  });

  it('treats owner id "0" as unassigned', () => {
    const body = structuredClone(fixture('hostup', 'v1-ticket')) as Envelope;
    body.data.ticket.owner = { id: '0', username: '', firstname: '', lastname: '', email: '', status: '' };
    body.data.ticket.owner_id = '0';
    expect(v1(body).assignee).toBeNull();
  });

  it('takes closedAt from resolve_date on a closed ticket', () => {
    const body = structuredClone(fixture('hostup', 'v1-ticket')) as Envelope;
    Object.assign(body.data.ticket, { status: 'Closed', resolve_date: '2026-09-30 10:00:00' });
    const ticket = v1(body);
    expect(ticket.status).toBe('CLOSED');
    expect(ticket.closedAt).toEqual(new Date('2026-09-30T10:00:00.000Z'));
  });

  it('keeps an unknown status raw', () => {
    const body = structuredClone(fixture('hostup', 'v1-ticket')) as Envelope;
    body.data.ticket.status = 'Awaiting-Billing';
    expect(v1(body)).toMatchObject({ status: 'UNKNOWN', providerStatus: 'Awaiting-Billing' });
  });

  it('rejects the seed placeholder times as a bad payload naming the field', () => {
    const seed = fixture('hostup', 'seed-v1-ticket');
    let error: unknown;
    try {
      v1(seed);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).code).toBe('UPSTREAM_BAD_RESPONSE');
    expect((error as UpstreamError).extensions.path).toBe('data.ticket.date');
  });
});

describe('toV2Ticket', () => {
  it('maps a v2 detail: tkt_ id as native id, department as team, no tags, no assignee', () => {
    const raw = fixture('hostup', 'v2-ticket');
    const ticket = toV2Ticket(hostupV2TicketSchema.parse(raw), raw);
    expect(ticket).toMatchObject({
      nativeId: 'tkt_01hxa3b4c5d6e7f8g9h0j1k2m3',
      number: '149943',
      title: 'Question about my VPS',
      description: 'My VPS is not reachable from the internet.',
      status: 'WAITING',
      providerStatus: 'answered',
      priority: 'URGENT',
      providerPriority: 'urgent',
      type: 'VPS',
      team: { id: 'vps', name: 'VPS', avatarUrl: null },
      assignee: null,
      tags: [],
      createdAt: new Date('2026-04-27T11:45:00.000Z'),
      updatedAt: new Date('2026-04-27T12:05:00.000Z'),
      closedAt: null,
    });
    expect(ticket.raw).toBe(raw);
    expect(ticket.requester).toMatchObject({ nativeId: 'name:Jane Example', kind: 'CONTACT', name: 'Jane Example', email: null });
  });

  it('maps messages to public comments with their senders as authors', () => {
    const raw = fixture('hostup', 'v2-ticket');
    const ticket = toV2Ticket(hostupV2TicketSchema.parse(raw), raw);
    const activities = ticket.activities ?? [];
    expect(activities.map((a) => [a.kind, a.author?.kind ?? null, a.author?.nativeId ?? null])).toEqual([
      ['CREATED', 'CONTACT', 'name:Jane Example'],
      ['COMMENT', 'AI', 'automation:hostup'],
      ['COMMENT', 'CONTACT', 'name:Jane Example'],
      ['COMMENT', 'AGENT', 'staff:Erik Support'],
    ]);
    const customer = activities[2] as CommentActivityModel;
    expect(customer).toMatchObject({ internal: false, body: 'Here are the extra details you asked for.' });
    expect(decodeId(customer.id).nativeId).toBe('tmsg_01hxa3b4c5d6e7f8g9h0j1k2m2');
    expect(customer.attachments).toEqual([
      {
        id: 'tatt_01hxa3b4c5d6e7f8g9h0j1k2bb',
        name: 'screenshot.png',
        url: 'https://cloud.hostup.se/api/v2/support/attachments/tatt_01hxa3b4c5d6e7f8g9h0j1k2bb?ticketId=tkt_01hxa3b4c5d6e7f8g9h0j1k2m3',
        mimeType: 'image/png',
        size: 52000,
      },
    ]);
  });

  it('leaves the timeline undefined for list summaries, and falls back on nullable times', () => {
    const raw = fixture('hostup', 'v2-list') as { data: unknown[] };
    const list = hostupV2TicketListSchema.parse(raw);
    const [first, second] = (list.data ?? []).map((row, i) => toV2Ticket(row, raw.data[i], { operation: 'listTickets', path: `data.${i}` }));
    expect(first?.activities).toBeUndefined();
    expect(first?.description).toBeNull();
    expect(first?.raw).toBe(raw.data[0]);
    expect(first?.status).toBe('IN_PROGRESS');
    expect(second).toMatchObject({
      status: 'UNKNOWN',
      providerStatus: 'waiting_for_partner',
      priority: 'CRITICAL',
      requester: null,
      title: null,
      type: 'general-web-hosting',
      createdAt: new Date('2026-04-26T08:00:00.000Z'),
    });
  });

  it('rejects a ticket without any time as a bad payload', () => {
    const row = { id: 'tkt_x', number: '1', subject: null, status: 'open', priority: 'low', departmentSlug: 'vps', createdAt: null, updatedAt: null };
    expect(() => toV2Ticket(hostupV2TicketSchema.parse(row), row, { operation: 'listTickets', path: 'data.3' })).toThrowError(
      expect.objectContaining({ code: 'UPSTREAM_BAD_RESPONSE', extensions: expect.objectContaining({ path: 'data.3.createdAt' }) }),
    );
  });

  it('derives closedAt from the last update of a closed ticket', () => {
    const raw = { ...(fixture('hostup', 'v2-ticket') as object), status: 'closed' };
    expect(toV2Ticket(hostupV2TicketSchema.parse(raw), raw).closedAt).toEqual(new Date('2026-04-27T12:05:00.000Z'));
  });

  it('maps a reply message to an activity', () => {
    const message = hostupV2MessageSchema.parse({
      id: 'tmsg_9',
      ticketId: 'tkt_1',
      sentAt: null,
      body: 'hi',
      sender: 'customer',
      senderName: null,
      encrypted: false,
      attachments: [],
    });
    const fallback = new Date('2026-01-01T00:00:00.000Z');
    expect(toV2Activity(message, 'T', fallback)).toMatchObject({ kind: 'COMMENT', author: null, createdAt: fallback, ticketId: 'T' });
  });
});

describe('readHostupError', () => {
  it('reads v2 problem details: request id, detail and field pointers', () => {
    const body = {
      type: 'https://developer.hostup.se/errors/invalid_request',
      title: 'Validation failed',
      status: 400,
      detail: 'The request body failed validation.',
      code: 'invalid_request',
      requestId: 'req_1',
      errors: [{ pointer: '/departmentSlug', detail: 'required', code: 'missing_required' }],
    };
    expect(hostupV2ProblemSchema.safeParse(body).success).toBe(true);
    expect(readHostupError(body)).toEqual({ requestId: 'req_1', message: 'The request body failed validation.', fields: ['/departmentSlug'] });
  });

  it('reads v1 envelopes and ignores unknown shapes', () => {
    expect(readHostupError({ error: 'not_found', message: 'Ticket 1 not found', code: 'TICKET_NOT_FOUND', requestId: 'r' })).toEqual({
      requestId: 'r',
      message: 'Ticket 1 not found',
    });
    expect(readHostupError('<html>')).toEqual({});
  });
});
