import { encodeId } from '../../ids.js';
import type { ActivityModel, AttachmentModel } from '../../model/activity.js';
import { createMembership, type MembershipModel } from '../../model/membership.js';
import type { TicketModel, TicketStatus } from '../../model/ticket.js';
import type { SpacebringActivity, SpacebringActivityData, SpacebringAttachment, SpacebringMembership, SpacebringTicket, SpacebringTicketKey, SpacebringUser } from './wire.js';

const P = 'spacebring' as const;

const STATUS: Record<string, TicketStatus> = {
  new: 'OPEN',
  inProgress: 'IN_PROGRESS',
  solved: 'RESOLVED',
  closed: 'CLOSED',
};

/** The one status table; anything else (or a missing status, as in the seed) is UNKNOWN. */
export function mapSpacebringStatus(raw: string | null | undefined): TicketStatus {
  return (raw != null && Object.hasOwn(STATUS, raw) ? STATUS[raw] : undefined) ?? 'UNKNOWN';
}

/** The wire value for a normalised status; WAITING and UNKNOWN have none. */
export function toSpacebringStatus(status: TicketStatus): string | null {
  for (const [raw, normalised] of Object.entries(STATUS)) if (normalised === status) return raw;
  return null;
}

const nonEmpty = (value: string | null | undefined): string | null => (value != null && value.trim() !== '' ? value : null);

/**
 * A person as Spacebring shows them: a user object, a membership (the user's role in the
 * network) or both. The user id is the native id, because it is what the API takes back
 * (`userRefAssignee`), and it keeps the same human under one id whether they appear as
 * requester, assignee or author. Only a membership without its user falls back to the
 * membership id, prefixed so that it cannot be mistaken for a user id.
 */
export function toMembership(
  user: SpacebringUser | null | undefined,
  membership?: SpacebringMembership | null | undefined,
  userRef?: string | null | undefined,
): MembershipModel | null {
  const person = user ?? membership?.user ?? null;
  const nativeId = person?.id ?? (membership ? `membership:${membership.id}` : nonEmpty(userRef));
  if (!nativeId) return null;
  const firstName = nonEmpty(person?.name);
  const lastName = nonEmpty(person?.surname);
  const name = [firstName, lastName].filter((part): part is string => part !== null).join(' ');
  const role = [membership?.roleType, membership?.type]
    .map(nonEmpty)
    .filter((part): part is string => part !== null)
    .join('/');
  return createMembership(P, nativeId, membership ? 'MEMBER' : 'USER', {
    name: name === '' ? null : name,
    firstName,
    lastName,
    email: nonEmpty(person?.email),
    phone: nonEmpty(person?.phoneNumber),
    avatarUrl: nonEmpty(person?.photoUrl),
    role: role === '' ? null : role,
    blocked: person?.blocked ?? null,
  });
}

/** Spacebring's "Lem AI" assistant, one AI person per name. */
export function toLemAI(lemAI: { name?: string | null | undefined; photoUrl?: string | null | undefined }): MembershipModel {
  const name = nonEmpty(lemAI.name) ?? 'Lem AI';
  return createMembership(P, `lemAI:${name}`, 'AI', { name, avatarUrl: nonEmpty(lemAI.photoUrl), role: 'lemAI' });
}

/** Tickets have no title: the first non-empty line of the description stands in for one. */
export function deriveTitle(description: string): string | null {
  const line = description.split(/\r?\n/).find((l) => l.trim() !== '');
  if (!line) return null;
  const title = line.trim();
  return title.length > 120 ? `${title.slice(0, 119)}…` : title;
}

function toAttachment(a: SpacebringAttachment): AttachmentModel {
  return { id: a.key, name: a.name ?? null, url: a.url ?? null, mimeType: a.mime ?? null, size: a.size ?? null };
}

type Kind = 'CREATED' | 'COMMENT' | 'STATUS_CHANGE' | 'ASSIGNMENT_CHANGE';
const KIND_BY_TYPE: Record<string, Kind> = {
  ticketCreated: 'CREATED',
  comment: 'COMMENT',
  statusUpdated: 'STATUS_CHANGE',
  assigneeUpdated: 'ASSIGNMENT_CHANGE',
};

const hasAssignee = (d: Omit<SpacebringActivityData, 'previousAttributes' | 'text' | 'attachments'> | null | undefined) =>
  !!d && (d.userAssignee != null || d.userRefAssignee != null || d.membershipAssignee != null || d.membershipRefAssignee != null);

/**
 * The activity's kind: its `type` where known, else read from its data (the seed's
 * activities have no `type`): text or attachments make a comment, a status a status
 * change, an assignee (now or before) an assignment change.
 */
export function activityKind(a: SpacebringActivity): Kind | null {
  const known = a.type != null && Object.hasOwn(KIND_BY_TYPE, a.type) ? KIND_BY_TYPE[a.type] : undefined;
  if (known) return known;
  const d = a.data;
  if (!d) return null;
  if (nonEmpty(d.text) !== null || (d.attachments?.length ?? 0) > 0) return 'COMMENT';
  if (d.status != null || d.previousAttributes?.status != null) return 'STATUS_CHANGE';
  if (hasAssignee(d) || hasAssignee(d.previousAttributes)) return 'ASSIGNMENT_CHANGE';
  return null;
}

const membershipRef = (ref: string | null | undefined) => (ref ? `membership:${ref}` : null);

const assigneeOf = (d: Parameters<typeof hasAssignee>[0]): MembershipModel | null =>
  d ? toMembership(d.userAssignee, d.membershipAssignee, d.userRefAssignee ?? membershipRef(d.membershipRefAssignee)) : null;

const hasStatus = (d: SpacebringActivityData | null | undefined) => !!d && (d.status != null || d.previousAttributes?.status != null);

