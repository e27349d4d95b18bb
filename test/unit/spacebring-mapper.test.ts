import { describe, expect, it } from 'vitest';
import { activityKind, deriveTitle, mapSpacebringStatus, toActivity, toActivityEntries, toMembership, toSpacebringStatus, toTicket } from '../../src/providers/spacebring/mapper.js';
import {
  spacebringActivitySchema,
  spacebringTicketDetailSchema,
  spacebringTicketListSchema,
  type SpacebringActivity,
  type SpacebringTicket,
} from '../../src/providers/spacebring/wire.js';
import { decodeId, encodeId } from '../../src/ids.js';
import { fixture } from '../helpers/fixtures.js';

const SEED_ID = '3c90c3cc-0d44-4b50-8888-8dd25736052a';
const seed = () => fixture('spacebring', 'get-ticket');

const ticket = (over: Partial<SpacebringTicket> = {}): SpacebringTicket => ({
  id: 'a1b2c3d4-0000-4000-8000-000000000001',
  number: 7,
  description: 'Printer on floor 3 is jammed\n\nSince this morning.',
  locationRef: 'b1b2c3d4-0000-4000-8000-000000000002',
  status: 'inProgress',
  type: 'printing',
  createDate: '2026-05-01T10:00:00Z',
  updateDate: '2026-05-02T10:00:00Z',
  statusUpdateDate: '2026-05-01T12:00:00Z',
  ...over,
});

const user = (id: string, name = 'Grace', surname = 'Hopper') => ({
  id,
  name,
  surname,
  email: `${name.toLowerCase()}@example.com`,
  phoneNumber: '+46700000000',
  photoUrl: 'https://avatars.example.com/g.png',
  blocked: false,
});

const activity = (over: Partial<SpacebringActivity>): SpacebringActivity => ({
  id: 'c1b2c3d4-0000-4000-8000-000000000003',
  ticketRef: 'a1b2c3d4-0000-4000-8000-000000000001',
  createDate: '2026-05-01T11:00:00Z',
  ...over,
});

describe('spacebring schemas', () => {
  it('parse the seed example verbatim', () => {
    const parsed = spacebringTicketDetailSchema.parse(seed());
    expect(parsed.ticket.id).toBe(SEED_ID);
    expect(parsed.activities).toHaveLength(1);
  });

  it('tolerate unknown fields and documented nulls', () => {
    const body = seed() as { ticket: Record<string, unknown>; activities: Record<string, unknown>[] };
    body.ticket.somethingNew = { nested: true };
    body.ticket.userAssignee = null;
    body.ticket.statusUpdateDate = null;
    (body.activities[0] as Record<string, unknown>).lemAI = null;
    const parsed = spacebringTicketDetailSchema.parse(body);
    expect(parsed.ticket).not.toHaveProperty('somethingNew');
    expect(parsed.ticket.userAssignee).toBeNull();
  });

  it.each([
    ['a missing id', (b: { ticket: Record<string, unknown> }) => delete b.ticket.id, 'ticket.id'],
    ['a string number', (b: { ticket: Record<string, unknown> }) => (b.ticket.number = '12'), 'ticket.number'],
    ['an unparseable timestamp', (b: { ticket: Record<string, unknown> }) => (b.ticket.updateDate = 'yesterday'), 'ticket.updateDate'],
  ])('reject %s', (_label, breakIt, path) => {
    const body = seed() as { ticket: Record<string, unknown> };
    breakIt(body);
    const result = spacebringTicketDetailSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe(path);
  });

  it('reject garbage and an empty body', () => {
    expect(spacebringTicketDetailSchema.safeParse('<html>').success).toBe(false);
    expect(spacebringTicketDetailSchema.safeParse('').success).toBe(false);
    expect(spacebringTicketListSchema.safeParse({ tickets: null }).success).toBe(false);
  });

  it('accept a list page without nextPageToken (the last page)', () => {
    expect(spacebringTicketListSchema.parse({ tickets: [ticket()] }).nextPageToken).toBeUndefined();
  });
});

