import { readSonzaiError } from '../../src/providers/sonzai/errors.js';
import { describe, expect, it } from 'vitest';
import { decodePosition, nextPosition } from '../../src/providers/sonzai/client.js';
import { mapSonzaiPriority, mapSonzaiStatus, sonzaiStatusesFor, toCommentActivity, toPerson, toSonzaiPriority, toTicket, toTicketSummary } from '../../src/providers/sonzai/mapper.js';
import { sonzaiCommentSchema, sonzaiErrorSchema, sonzaiTicketDetailSchema, sonzaiTicketListSchema, sonzaiTicketSchema } from '../../src/providers/sonzai/wire.js';
import { decodeId, encodeId } from '../../src/ids.js';
import type { ActivityModel } from '../../src/model/activity.js';
import { fixture } from '../helpers/fixtures.js';

const membershipId = (nativeId: string) => encodeId('Membership', 'sonzai', nativeId);
const clone = <T>(value: T): T => structuredClone(value);

describe('sonzai schemas', () => {
  it.each([
    ['list', sonzaiTicketListSchema],
    ['ticket', sonzaiTicketSchema],
    ['detail', sonzaiTicketDetailSchema],
    ['comment', sonzaiCommentSchema],
    ['error', sonzaiErrorSchema],
    ['detail-realistic', sonzaiTicketDetailSchema],
    ['list-cursor', sonzaiTicketListSchema],
  ] as const)('accepts the %s fixture', (name, schema) => {
    expect(schema.safeParse(fixture('sonzai', name)).success).toBe(true);
  });

  it('accepts both paging dialects of the list and a Go nil slice', () => {
    expect(sonzaiTicketListSchema.parse({ tickets: [], has_more: false, next_cursor: null }).next_cursor).toBeNull();
    expect(sonzaiTicketListSchema.parse({ tickets: [], has_more: false, total: 0 }).total).toBe(0);
    expect(sonzaiTicketListSchema.parse({ tickets: null, has_more: false }).tickets).toBeNull();
  });

  it('tolerates documented nulls and missing optional fields on a ticket', () => {
    const ticket = {
      ticket_id: 't-1',
      title: 'x',
      status: 'open',
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      assigned_to: null,
      assigned_to_email: null,
      resolved_at: null,
      comments: null,
    };
    expect(sonzaiTicketSchema.safeParse(ticket).success).toBe(true);
  });

  it.each([
    ['no ticket_id', (t: Record<string, unknown>) => delete t.ticket_id],
    ['an empty ticket_id', (t: Record<string, unknown>) => (t.ticket_id = '')],
    ['a numeric status', (t: Record<string, unknown>) => (t.status = 3)],
    ['a created_at that is not a date', (t: Record<string, unknown>) => (t.created_at = 'yesterday')],
    ['title as a number', (t: Record<string, unknown>) => (t.title = 2)],
  ])('rejects a ticket with %s', (_name, breakIt) => {
    const ticket = clone(fixture('sonzai', 'ticket')) as Record<string, unknown>;
    breakIt(ticket);
    expect(sonzaiTicketSchema.safeParse(ticket).success).toBe(false);
  });

  it('rejects garbage bodies', () => {
    for (const body of ['', null, [], '<html>', { tickets: [] }]) expect(sonzaiTicketListSchema.safeParse(body).success).toBe(false);
    expect(sonzaiTicketDetailSchema.safeParse({ history: [] }).success).toBe(false);
    expect(sonzaiCommentSchema.safeParse({ comment_id: 'c', content: 'x', created_at: '2026-01-01T00:00:00Z' }).success).toBe(false);
  });
});

describe('mapSonzaiStatus', () => {
  it.each([
    ['open', 'OPEN'],
    ['in_progress', 'IN_PROGRESS'],
    ['resolved', 'RESOLVED'],
    ['closed', 'CLOSED'],
    ['escalated', 'UNKNOWN'],
    ['OPEN', 'UNKNOWN'],
    ['', 'UNKNOWN'],
    ['toString', 'UNKNOWN'],
  ] as const)('%s → %s', (raw, status) => {
    expect(mapSonzaiStatus(raw)).toBe(status);
  });

  it('gives the upstream values of each normalised status', () => {
    expect(sonzaiStatusesFor('RESOLVED')).toEqual(['resolved']);
    expect(sonzaiStatusesFor('WAITING')).toEqual([]);
  });
});