/**
 * One upstream activity may carry several changes at once: the seed's single activity has a
 * comment (`data.text`) *and* an assignee change (`data.membershipAssignee` with
 * `previousAttributes`). Each becomes its own timeline entry, the activity's own kind first
 * (keeping the activity's id), then a status change and an assignment change where the data
 * shows them (ids `<id>#status`, `<id>#assignee`). Creation and unknown kinds stay one entry.
 */
export function toActivityEntries(a: SpacebringActivity, index: number): ActivityModel[] {
  const first = toActivity(a, index);
  if (first.kind !== 'COMMENT' && first.kind !== 'STATUS_CHANGE' && first.kind !== 'ASSIGNMENT_CHANGE') return [first];
  const d = a.data;
  const entries: ActivityModel[] = [first];
  if (first.kind !== 'STATUS_CHANGE' && hasStatus(d)) entries.push(toActivity(a, index, 'STATUS_CHANGE'));
  if (first.kind !== 'ASSIGNMENT_CHANGE' && (hasAssignee(d) || hasAssignee(d?.previousAttributes))) {
    entries.push(toActivity(a, index, 'ASSIGNMENT_CHANGE'));
  }
  return entries;
}

/**
 * The activity as one timeline entry of its own kind (or of `as`, for the further entries of
 * toActivityEntries). The author is Lem AI whenever it is on the activity: the seed's activity
 * carries both `lemAI` and a `membership`, and the AI is the one that wrote it (the member
 * stays in `raw`).
 */
export function toActivity(a: SpacebringActivity, index: number, as?: Kind): ActivityModel {
  const ticketId = encodeId('Ticket', P, a.ticketRef);
  const author = a.lemAI ? toLemAI(a.lemAI) : a.membership ? toMembership(null, a.membership) : null;
  const id = a.id || `${a.ticketRef}/activity/${index}`;
  const base = {
    id: encodeId('Activity', P, as === 'STATUS_CHANGE' ? `${id}#status` : as === 'ASSIGNMENT_CHANGE' ? `${id}#assignee` : id),
    provider: P,
    ticketId,
    author,
    createdAt: new Date(a.createDate),
  };
  const d = a.data;
  switch (as ?? activityKind(a)) {
    case 'CREATED':
      return { ...base, kind: 'CREATED' };
    case 'COMMENT':
      return { ...base, kind: 'COMMENT', body: d?.text ?? null, internal: false, attachments: (d?.attachments ?? []).map(toAttachment) };
    case 'STATUS_CHANGE': {
      const from = d?.previousAttributes?.status ?? null;
      const to = d?.status ?? null;
      return {
        ...base,
        kind: 'STATUS_CHANGE',
        from: from === null ? null : mapSpacebringStatus(from),
        to: to === null ? null : mapSpacebringStatus(to),
        fromProviderStatus: from,
        toProviderStatus: to,
      };
    }
    case 'ASSIGNMENT_CHANGE':
      return { ...base, kind: 'ASSIGNMENT_CHANGE', from: assigneeOf(d?.previousAttributes), to: assigneeOf(d) };
    case null:
      // An activity type newer than this client: shown as a change of that name, not dropped.
      return { ...base, kind: 'FIELD_CHANGE', field: a.type ?? 'unknown', oldValue: null, newValue: null };
  }
}

export const toActivities = (activities: readonly SpacebringActivity[]): ActivityModel[] => activities.flatMap((a, index) => toActivityEntries(a, index));

/**
 * Spacebring has no close timestamp: the last status change into the current (closed or
 * solved) status gives it, else `statusUpdateDate`, else the last update.
 */
function closedAt(t: SpacebringTicket, status: TicketStatus, activities: readonly SpacebringActivity[] | undefined): Date | null {
  if (status !== 'CLOSED' && status !== 'RESOLVED') return null;
  const change = activities
    // A comment may carry the status change too (toActivityEntries): any non-creation activity counts.
    ?.filter((a) => activityKind(a) !== 'CREATED' && a.data?.status != null && a.data.status === t.status)
    .map((a) => Date.parse(a.createDate))
    .reduce<number | null>((latest, at) => (latest === null || at > latest ? at : latest), null);
  if (change != null) return new Date(change);
  return new Date(t.statusUpdateDate ?? t.updateDate);
}

/** The feed key of a list row: what toTicket makes of the same fields. */
export function toTicketKey(fields: SpacebringTicketKey): { id: string; updatedAt: Date } {
  return { id: encodeId('Ticket', P, fields.id), updatedAt: new Date(fields.updateDate) };
}

/**
 * `activities` undefined: a list row, whose timeline the loader fetches through getTicket.
 * `raw` is the payload as received (the detail body, or the list element).
 */
export function toTicket(t: SpacebringTicket, raw: unknown, activities?: readonly SpacebringActivity[]): TicketModel {
  const status = mapSpacebringStatus(t.status);
  return {
    id: encodeId('Ticket', P, t.id),
    provider: P,
    nativeId: t.id,
    number: String(t.number),
    title: deriveTitle(t.description),
    titleDerived: true,
    description: t.description,
    status,
    providerStatus: t.status ?? null,
    priority: null,
    providerPriority: null,
    type: t.type ?? null,
    requester: toMembership(t.userRequester, t.membershipRequester, membershipRef(t.membershipRefRequester)),
    assignee: toMembership(t.userAssignee, t.membershipAssignee, t.userRefAssignee ?? membershipRef(t.membershipRefAssignee)),
    team: null,
    // Spacebring has no tags (its single category is `type`).
    tags: [],
    activities: activities ? toActivities(activities) : undefined,
    createdAt: new Date(t.createDate),
    updatedAt: new Date(t.updateDate),
    closedAt: closedAt(t, status, activities),
    raw,
  };
}
