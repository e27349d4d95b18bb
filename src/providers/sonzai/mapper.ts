import type { ActivityModel, CommentActivityModel } from '../../model/activity.js';
import { createMembership, emailNativeId, isEmail, type MembershipKind, type MembershipModel } from '../../model/membership.js';
import type { TicketModel, TicketPriority, TicketStatus } from '../../model/ticket.js';
import { encodeId } from '../../ids.js';
import { statusTable } from '../../upstream/status-table.js';
import { type SonzaiComment, type SonzaiHistory, type SonzaiTicket, type SonzaiTicketStatus, type SonzaiTicketKey, type SonzaiTicketSummary } from './wire.js';

const PROVIDER = 'sonzai' as const;

/** The one status table (values from the list filter's description). Anything else is UNKNOWN. */
const STATUS: Readonly<Record<SonzaiTicketStatus, TicketStatus>> = {
  open: 'OPEN',
  in_progress: 'IN_PROGRESS',
  resolved: 'RESOLVED',
  closed: 'CLOSED',
};

export const sonzaiStatuses = statusTable(STATUS);

export function mapSonzaiStatus(raw: string): TicketStatus {
  return sonzaiStatuses.map(raw);
}

/** The Sonzai values a normalised status stands for (the list's `status` filter takes one). */
export const sonzaiStatusesFor = sonzaiStatuses.rawFor;

/** Priority is a free string (default `medium`); the usual words map, the rest is UNKNOWN with the raw kept. */
const PRIORITY: Readonly<Record<string, TicketPriority>> = {
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  urgent: 'URGENT',
  critical: 'CRITICAL',
};

export function mapSonzaiPriority(raw: string): TicketPriority {
  const key = raw.trim().toLowerCase();
  return Object.hasOwn(PRIORITY, key) ? (PRIORITY[key] as TicketPriority) : 'UNKNOWN';
}

/** The word we send for a normalised priority; UNKNOWN has none. */
export function toSonzaiPriority(priority: TicketPriority): string | undefined {
  return priority === 'UNKNOWN' ? undefined : priority.toLowerCase();
}

const text = (value: string | null | undefined): string | null => (value && value.trim() !== '' ? value : null);

/**
 * Who is who in one payload: user id → email, from every place that pairs them (creator,
 * assignee, comment authors, history actors). History values of `assigned_to` carry only
 * an id; with this they get the same membership id as the ticket's assignee.
 */
export type SonzaiPeople = ReadonlyMap<string, string>;

export function collectPeople(ticket: SonzaiTicket, history: readonly SonzaiHistory[] = []): SonzaiPeople {
  const people = new Map<string, string>();
  const add = (id: string | null | undefined, email: string | null | undefined) => {
    const key = text(id);
    const mail = text(email);
    if (key && mail && !people.has(key)) people.set(key, mail);
  };
  add(ticket.created_by, ticket.created_by_email);
  add(ticket.assigned_to, ticket.assigned_to_email);
  for (const comment of ticket.comments ?? []) add(comment.author_id, comment.author_email);
  for (const row of history) add(row.changed_by, row.changed_by_email);
  return people;
}

/**
 * A Sonzai person. List rows carry only emails while the detail carries ids and emails,
 * so the membership id is the email one (emailNativeId) whenever an email is known and the
 * user id only when none is: the same person then has one id in lists and in details.
 * A value that is itself an email (an `assigned_to` history value may be) counts as one.
 */
export function toPerson(
  id: string | null | undefined,
  email: string | null | undefined,
  kind: MembershipKind,
  role: string | null = null,
  people?: SonzaiPeople,
): MembershipModel | null {
  const userId = text(id);
  const mail = text(email) ?? (userId && isEmail(userId) ? userId : null) ?? (userId ? (people?.get(userId) ?? null) : null);
  const nativeId = mail ? emailNativeId(mail) : userId;
  if (!nativeId) return null;
  return createMembership(PROVIDER, nativeId, kind, { email: mail, role });
}

/** `author_type` words for Sonzai's own support staff [inferred: the docs list no values]. */
const STAFF_TYPES = new Set(['staff', 'admin', 'agent', 'support', 'sonzai']);

function authorKind(authorType: string | null | undefined): MembershipKind {
  const type = authorType?.trim().toLowerCase() ?? '';
  if (STAFF_TYPES.has(type)) return 'AGENT';
  if (type === 'system' || type === 'bot') return 'SYSTEM';
  return 'USER';
}

/**
 * When a resolved or closed ticket was closed: `resolved_at`, else (the seed shows it nullable,
 * and a `closed` ticket may lack it) the history's last change of `status` into the current one.
 */
function closedAt(status: string, resolvedAt: string | null | undefined, history?: readonly SonzaiHistory[] | null): Date | null {
  if (status !== 'resolved' && status !== 'closed') return null;
  if (resolvedAt) return new Date(resolvedAt);
  const last = (history ?? [])
    .filter((h) => h.field_changed === 'status' && h.new_value === status)
    .reduce<number | null>((latest, h) => Math.max(latest ?? -Infinity, Date.parse(h.created_at)), null);
  return last === null || Number.isNaN(last) ? null : new Date(last);
}

function priorityOf(raw: string | null | undefined): { priority: TicketPriority | null; providerPriority: string | null } {
  const value = text(raw);
  return value ? { priority: mapSonzaiPriority(value), providerPriority: value } : { priority: null, providerPriority: null };
}

const ticketGlobalId = (ticketId: string) => encodeId('Ticket', PROVIDER, ticketId);

/** The feed key of a list row: what toTicketSummary makes of the same fields. */
export function toTicketKey(fields: SonzaiTicketKey): { id: string; updatedAt: Date } {
  return { id: ticketGlobalId(fields.ticket_id), updatedAt: new Date(fields.updated_at) };
}