describe('mapSonzaiPriority', () => {
  it.each([
    ['low', 'LOW'],
    ['medium', 'MEDIUM'],
    ['High', 'HIGH'],
    ['urgent', 'URGENT'],
    ['critical', 'CRITICAL'],
    ['p2', 'UNKNOWN'],
    ['constructor', 'UNKNOWN'],
  ] as const)('%s → %s', (raw, priority) => {
    expect(mapSonzaiPriority(raw)).toBe(priority);
  });

  it('maps our priorities back to Sonzai words, and refuses UNKNOWN', () => {
    expect(toSonzaiPriority('URGENT')).toBe('urgent');
    expect(toSonzaiPriority('UNKNOWN')).toBeUndefined();
  });
});

describe('toTicket (seed payloads)', () => {
  it('maps the seed ticket, keeping unknown status and priority raw', () => {
    const raw = fixture('sonzai', 'ticket');
    const ticket = toTicket(sonzaiTicketSchema.parse(raw), raw);
    expect(ticket).toMatchObject({
      id: encodeId('Ticket', 'sonzai', 'string'),
      provider: 'sonzai',
      nativeId: 'string',
      number: null,
      title: 'string',
      titleDerived: false,
      description: 'string',
      status: 'UNKNOWN',
      providerStatus: 'string',
      priority: 'UNKNOWN',
      providerPriority: 'string',
      type: 'string',
      team: null,
      tags: [],
      activities: undefined,
      createdAt: new Date('2019-08-24T14:15:22Z'),
      updatedAt: new Date('2019-08-24T14:15:22Z'),
      closedAt: null,
    });
    expect(ticket.raw).toBe(raw);
    expect(ticket.requester).toMatchObject({ nativeId: 'email:string', kind: 'USER', email: 'string', role: 'creator' });
    expect(ticket.assignee).toMatchObject({ nativeId: 'email:string', kind: 'AGENT', email: 'string', role: 'assignee' });
  });

  it('maps the seed detail with its comment and history row', () => {
    const raw = fixture('sonzai', 'detail');
    const detail = sonzaiTicketDetailSchema.parse(raw);
    const ticket = toTicket(detail.ticket, raw, detail.history);
    expect(ticket.raw).toBe(raw);
    expect(ticket.activities).toHaveLength(2);
    const [comment, history] = ticket.activities as [ActivityModel, ActivityModel];
    expect(comment).toMatchObject({ kind: 'COMMENT', body: 'string', internal: true, attachments: [], ticketId: ticket.id });
    expect(history).toMatchObject({ kind: 'FIELD_CHANGE', field: 'string', oldValue: 'string', newValue: 'string' });
  });

  it('issue 17: a closed ticket without resolved_at takes closedAt from the history’s last status change into closed', () => {
    const raw = structuredClone(fixture('sonzai', 'detail')) as { ticket: Record<string, unknown>; history: Record<string, unknown>[] };
    const row = raw.history[0] as Record<string, unknown>;
    raw.ticket.status = 'closed';
    raw.ticket.resolved_at = null;
    raw.history = [
      { ...row, history_id: 'h1', field_changed: 'status', old_value: 'open', new_value: 'closed', created_at: '2026-03-01T10:00:00Z' },
      { ...row, history_id: 'h2', field_changed: 'status', old_value: 'closed', new_value: 'open', created_at: '2026-03-02T10:00:00Z' },
      { ...row, history_id: 'h3', field_changed: 'status', old_value: 'open', new_value: 'closed', created_at: '2026-03-03T10:00:00Z' },
      { ...row, history_id: 'h4', field_changed: 'priority', old_value: 'low', new_value: 'closed', created_at: '2026-03-04T10:00:00Z' },
    ];
    const detail = sonzaiTicketDetailSchema.parse(raw);
    expect(toTicket(detail.ticket, raw, detail.history).closedAt).toEqual(new Date('2026-03-03T10:00:00Z'));
    // resolved_at, where given, still wins; without history there is nothing to take it from.
    const withResolved = sonzaiTicketDetailSchema.parse({ ...raw, ticket: { ...raw.ticket, resolved_at: '2026-03-05T00:00:00Z' } });
    expect(toTicket(withResolved.ticket, raw, withResolved.history).closedAt).toEqual(new Date('2026-03-05T00:00:00Z'));
    expect(toTicket(detail.ticket, raw, []).closedAt).toBeNull();
  });

  it('maps the seed list row, which has emails but no people ids', () => {
    const raw = fixture('sonzai', 'list') as { tickets: unknown[] };
    const row = sonzaiTicketListSchema.parse(raw).tickets![0]!;
    const ticket = toTicketSummary(row, raw.tickets[0]);
    expect(ticket).toMatchObject({ nativeId: 'string', status: 'UNKNOWN', description: null, activities: undefined, tags: [] });
    expect(ticket.raw).toBe(raw.tickets[0]);
    expect(ticket.requester?.nativeId).toBe('email:string');
  });
});

