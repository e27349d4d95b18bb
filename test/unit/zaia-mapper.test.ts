import { describe, expect, it } from 'vitest';
import { mapZaiaStatus, toActivities, toAssignee, toRequester, toResponder, toTag, toTicket, zaiaStatusesFor, zaiaUpdatedAt } from '../../src/providers/zaia/mapper.js';
import {
  zaiaMessageSchema,
  zaiaTicketDetailsListSchema,
  zaiaTicketDetailsSchema,
  zaiaTicketSchema,
  zaiaTicketTagSchema,
  type ZaiaTicketDetails,
} from '../../src/providers/zaia/wire.js';
import { decodeId, encodeId } from '../../src/ids.js';
import { fixture } from '../helpers/fixtures.js';

const completedRaw = fixture('zaia', 'ticket-details.completed');
const completed = zaiaTicketDetailsSchema.parse(completedRaw);
const listRaw = fixture('zaia', 'ticket-details-list') as unknown[];
const [pending, ongoing] = zaiaTicketDetailsListSchema.parse(listRaw) as [ZaiaTicketDetails, ZaiaTicketDetails];

describe('zaia schemas', () => {
  it.each([
    ['ticket-details.seed-placeholders', zaiaTicketDetailsSchema],
    ['ticket-details.completed', zaiaTicketDetailsSchema],
    ['ticket-details-list', zaiaTicketDetailsListSchema],
    ['ticket.seed-placeholders', zaiaTicketSchema],
    ['ticket-tag.seed-placeholders', zaiaTicketTagSchema],
    ['message.seed-placeholders', zaiaMessageSchema],
  ] as const)('accepts the documented shape %s', (name, schema) => {
    expect(schema.safeParse(fixture('zaia', name)).success).toBe(true);
  });

  it('tolerates unknown extra fields and strips them from the parse result', () => {
    const parsed = zaiaTicketDetailsSchema.parse({ ...completed, priority: 'high', nested: { a: 1 } });
    expect(parsed).not.toHaveProperty('priority');
  });

  it('accepts nullable fields given as null or left out', () => {
    const nulls = { ...completed, assigneeId: null, ongoingAt: null, completedAt: null, isOwnerBlocked: null };
    expect(zaiaTicketDetailsSchema.safeParse(nulls).success).toBe(true);
    const { assigneeEmail: _a, channelType: _c, ...missing } = completed;
    expect(zaiaTicketDetailsSchema.safeParse(missing).success).toBe(true);
  });

  it.each([
    ['a required field missing', { ...completed, chatId: undefined }, 'chatId'],
    ['a wrong type', { ...completed, responderId: 3 }, 'responderId'],
    ['a timestamp that does not parse', { ...completed, createdAt: 'yesterday' }, 'createdAt'],
  ])('rejects %s', (_name, body, path) => {
    const result = zaiaTicketDetailsSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe(path);
  });

  it('issue 18: does not check documented fields the mapper does not read', () => {
    expect(zaiaTicketDetailsSchema.safeParse({ ...completed, pendingChatMessages: '3', responderVersionNumber: 1.5, workspaceId: null }).success).toBe(true);
  });

  it.each([null, 'garbage', 42, [], {}])('rejects garbage %j', (body) => {
    expect(zaiaTicketDetailsSchema.safeParse(body).success).toBe(false);
  });

  it('rejects a list that is not an array', () => {
    expect(zaiaTicketDetailsListSchema.safeParse({ items: listRaw }).success).toBe(false);
  });
});

describe('mapZaiaStatus', () => {
  it.each([
    ['pending', 'OPEN'],
    ['ongoing', 'IN_PROGRESS'],
    ['completed', 'CLOSED'],
    ['finished', 'UNKNOWN'],
    ['COMPLETED', 'UNKNOWN'],
    ['', 'UNKNOWN'],
    ['toString', 'UNKNOWN'],
    [null, 'UNKNOWN'],
  ] as const)('%s → %s', (raw, status) => {
    expect(mapZaiaStatus(raw)).toBe(status);
  });

  it('keeps an unknown wire value in providerStatus', () => {
    const ticket = toTicket({ ...completed, status: 'archived' }, completedRaw);
    expect(ticket.status).toBe('UNKNOWN');
    expect(ticket.providerStatus).toBe('archived');
  });

  it.each([
    [undefined, ['pending', 'ongoing', 'completed']],
    [[], ['pending', 'ongoing', 'completed']],
    [['OPEN'], ['pending']],
    [
      ['CLOSED', 'IN_PROGRESS'],
      ['ongoing', 'completed'],
    ],
    [['WAITING', 'RESOLVED'], []],
  ] as const)('list sources for %j are %j', (statuses, wire) => {
    expect(zaiaStatusesFor(statuses as never)).toEqual(wire);
  });
});

