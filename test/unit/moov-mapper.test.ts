import { readMoovError } from '../../src/providers/moov/errors.js';
import { describe, expect, it } from 'vitest';
import { mapMoovStatus, moovStatusesFor, parseMoovNativeId, toActivities, toContact, toMessageAuthor, toTicket } from '../../src/providers/moov/mapper.js';
import { moovMessageListSchema, moovTicketListSchema, moovTicketSchema, moovCreateTicketErrorSchema } from '../../src/providers/moov/wire.js';
import { decodeId, encodeId } from '../../src/ids.js';
import { fixture } from '../helpers/fixtures.js';

const ACCOUNT = '873ccb78-88b3-4520-85f2-7cc2aef5704b';

describe('moov schemas', () => {
  it('accepts the seed ticket verbatim', () => {
    expect(moovTicketSchema.safeParse(fixture('moov', 'ticket')).success).toBe(true);
  });

  it('accepts missing and null optional fields, offsets and fractions, and strips unknown keys', () => {
    const parsed = moovTicketSchema.parse(fixture('moov', 'ticket-minimal'));
    expect(parsed.closedOn).toBeNull();
    expect(parsed.foreignID).toBeUndefined();
    expect(parsed).not.toHaveProperty('partnerNote');
  });

  it('accepts the list envelope and the messages array', () => {
    expect(moovTicketListSchema.safeParse(fixture('moov', 'list')).success).toBe(true);
    expect(moovTicketListSchema.safeParse({ items: [] }).success).toBe(true);
    expect(moovMessageListSchema.safeParse(fixture('moov', 'messages')).success).toBe(true);
    expect(moovCreateTicketErrorSchema.safeParse(fixture('moov', 'create-422')).success).toBe(true);
  });

  it.each([
    ['a missing ticketID', { ticketID: undefined }],
    ['an empty ticketID', { ticketID: '' }],
    ['a string number', { number: '7' }],
    ['a missing contact', { contact: undefined }],
    ['a contact without email', { contact: { name: 'x' } }],
    ['a createdOn that is not a date-time', { createdOn: 'yesterday' }],
    ['a numeric status', { status: 3 }],
  ])('rejects a ticket with %s', (_label, patch) => {
    const ticket = { ...(fixture('moov', 'ticket') as Record<string, unknown>), ...patch };
    expect(moovTicketSchema.safeParse(ticket).success).toBe(false);
  });

  it('rejects garbage bodies', () => {
    for (const body of ['', null, [], 'oops', { items: null }]) {
      expect(moovTicketListSchema.safeParse(body).success).toBe(false);
    }
    expect(moovMessageListSchema.safeParse({ items: [] }).success).toBe(false);
    expect(moovMessageListSchema.safeParse([{ author: 'a', body: 'b', sentOn: 'soon' }]).success).toBe(false);
  });
});

describe('mapMoovStatus', () => {
  it.each([
    ['new', 'OPEN'],
    ['in-progress', 'IN_PROGRESS'],
    ['on-hold', 'WAITING'],
    ['closed', 'CLOSED'],
    ['escalated', 'UNKNOWN'],
    ['Closed', 'UNKNOWN'],
    ['', 'UNKNOWN'],
    ['toString', 'UNKNOWN'],
  ] as const)('maps %j to %s', (raw, expected) => {
    expect(mapMoovStatus(raw)).toBe(expected);
  });

  it('knows which Moov values a normalised status stands for', () => {
    expect(moovStatusesFor('OPEN')).toEqual(['new']);
    expect(moovStatusesFor('WAITING')).toEqual(['on-hold']);
    expect(moovStatusesFor('RESOLVED')).toEqual([]);
  });
});

describe('parseMoovNativeId', () => {
  it('splits accountID/ticketID', () => {
    expect(parseMoovNativeId(`${ACCOUNT}/t-1`)).toEqual({ accountId: ACCOUNT, ticketId: 't-1' });
  });

  it.each(['t-1', `${ACCOUNT}/`, `/t-1`, `${ACCOUNT}/t-1/messages`, ' / ', ''])('rejects %j', (nativeId) => {
    expect(parseMoovNativeId(nativeId)).toBeNull();
  });
});