describe('spacebring status table', () => {
  it.each([
    ['new', 'OPEN'],
    ['inProgress', 'IN_PROGRESS'],
    ['solved', 'RESOLVED'],
    ['closed', 'CLOSED'],
    ['onHold', 'UNKNOWN'],
    ['constructor', 'UNKNOWN'],
    [null, 'UNKNOWN'],
    [undefined, 'UNKNOWN'],
  ] as const)('%s → %s', (raw, expected) => {
    expect(mapSpacebringStatus(raw)).toBe(expected);
  });

  it('keeps an unknown raw status in providerStatus', () => {
    const model = toTicket(ticket({ status: 'escalated' }), {});
    expect(model.status).toBe('UNKNOWN');
    expect(model.providerStatus).toBe('escalated');
  });

  it.each([
    ['OPEN', 'new'],
    ['IN_PROGRESS', 'inProgress'],
    ['RESOLVED', 'solved'],
    ['CLOSED', 'closed'],
    ['WAITING', null],
    ['UNKNOWN', null],
  ] as const)('writes %s as %s', (status, raw) => {
    expect(toSpacebringStatus(status)).toBe(raw);
  });
});

describe('spacebring toTicket', () => {
  it('maps the seed example', () => {
    const body = seed();
    const parsed = spacebringTicketDetailSchema.parse(body);
    const model = toTicket(parsed.ticket, body, parsed.activities);
    expect(model).toMatchObject({
      id: encodeId('Ticket', 'spacebring', SEED_ID),
      provider: 'spacebring',
      nativeId: SEED_ID,
      number: '0',
      title: '<string>',
      titleDerived: true,
      description: '<string>',
      status: 'UNKNOWN',
      providerStatus: null,
      priority: null,
      providerPriority: null,
      type: null,
      team: null,
      tags: [],
      createdAt: new Date('2023-11-07T05:31:56Z'),
      updatedAt: new Date('2023-11-07T05:31:56Z'),
      closedAt: null,
    });
    expect(model.raw).toBe(body);
    expect(model.requester).toEqual({
      id: encodeId('Membership', 'spacebring', SEED_ID),
      provider: 'spacebring',
      nativeId: SEED_ID,
      kind: 'MEMBER',
      name: '<string> <string>',
      firstName: '<string>',
      lastName: '<string>',
      email: '<string>',
      phone: '<string>',
      avatarUrl: '<string>',
      role: '<string>/<string>',
      blocked: true,
    });
    expect(model.assignee?.nativeId).toBe(SEED_ID);
    // Issue 17: the seed's one activity is a comment and an assignee change: two entries.
    expect(model.activities?.map((a) => a.kind)).toEqual(['COMMENT', 'ASSIGNMENT_CHANGE']);
    expect(model.activities?.[0]).toMatchObject({ kind: 'COMMENT', body: '<string>', internal: false });
  });

  it('derives the title from the first non-empty line', () => {
    expect(deriveTitle('\n  Wifi is down  \nsince Monday')).toBe('Wifi is down');
    expect(deriveTitle('   \n ')).toBeNull();
    expect(deriveTitle('x'.repeat(200))).toHaveLength(120);
    expect(toTicket(ticket(), {}).title).toBe('Printer on floor 3 is jammed');
  });

  it('leaves activities undefined for list rows, tags known empty', () => {
    const model = toTicket(ticket(), { row: true });
    expect(model.activities).toBeUndefined();
    expect(model.tags).toEqual([]);
    expect(model.raw).toEqual({ row: true });
  });

  it('prefers user objects over memberships for people', () => {
    const model = toTicket(
      ticket({
        userRequester: user('u-1', 'Ada', 'Lovelace'),
        membershipRequester: { id: 'm-1', roleType: 'member', type: 'individual', user: user('u-other') },
        userAssignee: user('u-2', 'Grace', 'Hopper'),
        userRefAssignee: 'u-2',
      }),
      {},
    );
    expect(model.requester).toMatchObject({ nativeId: 'u-1', kind: 'MEMBER', name: 'Ada Lovelace', role: 'member/individual' });
    expect(model.assignee).toMatchObject({ nativeId: 'u-2', kind: 'USER', name: 'Grace Hopper', email: 'grace@example.com', role: null });
  });

  it('falls back to refs, and to prefixed membership ids, when the objects are missing', () => {
    const model = toTicket(ticket({ userRefAssignee: 'u-9', membershipRefRequester: 'm-9' }), {});
    expect(model.assignee).toMatchObject({ nativeId: 'u-9', name: null, email: null });
    expect(model.requester?.nativeId).toBe('membership:m-9');
    expect(decodeId(model.requester?.id ?? '').nativeId).toBe('membership:m-9');
  });

  it('has no people when none are given', () => {
    const model = toTicket(ticket(), {});
    expect(model.requester).toBeNull();
    expect(model.assignee).toBeNull();
  });

  it('takes closedAt from the last status change into the current status', () => {
    const activities = [
      activity({ id: 'x1', type: 'statusUpdated', createDate: '2026-05-01T12:00:00Z', data: { status: 'closed', previousAttributes: { status: 'new' } } }),
      activity({ id: 'x2', type: 'statusUpdated', createDate: '2026-05-01T13:00:00Z', data: { status: 'new', previousAttributes: { status: 'closed' } } }),
      activity({ id: 'x3', type: 'statusUpdated', createDate: '2026-05-01T14:00:00Z', data: { status: 'closed', previousAttributes: { status: 'new' } } }),
    ];
    expect(toTicket(ticket({ status: 'closed' }), {}, activities).closedAt).toEqual(new Date('2026-05-01T14:00:00Z'));
    expect(toTicket(ticket({ status: 'solved' }), {}).closedAt).toEqual(new Date('2026-05-01T12:00:00Z'));
    expect(toTicket(ticket({ status: 'solved', statusUpdateDate: null }), {}).closedAt).toEqual(new Date('2026-05-02T10:00:00Z'));
    expect(toTicket(ticket({ status: 'new' }), {}, activities).closedAt).toBeNull();
  });
});