describe('issue 17: ZAIA_STATUS_VALUES replaces the inferred status values', () => {
  const values = Object.freeze({ open: 'unanswered', ongoing: 'in_progress', completed: 'finished' });

  it.each([
    ['unanswered', 'OPEN'],
    ['in_progress', 'IN_PROGRESS'],
    ['finished', 'CLOSED'],
    ['pending', 'UNKNOWN'],
  ] as const)('with the setting, %s → %s', (raw, status) => {
    expect(mapZaiaStatus(raw, values)).toBe(status);
  });

  it('lists the configured values as sources and builds the timeline from them', () => {
    expect(zaiaStatusesFor(undefined, values)).toEqual(['unanswered', 'in_progress', 'finished']);
    expect(zaiaStatusesFor(['CLOSED'], values)).toEqual(['finished']);
    const ticket = toTicket({ ...completed, status: 'finished' }, completedRaw, values);
    expect(ticket).toMatchObject({ status: 'CLOSED', providerStatus: 'finished' });
    const changes = ticket.activities?.filter((a) => a.kind === 'STATUS_CHANGE') ?? [];
    expect(changes.at(-1)).toMatchObject({ toProviderStatus: 'finished', to: 'CLOSED' });
  });
});

describe('issue 17: Zaia channel', () => {
  it('maps channelId/Name/Type to Ticket.channel, null when the row has none', () => {
    const rows = fixture('zaia', 'ticket-details-list') as Record<string, unknown>[];
    const tickets = rows.map((row) => toTicket(zaiaTicketDetailsSchema.parse(row), row));
    expect(tickets[0]?.channel).toBeNull();
    const withChannel = rows.findIndex((row) => row.channelId !== null);
    expect(tickets[withChannel]?.channel).toEqual({
      id: rows[withChannel]?.channelId,
      name: rows[withChannel]?.channelName ?? null,
      type: rows[withChannel]?.channelType ?? null,
    });
  });
});

describe('zaia toTicket', () => {
  it('maps a completed details row', () => {
    const ticket = toTicket(completed, completedRaw);
    expect(ticket).toMatchObject({
      id: encodeId('Ticket', 'zaia', 'ff3cae62-70a1-4ac8-acb4-a045867cf3e6'),
      provider: 'zaia',
      nativeId: 'ff3cae62-70a1-4ac8-acb4-a045867cf3e6',
      number: null,
      title: 'Customer cannot log in after the password reset and asks for a human.',
      titleDerived: true,
      description: 'Customer cannot log in after the password reset and asks for a human.',
      status: 'CLOSED',
      providerStatus: 'completed',
      priority: null,
      providerPriority: null,
      type: null,
      team: { id: '69d28d7e-be80-4d48-b115-f01c242bd896', name: 'Technical', avatarUrl: null },
      tags: undefined,
      createdAt: new Date('2026-09-12T09:15:22.000Z'),
      updatedAt: new Date('2026-09-12T16:40:00.000Z'),
      closedAt: new Date('2026-09-12T16:40:00.000Z'),
    });
    expect(decodeId(ticket.id)).toEqual({ type: 'Ticket', provider: 'zaia', nativeId: completed.id });
  });

  it('keeps the body as received in raw, unknown fields included', () => {
    const raw = { ...(completedRaw as object), extra: 'kept' };
    const ticket = toTicket(zaiaTicketDetailsSchema.parse(raw), raw);
    expect(ticket.raw).toBe(raw);
    expect(ticket.raw).toHaveProperty('extra', 'kept');
  });

  it('maps the seed placeholder row without failing', () => {
    const raw = fixture('zaia', 'ticket-details.seed-placeholders');
    const ticket = toTicket(zaiaTicketDetailsSchema.parse(raw), raw);
    expect(ticket.status).toBe('UNKNOWN');
    expect(ticket.providerStatus).toBe('string');
    expect(ticket.requester?.email).toBe('string');
  });

  it('maps a pending unassigned row: no assignee, no team, no close time', () => {
    const ticket = toTicket(pending, listRaw[0]);
    expect(ticket.status).toBe('OPEN');
    expect(ticket.assignee).toBeNull();
    expect(ticket.team).toBeNull();
    expect(ticket.closedAt).toBeNull();
    expect(ticket.updatedAt).toEqual(ticket.createdAt);
    expect(ticket.raw).toBe(listRaw[0]);
  });

  it('uses the latest lifecycle timestamp as updatedAt (the row has none)', () => {
    expect(zaiaUpdatedAt(ongoing)).toEqual(new Date('2026-09-30T10:00:00.000Z'));
    expect(zaiaUpdatedAt({ createdAt: '2026-01-02T00:00:00Z', ongoingAt: null, completedAt: '2026-01-01T00:00:00Z' })).toEqual(new Date('2026-01-02T00:00:00Z'));
  });
});