/** A list row: no description and no timeline (`activities: undefined`, the detail loader reads them). */
export function toTicketSummary(row: SonzaiTicketSummary, raw: unknown): TicketModel {
  return {
    id: ticketGlobalId(row.ticket_id),
    provider: PROVIDER,
    nativeId: row.ticket_id,
    number: null,
    title: row.title,
    titleDerived: false,
    description: null,
    status: mapSonzaiStatus(row.status),
    providerStatus: row.status,
    ...priorityOf(row.priority),
    type: text(row.type),
    requester: toPerson(null, row.created_by_email, 'USER', 'creator'),
    assignee: toPerson(null, row.assigned_to_email, 'AGENT', 'assignee'),
    team: null,
    tags: [],
    activities: undefined,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    closedAt: closedAt(row.status, null),
    raw,
  };
}

/**
 * A full ticket. With `history` (the detail read) the timeline is complete: comments and
 * history rows, oldest first. Without it (create and close answer with the bare ticket)
 * `activities` stays undefined so the timeline loader reads the detail.
 */
export function toTicket(ticket: SonzaiTicket, raw: unknown, history?: readonly SonzaiHistory[] | null): TicketModel {
  const people = collectPeople(ticket, history ?? []);
  const model: TicketModel = {
    id: ticketGlobalId(ticket.ticket_id),
    provider: PROVIDER,
    nativeId: ticket.ticket_id,
    number: null,
    title: ticket.title,
    titleDerived: false,
    description: ticket.description ?? null,
    status: mapSonzaiStatus(ticket.status),
    providerStatus: ticket.status,
    ...priorityOf(ticket.priority),
    type: text(ticket.type),
    requester: toPerson(ticket.created_by, ticket.created_by_email, 'USER', 'creator', people),
    assignee: toPerson(ticket.assigned_to, ticket.assigned_to_email, 'AGENT', 'assignee', people),
    team: null,
    tags: [],
    activities: undefined,
    createdAt: new Date(ticket.created_at),
    updatedAt: new Date(ticket.updated_at),
    closedAt: closedAt(ticket.status, ticket.resolved_at, history),
    raw,
  };
  if (history !== undefined) model.activities = toActivities(ticket, history ?? [], people);
  return model;
}

const activityId = (ticketId: string, kind: 'comment' | 'history', nativeId: string) => encodeId('Activity', PROVIDER, `${ticketId}/${kind}/${nativeId}`);

export function toCommentActivity(comment: SonzaiComment, ticketId: string, people?: SonzaiPeople): CommentActivityModel {
  return {
    id: activityId(ticketId, 'comment', comment.comment_id),
    provider: PROVIDER,
    ticketId: ticketGlobalId(ticketId),
    kind: 'COMMENT',
    author: toPerson(comment.author_id, comment.author_email, authorKind(comment.author_type), text(comment.author_type), people),
    createdAt: new Date(comment.created_at),
    body: comment.content,
    internal: comment.is_internal,
    attachments: [],
  };
}

/** Fields whose history rows are assignment changes. */
const ASSIGNEE_FIELDS = new Set(['assigned_to', 'assigned_to_email', 'assignee']);

/**
 * A history row. The actor is the ticket's creator (USER) or, anyone else on a
 * customer-side ticket, Sonzai's support staff (AGENT).
 */
export function toHistoryActivity(row: SonzaiHistory, ticket: SonzaiTicket, people?: SonzaiPeople): ActivityModel {
  const creator = text(ticket.created_by);
  const creatorEmail = text(ticket.created_by_email)?.toLowerCase();
  const byCreator = (creator !== null && row.changed_by === creator) || (creatorEmail !== undefined && row.changed_by_email?.toLowerCase() === creatorEmail);
  const base = {
    id: activityId(ticket.ticket_id, 'history', row.history_id),
    provider: PROVIDER,
    ticketId: ticketGlobalId(ticket.ticket_id),
    author: toPerson(row.changed_by, row.changed_by_email, byCreator ? 'USER' : 'AGENT', null, people),
    createdAt: new Date(row.created_at),
  };
  const oldValue = text(row.old_value);
  const newValue = text(row.new_value);
  if (row.field_changed === 'status') {
    return {
      ...base,
      kind: 'STATUS_CHANGE',
      from: oldValue ? mapSonzaiStatus(oldValue) : null,
      to: newValue ? mapSonzaiStatus(newValue) : null,
      fromProviderStatus: oldValue,
      toProviderStatus: newValue,
    };
  }
  if (ASSIGNEE_FIELDS.has(row.field_changed)) {
    return {
      ...base,
      kind: 'ASSIGNMENT_CHANGE',
      from: toPerson(oldValue, null, 'AGENT', 'assignee', people),
      to: toPerson(newValue, null, 'AGENT', 'assignee', people),
    };
  }
  return { ...base, kind: 'FIELD_CHANGE', field: row.field_changed, oldValue, newValue };
}

/** Comments and history merged, oldest first; ties keep comments before history, each in payload order. */
export function toActivities(ticket: SonzaiTicket, history: readonly SonzaiHistory[], people = collectPeople(ticket, history)): ActivityModel[] {
  const items: { at: number; order: number; activity: ActivityModel }[] = [];
  let order = 0;
  for (const comment of ticket.comments ?? []) {
    const activity = toCommentActivity(comment, ticket.ticket_id, people);
    items.push({ at: activity.createdAt.getTime(), order: order++, activity });
  }
  for (const row of history) {
    const activity = toHistoryActivity(row, ticket, people);
    items.push({ at: activity.createdAt.getTime(), order: order++, activity });
  }
  return items.sort((a, b) => a.at - b.at || a.order - b.order).map((item) => item.activity);
}