describe('toTicket (a realistic detail)', () => {
  const raw = fixture('sonzai', 'detail-realistic');
  const detail = sonzaiTicketDetailSchema.parse(raw);
  const ticket = toTicket(detail.ticket, raw, detail.history);
  const owner = membershipId('email:katherine.bernerslee12@customer.example.org');
  const agent = membershipId('email:frances.hopper8@support.example.com');

  it('maps status, priority, type and closedAt from resolved_at', () => {
    expect(ticket).toMatchObject({
      status: 'CLOSED',
      providerStatus: 'closed',
      priority: 'URGENT',
      providerPriority: 'urgent',
      type: 'bug',
      description: 'The agent stopped answering after the update.',
      closedAt: new Date('2026-09-03T09:00:00Z'),
    });
  });

  it('drops unknown fields in the model but keeps them in raw', () => {
    expect(ticket).not.toHaveProperty('sla_tier');
    expect((ticket.raw as { ticket: { sla_tier: string } }).ticket.sla_tier).toBe('gold');
  });

  it('gives people email-based ids, lower-cased, equal to those of list rows', () => {
    expect(ticket.requester).toMatchObject({ id: owner, kind: 'USER', email: 'Katherine.BernersLee12@customer.example.org' });
    expect(ticket.assignee).toMatchObject({ id: agent, kind: 'AGENT' });
    const list = fixture('sonzai', 'list-cursor') as { tickets: unknown[] };
    const rows = sonzaiTicketListSchema.parse(list).tickets!;
    const summary = toTicketSummary(rows[1]!, list.tickets[1]);
    expect(summary.requester?.id).toBe(ticket.requester?.id);
    expect(summary.assignee?.id).toBe(ticket.assignee?.id);
  });

  it('merges comments and history oldest first, one activity kind per history field', () => {
    const activities = ticket.activities!;
    // 11:00+02:00 is 09:00Z: offsets count, so the status change sorts before the 10:00Z assignment.
    expect(activities.map((a) => a.kind)).toEqual(['STATUS_CHANGE', 'ASSIGNMENT_CHANGE', 'COMMENT', 'FIELD_CHANGE', 'COMMENT', 'STATUS_CHANGE']);
    const [started, assignment, staffComment, priority, userComment, closed] = activities as ActivityModel[];
    // The history value is a user id; the payload pairs it with an email, so the id matches the assignee's.
    expect(assignment).toMatchObject({ kind: 'ASSIGNMENT_CHANGE', from: null, to: { id: agent }, author: { id: agent, kind: 'AGENT' } });
    expect(started).toMatchObject({ from: 'OPEN', to: 'IN_PROGRESS', fromProviderStatus: 'open', toProviderStatus: 'in_progress' });
    expect(started!.createdAt).toEqual(new Date('2026-09-01T09:00:00.123Z'));
    expect(staffComment).toMatchObject({ body: 'Looking into it.', internal: false, author: { id: agent, kind: 'AGENT', role: 'staff' } });
    expect(priority).toMatchObject({ field: 'priority', oldValue: 'high', newValue: 'urgent' });
    expect(userComment).toMatchObject({ author: { id: owner, kind: 'USER', role: 'user' } });
    expect(closed).toMatchObject({ from: 'UNKNOWN', fromProviderStatus: 'escalated', to: 'CLOSED', author: { id: owner, kind: 'USER' } });
  });

  it('gives activities stable ids from the provider ids', () => {
    const ids = ticket.activities!.map((a) => decodeId(a.id, 'Activity').nativeId);
    expect(ids).toContain('8643880f-f306-416c-a99f-64aa8f7620b5/comment/c-1');
    expect(ids).toContain('8643880f-f306-416c-a99f-64aa8f7620b5/history/h-4');
    expect(new Set(ids).size).toBe(ids.length);
    expect(toTicket(detail.ticket, raw, detail.history).activities!.map((a) => a.id)).toEqual(ticket.activities!.map((a) => a.id));
  });

  it('leaves the timeline to the loader when the payload has no history (create, close)', () => {
    expect(toTicket(detail.ticket, detail.ticket).activities).toBeUndefined();
  });
});