describe('zaia people', () => {
  it('maps the assignee as an AGENT with the workspace user id', () => {
    expect(toAssignee(completed)).toEqual({
      id: encodeId('Membership', 'zaia', '0b7c1e4a-5a1f-4d7e-9c1b-2f6a8d3e4b10'),
      provider: 'zaia',
      nativeId: '0b7c1e4a-5a1f-4d7e-9c1b-2f6a8d3e4b10',
      kind: 'AGENT',
      name: 'Grace Hopper',
      firstName: null,
      lastName: null,
      email: 'grace.hopper2@support.example.com',
      phone: null,
      avatarUrl: 'https://avatars.example.com/2.png',
      role: null,
      blocked: null,
    });
  });

  it('falls back to an email id when the assignee has no id', () => {
    const assignee = toAssignee({ ...completed, assigneeId: null, assigneeEmail: 'Grace@Support.Example.com' });
    expect(assignee?.nativeId).toBe('email:grace@support.example.com');
    expect(toAssignee({ ...completed, assigneeId: null, assigneeEmail: null })).toBeNull();
  });

  it('maps an external chat owner with a phone identifier as a CONTACT', () => {
    expect(toRequester(completed)).toMatchObject({
      nativeId: '5b11af18-1120-42ac-8560-c13520489435',
      kind: 'CONTACT',
      name: 'John Dijkstra',
      email: null,
      phone: '+46706466277',
      role: 'external_user',
      blocked: false,
    });
  });

  it('reads an email-shaped identifier of an external owner as its email', () => {
    expect(toRequester(ongoing)).toMatchObject({ kind: 'CONTACT', email: 'tim.perlman11@customer.example.org', phone: null, name: null, blocked: true });
  });

  it('maps a platform-user chat owner as an OWNER with its email', () => {
    expect(toRequester(pending)).toMatchObject({
      nativeId: 'd4c3b2a1-0f9e-4d8c-b7a6-5f4e3d2c1b0a',
      kind: 'OWNER',
      email: 'Ada.Lovelace12@Customer.Example.org',
      phone: null,
      role: 'user',
      blocked: null,
    });
  });

  it('maps an agent responder as AI and a human responder as RESPONDER', () => {
    expect(toResponder(completed)).toMatchObject({ kind: 'AI', nativeId: completed.responderId, name: 'Helpdesk Bot', avatarUrl: null, role: 'agent' });
    expect(toResponder(pending)).toMatchObject({ kind: 'RESPONDER', name: 'Grace Hopper', role: 'user' });
  });

  it('maps a tag id to a tag without a name', () => {
    expect(toTag('t-1')).toEqual({ id: encodeId('Tag', 'zaia', 't-1'), provider: 'zaia', nativeId: 't-1', name: null });
  });
});

describe('zaia toActivities', () => {
  it('derives CREATED, ongoing and completed from the row timestamps', () => {
    const activities = toActivities(completed);
    expect(activities.map((a) => a.kind)).toEqual(['CREATED', 'STATUS_CHANGE', 'STATUS_CHANGE']);
    expect(activities[1]).toMatchObject({
      from: 'OPEN',
      to: 'IN_PROGRESS',
      fromProviderStatus: 'pending',
      toProviderStatus: 'ongoing',
      createdAt: new Date('2026-09-12T09:20:00.000Z'),
      author: null,
    });
    expect(activities[2]).toMatchObject({ from: 'IN_PROGRESS', to: 'CLOSED', toProviderStatus: 'completed' });
    for (const activity of activities) expect(activity.ticketId).toBe(encodeId('Ticket', 'zaia', completed.id));
  });

  it('gives deterministic, distinct ids', () => {
    const ids = toActivities(completed).map((a) => a.id);
    expect(new Set(ids).size).toBe(3);
    expect(toActivities(completed).map((a) => a.id)).toEqual(ids);
    expect(decodeId(ids[0] as string).nativeId).toBe(`${completed.id}:CREATED:0`);
  });

  it('completes from pending when the ticket never went ongoing', () => {
    const activities = toActivities({ ...completed, ongoingAt: null });
    expect(activities.map((a) => a.kind)).toEqual(['CREATED', 'STATUS_CHANGE']);
    expect(activities[1]).toMatchObject({ fromProviderStatus: 'pending', toProviderStatus: 'completed', from: 'OPEN', to: 'CLOSED' });
  });

  it('has only CREATED for a pending ticket', () => {
    expect(toActivities(pending).map((a) => a.kind)).toEqual(['CREATED']);
  });
});