describe('toTicket', () => {
  it('maps the seed ticket', () => {
    const raw = fixture('moov', 'ticket');
    const ticket = toTicket(moovTicketSchema.parse(raw), raw, ACCOUNT);
    expect(ticket).toEqual({
      id: encodeId('Ticket', 'moov', `${ACCOUNT}/string`),
      provider: 'moov',
      nativeId: `${ACCOUNT}/string`,
      number: '0',
      title: 'string',
      titleDerived: false,
      description: null,
      status: 'OPEN',
      providerStatus: 'new',
      priority: null,
      providerPriority: null,
      type: null,
      requester: {
        id: encodeId('Membership', 'moov', 'email:string'),
        provider: 'moov',
        nativeId: 'email:string',
        kind: 'CONTACT',
        name: 'string',
        firstName: null,
        lastName: null,
        email: 'string',
        phone: null,
        avatarUrl: null,
        role: null,
        blocked: null,
      },
      assignee: null,
      team: null,
      tags: [],
      activities: undefined,
      createdAt: new Date('2019-08-24T14:15:22Z'),
      updatedAt: new Date('2019-08-24T14:15:22Z'),
      closedAt: new Date('2019-08-24T14:15:22Z'),
      // Issue 17: documented fields that used to reach only raw.
      lastActivityAt: new Date('2019-08-24T14:15:22Z'),
      externalId: 'string',
      raw,
    });
    expect(ticket.raw).toBe(raw);
    expect(decodeId(ticket.id).nativeId).toBe(`${ACCOUNT}/string`);
  });

  it('issue 17: latestMessageOn → lastActivityAt and foreignID → externalId, null where the row lacks them', () => {
    const raw = fixture('moov', 'list') as { items: unknown[] };
    const [first, second] = raw.items.map((item) => toTicket(moovTicketSchema.parse(item), item, ACCOUNT));
    expect(first).toMatchObject({ lastActivityAt: new Date('2026-05-02T08:00:00Z'), externalId: null });
    expect(second).toMatchObject({ lastActivityAt: null, externalId: 'crm-1' });
  });

  it('keeps an unknown status raw, nulls what is missing and keeps unknown keys in raw', () => {
    const raw = fixture('moov', 'ticket-minimal');
    const ticket = toTicket(moovTicketSchema.parse(raw), raw, ACCOUNT);
    expect(ticket.status).toBe('UNKNOWN');
    expect(ticket.providerStatus).toBe('escalated');
    expect(ticket.closedAt).toBeNull();
    expect(ticket.createdAt.toISOString()).toBe('2026-03-02T08:30:00.123Z');
    expect(ticket.requester).toMatchObject({ kind: 'CONTACT', name: null, email: 'Ada.Lovelace@Example.com', nativeId: 'email:ada.lovelace@example.com' });
    expect((ticket.raw as Record<string, unknown>).partnerNote).toBe('an extra field Moov may add');
  });

  it('maps list rows with their own raw element', () => {
    const raw = fixture('moov', 'list') as { items: unknown[] };
    const list = moovTicketListSchema.parse(raw);
    const tickets = list.items.map((item, i) => toTicket(item, raw.items[i], ACCOUNT));
    expect(tickets.map((t) => [t.status, t.number, t.closedAt?.toISOString() ?? null])).toEqual([
      ['WAITING', '2', null],
      ['CLOSED', '1', '2026-04-02T08:00:00.000Z'],
    ]);
    expect(tickets[1]?.raw).toBe(raw.items[1]);
  });
});

describe('toContact and toMessageAuthor', () => {
  const requester = toContact({ email: 'Grace@Example.org', name: 'Grace Hopper' });

  it('gives one contact the same id whatever the email casing', () => {
    expect(toContact({ email: 'grace@example.org' }).id).toBe(requester.id);
    expect(toContact({ email: 'x@example.org', name: '  ' }).name).toBeNull();
  });

  it('recognises the requester by name or email, case-insensitively', () => {
    expect(toMessageAuthor('grace hopper', requester)).toBe(requester);
    expect(toMessageAuthor('GRACE@example.org', requester)).toBe(requester);
  });

  it('makes anyone else an AGENT keyed by email or by name', () => {
    expect(toMessageAuthor('Agent@Moov.io', requester)).toMatchObject({ kind: 'AGENT', nativeId: 'email:agent@moov.io', email: 'Agent@Moov.io', name: null });
    expect(toMessageAuthor('Support at Moov', requester)).toMatchObject({ kind: 'AGENT', nativeId: 'name:support at moov', name: 'Support at Moov', email: null });
    expect(toMessageAuthor('   ', requester)).toBeNull();
  });
});

describe('toActivities', () => {
  it('turns messages into COMMENT activities, oldest first, with stable ids', () => {
    const raw = fixture('moov', 'list') as { items: unknown[] };
    const ticket = toTicket(moovTicketListSchema.parse(raw).items[0]!, raw.items[0], ACCOUNT);
    const activities = toActivities(moovMessageListSchema.parse(fixture('moov', 'messages')), ticket);
    expect(activities.map((a) => [a.kind, a.body, a.author?.kind, a.createdAt.toISOString()])).toEqual([
      ['COMMENT', 'The refund for order 1234 never arrived.', 'CONTACT', '2026-05-01T08:00:00.000Z'],
      ['COMMENT', 'We are looking into it.', 'AGENT', '2026-05-02T08:00:00.000Z'],
      ['COMMENT', 'Any news?', 'CONTACT', '2026-05-03T08:00:00.000Z'],
      ['COMMENT', 'Escalated to the bank.', 'AGENT', '2026-05-03T09:00:00.000Z'],
    ]);
    expect(activities[0]).toMatchObject({ provider: 'moov', ticketId: ticket.id, internal: false, attachments: [] });
    expect(activities[0]?.author).toEqual(ticket.requester);
    expect(decodeId(activities[2]!.id)).toEqual({ type: 'Activity', provider: 'moov', nativeId: `${ticket.nativeId}/COMMENT/2` });
    expect(new Set(activities.map((a) => a.id)).size).toBe(4);
  });

  it('maps an empty thread to no activities', () => {
    expect(toActivities([], { id: 'x', nativeId: 'a/b', requester: null })).toEqual([]);
  });
});

describe('readMoovError', () => {
  it('reads {error}', () => {
    expect(readMoovError({ error: 'ticket is already closed' })).toEqual({ message: 'ticket is already closed' });
  });

  it('turns a create 422 into our field names', () => {
    expect(readMoovError(fixture('moov', 'create-422'))).toEqual({
      fields: ['title', 'requesterEmail', 'foreignID'],
      message: 'title: cannot be blank; requesterEmail: must be a valid email address; foreignID: the length must be no more than 64',
    });
    expect(readMoovError({ body: 'cannot be blank', contact: { name: 'too long' } }).fields).toEqual(['description', 'requesterName']);
  });

  it('reads an update 422', () => {
    expect(readMoovError({ status: 'must be a valid value: closed' })).toEqual({ fields: ['status'], message: 'status: must be a valid value: closed' });
  });

  it('gives nothing for bodies it does not know', () => {
    expect(readMoovError(undefined)).toEqual({});
    expect(readMoovError('oops')).toEqual({});
    expect(readMoovError({ code: 3 })).toEqual({});
  });
});