describe('spacebring activities', () => {
  const author = { id: 'm-5', roleType: 'admin', type: 'team', user: user('u-5', 'Linus', 'Torvalds') };

  it('maps ticketCreated', () => {
    const model = toActivity(activity({ type: 'ticketCreated', membership: author, data: { text: 'Hi' } }), 0);
    expect(model).toMatchObject({ kind: 'CREATED', provider: 'spacebring', createdAt: new Date('2026-05-01T11:00:00Z') });
    expect(model.author).toMatchObject({ nativeId: 'u-5', kind: 'MEMBER', role: 'admin/team' });
    expect(model.ticketId).toBe(encodeId('Ticket', 'spacebring', 'a1b2c3d4-0000-4000-8000-000000000001'));
    expect(model.id).toBe(encodeId('Activity', 'spacebring', 'c1b2c3d4-0000-4000-8000-000000000003'));
  });

  it('maps a comment with an attachment', () => {
    const model = toActivity(
      activity({
        type: 'comment',
        membership: author,
        data: { text: 'See photo', attachments: [{ key: 'k/1.jpg', mime: 'image/jpeg', name: '1.jpg', size: 10, url: 'https://f/1.jpg' }] },
      }),
      0,
    );
    expect(model).toMatchObject({
      kind: 'COMMENT',
      body: 'See photo',
      internal: false,
      attachments: [{ id: 'k/1.jpg', name: '1.jpg', url: 'https://f/1.jpg', mimeType: 'image/jpeg', size: 10 }],
    });
  });

  it('maps a Lem AI comment to an AI author', () => {
    const model = toActivity(activity({ type: 'comment', lemAI: { name: 'Lem AI', photoUrl: 'https://lem.png' }, data: { text: 'Try restarting' } }), 0);
    expect(model.author).toMatchObject({ kind: 'AI', name: 'Lem AI', nativeId: 'lemAI:Lem AI', avatarUrl: 'https://lem.png' });
  });

  it('maps statusUpdated with from and to', () => {
    const model = toActivity(activity({ type: 'statusUpdated', data: { status: 'solved', previousAttributes: { status: 'inProgress' } } }), 0);
    expect(model).toMatchObject({ kind: 'STATUS_CHANGE', from: 'IN_PROGRESS', to: 'RESOLVED', fromProviderStatus: 'inProgress', toProviderStatus: 'solved', author: null });
  });

  it('maps assigneeUpdated, including an unassignment', () => {
    const assigned = toActivity(activity({ type: 'assigneeUpdated', data: { userAssignee: user('u-7'), userRefAssignee: 'u-7', previousAttributes: { userRefAssignee: null } } }), 0);
    expect(assigned).toMatchObject({ kind: 'ASSIGNMENT_CHANGE', from: null, to: { nativeId: 'u-7', name: 'Grace Hopper' } });
    const unassigned = toActivity(activity({ type: 'assigneeUpdated', data: { userRefAssignee: null, previousAttributes: { userRefAssignee: 'u-7' } } }), 0);
    expect(unassigned).toMatchObject({ kind: 'ASSIGNMENT_CHANGE', from: { nativeId: 'u-7' }, to: null });
  });

  it.each([
    ['text', { text: 'hello' }, 'COMMENT'],
    ['an attachment only', { attachments: [{ key: 'k' }] }, 'COMMENT'],
    ['a status', { status: 'closed', previousAttributes: { status: 'new' } }, 'STATUS_CHANGE'],
    ['an assignee', { userRefAssignee: 'u-1' }, 'ASSIGNMENT_CHANGE'],
    ['a previous assignee only', { previousAttributes: { membershipAssignee: { id: 'm-1' } } }, 'ASSIGNMENT_CHANGE'],
  ] as const)('infers the kind from %s when type is missing', (_label, data, kind) => {
    expect(activityKind(spacebringActivitySchema.parse(activity({ data: structuredClone(data) as SpacebringActivity['data'] })))).toBe(kind);
  });

  it('shows an unknown activity type as a field change instead of dropping it', () => {
    expect(toActivity(activity({ type: 'typeUpdated', data: {} }), 0)).toMatchObject({ kind: 'FIELD_CHANGE', field: 'typeUpdated' });
  });

  it('issue 17: maps the seed activity (no type, text + assignee change) as a comment and an assignment change, both by Lem AI', () => {
    const parsed = spacebringTicketDetailSchema.parse(seed());
    const activity = parsed.activities[0] as SpacebringActivity;
    const [comment, assignment, ...rest] = toActivityEntries(activity, 0);
    expect(rest).toEqual([]);
    expect(comment).toMatchObject({ kind: 'COMMENT', body: '<string>', id: encodeId('Activity', 'spacebring', SEED_ID) });
    expect(assignment).toMatchObject({
      kind: 'ASSIGNMENT_CHANGE',
      id: encodeId('Activity', 'spacebring', `${SEED_ID}#assignee`),
      from: { nativeId: SEED_ID, kind: 'MEMBER' },
      to: { nativeId: SEED_ID, kind: 'MEMBER' },
      createdAt: new Date('2023-11-07T05:31:56Z'),
    });
    // lemAI and a membership are both on it: the AI is the author, not dropped for the member.
    for (const entry of [comment, assignment]) expect(entry?.author).toMatchObject({ nativeId: 'lemAI:<string>', kind: 'AI' });
    expect(toActivity(activity, 0).kind).toBe('COMMENT');
  });

  it('issue 17: a member-only activity keeps the member as author, and a comment with a status change gives two entries', () => {
    const parsed = spacebringTicketDetailSchema.parse(seed());
    const { lemAI: _lemAI, ...memberOnly } = parsed.activities[0] as SpacebringActivity;
    expect(toActivity(memberOnly as SpacebringActivity, 0).author?.nativeId).toBe(SEED_ID);
    const entries = toActivityEntries(activity({ data: { text: 'Fixed it', status: 'solved', previousAttributes: { status: 'inProgress' } } }), 0);
    expect(entries.map((e) => e.kind)).toEqual(['COMMENT', 'STATUS_CHANGE']);
    expect(entries[1]).toMatchObject({ from: 'IN_PROGRESS', to: 'RESOLVED', fromProviderStatus: 'inProgress', toProviderStatus: 'solved' });
    expect(toActivityEntries(activity({ type: 'ticketCreated', data: { text: 'Hi', status: 'new' } }), 0).map((e) => e.kind)).toEqual(['CREATED']);
  });
});

describe('spacebring toMembership', () => {
  it('returns null without any person', () => {
    expect(toMembership(null, null, null)).toBeNull();
  });
  it('treats empty strings as missing', () => {
    expect(toMembership({ id: 'u', name: '', surname: ' ', email: '' })).toMatchObject({ name: null, firstName: null, email: null });
  });
});