describe('toTicket (nulls and missing fields)', () => {
  const base = {
    ticket_id: 't-1',
    title: 'x',
    status: 'resolved',
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-02T00:00:00Z',
  };

  it('has no people, no priority and no closedAt when the payload has none', () => {
    const ticket = toTicket(sonzaiTicketSchema.parse(base), base, null);
    expect(ticket).toMatchObject({ requester: null, assignee: null, priority: null, providerPriority: null, type: null, description: null });
    expect(ticket.closedAt).toBeNull();
    expect(ticket.activities).toEqual([]);
  });

  it('uses the user id when there is no email', () => {
    const payload = { ...base, created_by: 'user_2abc', assigned_to: 'user_2def', resolved_at: '2026-01-02T00:00:00Z' };
    const ticket = toTicket(sonzaiTicketSchema.parse(payload), payload);
    expect(ticket.requester).toMatchObject({ id: membershipId('user_2abc'), nativeId: 'user_2abc', email: null });
    expect(ticket.assignee?.nativeId).toBe('user_2def');
    expect(ticket.closedAt).toEqual(new Date('2026-01-02T00:00:00Z'));
  });

  it('ignores resolved_at on a ticket that is open again', () => {
    const payload = { ...base, status: 'open', resolved_at: '2026-01-02T00:00:00Z' };
    expect(toTicket(sonzaiTicketSchema.parse(payload), payload).closedAt).toBeNull();
  });

  it('maps a comment without author fields to no author', () => {
    const comment = sonzaiCommentSchema.parse({ comment_id: 'c', content: 'hi', is_internal: false, created_at: '2026-01-01T00:00:00Z' });
    expect(toCommentActivity(comment, 't-1')).toMatchObject({ author: null, body: 'hi', internal: false, ticketId: encodeId('Ticket', 'sonzai', 't-1') });
  });

  it.each([
    ['staff', 'AGENT'],
    ['admin', 'AGENT'],
    ['system', 'SYSTEM'],
    ['user', 'USER'],
    [null, 'USER'],
  ] as const)('maps author_type %s to %s', (authorType, kind) => {
    const comment = sonzaiCommentSchema.parse({
      comment_id: 'c',
      content: 'hi',
      is_internal: false,
      created_at: '2026-01-01T00:00:00Z',
      author_email: 'A@B.example',
      author_type: authorType,
    });
    expect(toCommentActivity(comment, 't-1').author).toMatchObject({ kind, nativeId: 'email:a@b.example' });
  });

  it('treats an email-valued person field as an email', () => {
    expect(toPerson('X@Y.example', null, 'AGENT')?.nativeId).toBe('email:x@y.example');
    expect(toPerson(' ', '', 'AGENT')).toBeNull();
  });
});

describe('sonzai list positions', () => {
  it('continues by cursor when the page has next_cursor', () => {
    expect(nextPosition({ has_more: true, next_cursor: 'abc=' }, 20, 0)).toBe('c:20:abc=');
    expect(decodePosition('c:20:abc=')).toEqual({ kind: 'cursor', seen: 20, cursor: 'abc=' });
  });

  it('falls back to offset when the page has total but no next_cursor', () => {
    expect(nextPosition({ has_more: true, total: 45 }, 20, 20)).toBe('o:40');
    expect(nextPosition({ has_more: true, total: 45 }, 5, 40)).toBeNull();
    expect(decodePosition('o:40')).toEqual({ kind: 'offset', offset: 40 });
  });

  it('ends on the last page and on an empty page whatever the flags say', () => {
    expect(nextPosition({ has_more: false, next_cursor: null }, 3, 0)).toBeNull();
    expect(nextPosition({ has_more: true, next_cursor: 'abc' }, 0, 0)).toBeNull();
  });

  it('refuses positions it did not issue', () => {
    for (const bad of ['', 'x', 'o:-1', 'o:abc', 'c:1', 'c::abc']) expect(() => decodePosition(bad)).toThrow(/position/);
    expect(decodePosition(null)).toBeNull();
  });
});

describe('readSonzaiError', () => {
  it('reads the seed problem+json', () => {
    expect(readSonzaiError(fixture('sonzai', 'error'))).toEqual({
      fields: ['string'],
      message: 'Property foo is required but is missing.; string: string',
    });
  });

  it('names request fields after our input', () => {
    const info = readSonzaiError({
      status: 422,
      title: 'Unprocessable Entity',
      detail: 'validation failed',
      errors: [
        { location: 'body.title', message: 'expected required property title to be present', value: {} },
        { location: 'body.content', message: 'expected length >= 1', value: '' },
      ],
    });
    expect(info.fields).toEqual(['title', 'body']);
    expect(info.message).toBe('validation failed; title: expected required property title to be present; body: expected length >= 1');
  });

  it('gives nothing for bodies that are not problem+json', () => {
    expect(readSonzaiError('<html>')).toEqual({});
    expect(readSonzaiError({ status: 'bad' })).toEqual({});
    expect(readSonzaiError(undefined)).toEqual({});
  });
});
