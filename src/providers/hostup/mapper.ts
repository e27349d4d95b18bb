import { encodeId } from '../../ids.js';
import type { ActivityModel, AttachmentModel, CommentActivityModel, CreatedActivityModel } from '../../model/activity.js';
import type { MembershipKind, MembershipModel } from '../../model/membership.js';
import type { TagModel } from '../../model/tag.js';
import type { TicketModel, TicketPriority, TicketStatus } from '../../model/ticket.js';
import { failBadPayload } from '../../upstream/parse.js';
import { statusTable } from '../../upstream/status-table.js';
import type {
  HostupV1Owner,
  HostupV1Reply,
  HostupV1Ticket,
  HostupV2Attachment,
  HostupV2Message,
  HostupV2Ticket,
  HostupV2TicketSummary,
} from './wire.js';

const P = 'hostup' as const;

/** Where a mapped payload came from: the operation and the path of the ticket in the body, for error paths. */
export interface MapContext {
  operation: string;
  /** Path of the ticket object inside the body ('' at the root, `data.ticket` in the v1 envelope). */
  path: string;
}
const DEFAULT_CONTEXT: MapContext = { operation: 'getTicket', path: '' };
const at = (ctx: MapContext, field: string) => (ctx.path ? `${ctx.path}.${field}` : field);

// ---------------------------------------------------------------------------------------
// Status and priority: one table each
// ---------------------------------------------------------------------------------------

/** The v2 vocabulary onto the common lifecycle (providers.md, "Common lifecycle"). */
const STATUS_TABLE: Record<string, TicketStatus> = {
  open: 'OPEN',
  // The customer answered: the ball is with the agent again.
  customer_reply: 'OPEN',
  // Staff answered: waiting on the customer.
  answered: 'WAITING',
  in_progress: 'IN_PROGRESS',
  on_hold: 'WAITING',
  closed: 'CLOSED',
  unknown: 'UNKNOWN',
};

/**
 * v1 statuses are free HostBill strings (`Open`, `Customer-Reply`, `In Progress`…): fold
 * case and punctuation onto the v2 vocabulary (`customer_reply`). v2 values pass unchanged.
 */
export function normaliseHostupStatus(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** `unknown` is a response-only value: never a filter value. */
export const hostupStatuses = statusTable(STATUS_TABLE, { exclude: ['unknown'] });

export function mapHostupStatus(raw: string): TicketStatus {
  return hostupStatuses.map(normaliseHostupStatus(raw));
}

const PRIORITY_TABLE: Record<string, TicketPriority> = {
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  urgent: 'URGENT',
  critical: 'CRITICAL',
};

/** v2 enum and v1 strings (`Medium`) alike; null when the ticket has none. */
export function mapHostupPriority(raw: string | null | undefined): TicketPriority | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  return PRIORITY_TABLE[raw.trim().toLowerCase()] ?? 'UNKNOWN';
}

/** v1 create takes the priority as an integer [inferred order: HostBill's 0 = low upwards]. */
export const HOSTUP_V1_PRIORITY_CODES: Record<Exclude<TicketPriority, 'UNKNOWN'>, number> = {
  LOW: 0,
  MEDIUM: 1,
  HIGH: 2,
  URGENT: 3,
  CRITICAL: 4,
};

// ---------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------

const HOSTBILL_TIME = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?$/;
const HOSTBILL_NEVER = /^0000-00-00/;

/**
 * A HostBill time: `YYYY-MM-DD HH:MM:SS`, read as UTC [inferred: the docs state no zone],
 * or an ISO string. '' and `0000-00-00 …` mean "never" (null); anything else that does not
 * parse gives undefined, and the caller turns it into a bad payload.
 */
export function parseHostbillTime(value: string | null | undefined): Date | null | undefined {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text === '' || HOSTBILL_NEVER.test(text)) return null;
  const match = HOSTBILL_TIME.exec(text);
  const iso = match ? `${match[1]}T${match[2] ?? '00:00:00'}Z` : text;
  // Only strings that look like dates: Date.parse accepts far too much on its own.
  if (!match && !/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function v1Time(value: string | null | undefined, ctx: MapContext, field: string): Date | null {
  const date = parseHostbillTime(value);
  if (date === undefined) return failBadPayload(P, ctx.operation, at(ctx, field));
  return date;
}

function v2Time(value: string | null | undefined): Date | null {
  // The schema already checked the ISO format.
  return value ? new Date(value) : null;
}

// ---------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------

const blank = (value: string | null | undefined): string | null => {
  const text = value?.trim();
  return text ? text : null;
};
/** HostBill uses "0" for "nobody" in its id columns. */
const realId = (value: string | null | undefined): string | null => {
  const text = blank(value);
  return text && text !== '0' ? text : null;
};

function membership(
  kind: MembershipKind,
  nativeId: string,
  fields: { name?: string | null; firstName?: string | null; lastName?: string | null; email?: string | null; role?: string | null },
): MembershipModel {
  const name = blank(fields.name) ?? (([fields.firstName, fields.lastName].map(blank).filter(Boolean).join(' ') || null));
  return {
    id: encodeId('Membership', P, nativeId),
    provider: P,
    nativeId,
    kind,
    name,
    firstName: blank(fields.firstName),
    lastName: blank(fields.lastName),
    email: blank(fields.email),
    phone: null,
    avatarUrl: null,
    role: fields.role ?? null,
    blocked: null,
  };
}

const emailId = (email: string) => `email:${email.trim().toLowerCase()}`;

/**
 * v1 person ids are prefixed: HostBill keeps clients and admins in separate tables, so
 * `client:7` and `admin:7` are different people. Without an id, the email stands in.
 */
export function toV1Requester(t: HostupV1Ticket): MembershipModel | null {
  const clientId = realId(t.client_id);
  const email = blank(t.email);
  const name = blank(t.name);
  const nativeId = clientId ? `client:${clientId}` : email ? emailId(email) : name ? `name:${name}` : null;
  if (!nativeId) return null;
  return membership('CONTACT', nativeId, { name, email, role: 'Client' });
}

export function toV1Owner(owner: HostupV1Owner | null | undefined): MembershipModel | null {
  const id = realId(owner?.id);
  if (!owner || !id) return null;
  return membership('AGENT', `admin:${id}`, {
    name: null,
    firstName: owner.firstname,
    lastName: owner.lastname,
    email: owner.email,
    role: 'Admin',
  });
}

export function toV1ReplyAuthor(reply: HostupV1Reply): MembershipModel | null {
  const type = blank(reply.type);
  const kindWord = type?.toLowerCase();
  const id = realId(reply.replier_id);
  const email = blank(reply.email);
  const name = blank(reply.name);
  if (kindWord === 'admin' || kindWord === 'staff') {
    const nativeId = id ? `admin:${id}` : email ? emailId(email) : name ? `name:${name}` : null;
    return nativeId ? membership('AGENT', nativeId, { name, email, role: type }) : null;
  }
  if (kindWord === 'client' || kindWord === 'customer') {
    const nativeId = id ? `client:${id}` : email ? emailId(email) : name ? `name:${name}` : null;
    return nativeId ? membership('CONTACT', nativeId, { name, email, role: type }) : null;
  }
  // Auto-replies and pipes: no person behind them.
  return membership('SYSTEM', `system:${name ?? type ?? 'hostup'}`, { name, email, role: type });
}

/** v2 gives names only: the requester is keyed by name (there is no email to key on). */
export function toV2Requester(t: HostupV2TicketSummary): MembershipModel | null {
  const name = blank(t.requesterName);
  return name ? membership('CONTACT', `name:${name}`, { name, role: 'customer' }) : null;
}

/** Customers share the requester's `name:` key; staff and automation get their own namespaces. */
export function toV2Author(message: HostupV2Message): MembershipModel | null {
  const name = blank(message.senderName);
  switch (message.sender) {
    case 'customer':
      return name ? membership('CONTACT', `name:${name}`, { name, role: message.sender }) : null;
    case 'staff':
      return name ? membership('AGENT', `staff:${name}`, { name, role: message.sender }) : null;
    case 'automation':
      return membership('AI', `automation:${name ?? 'hostup'}`, { name, role: message.sender });
    default:
      return name ? membership('SYSTEM', `${message.sender}:${name}`, { name, role: message.sender }) : null;
  }
}

// ---------------------------------------------------------------------------------------
// Tags and activities
// ---------------------------------------------------------------------------------------

export function toTag(text: string): TagModel {
  return { id: encodeId('Tag', P, text), provider: P, nativeId: text, name: text };
}

function created(ticketNativeId: string, ticketId: string, author: MembershipModel | null, createdAt: Date): CreatedActivityModel {
  return {
    id: encodeId('Activity', P, `${ticketNativeId}:created:0`),
    provider: P,
    ticketId,
    kind: 'CREATED',
    author,
    createdAt,
  };
}

function toAttachment(a: HostupV2Attachment): AttachmentModel {
  return { id: a.id, name: a.filename ?? null, url: a.downloadUrl ?? null, mimeType: a.contentType ?? null, size: a.byteLength ?? null };
}

/** A v2 message: a customer-visible comment (HostUp has no internal notes in v2). */
export function toV2Activity(message: HostupV2Message, ticketId: string, fallbackTime: Date): CommentActivityModel {
  return {
    id: encodeId('Activity', P, message.id),
    provider: P,
    ticketId,
    kind: 'COMMENT',
    author: toV2Author(message),
    createdAt: v2Time(message.sentAt) ?? fallbackTime,
    body: message.body,
    internal: false,
    attachments: message.attachments.map(toAttachment),
  };
}

const byTime = (a: ActivityModel, b: ActivityModel) => a.createdAt.getTime() - b.createdAt.getTime();

// ---------------------------------------------------------------------------------------
// Tickets
// ---------------------------------------------------------------------------------------

/** The v1 ticket's native id: the number (what v1 GET takes). */
export function v1NativeId(t: HostupV1Ticket): string {
  const number = t.number ?? t.ticket_number;
  return number === null || number === undefined || String(number) === '' ? t.id : String(number);
}

/**
 * A v1 ticket (from the envelope's `data.ticket`). `raw` is that ticket object as received.
 * Replies are public comments, notes internal ones; notes are bare strings without a time,
 * so they are stamped with the ticket's last update (they existed by then).
 */
export function toV1Ticket(t: HostupV1Ticket, raw: unknown, ctx: MapContext = DEFAULT_CONTEXT): TicketModel {
  const nativeId = v1NativeId(t);
  const id = encodeId('Ticket', P, nativeId);
  const createdAt = v1Time(t.date, ctx, 'date') ?? failBadPayload(P, ctx.operation, at(ctx, 'date'));
  const lastUpdate = v1Time(t.lastupdate, ctx, 'lastupdate');
  const lastReply = v1Time(t.lastreply, ctx, 'lastreply');
  const updatedAt = new Date(Math.max(createdAt.getTime(), lastUpdate?.getTime() ?? 0, lastReply?.getTime() ?? 0));
  const status = mapHostupStatus(t.status);
  const resolved = v1Time(t.resolve_date, ctx, 'resolve_date');
  const requester = toV1Requester(t);

  const activities: ActivityModel[] = [created(nativeId, id, requester, createdAt)];
  (t.replies ?? []).forEach((reply, index) => {
    activities.push({
      id: encodeId('Activity', P, `${nativeId}:reply:${reply.id}`),
      provider: P,
      ticketId: id,
      kind: 'COMMENT',
      author: toV1ReplyAuthor(reply),
      createdAt: v1Time(reply.date, ctx, `replies.${index}.date`) ?? createdAt,
      body: reply.body ?? null,
      internal: false,
      attachments: [],
    });
  });
  (t.notes ?? []).forEach((note, index) => {
    activities.push({
      id: encodeId('Activity', P, `${nativeId}:note:${index}`),
      provider: P,
      ticketId: id,
      kind: 'COMMENT',
      author: null,
      createdAt: updatedAt,
      body: note,
      internal: true,
      attachments: [],
    });
  });
  activities.sort(byTime);

  const deptName = blank(t.deptname);
  const deptId = realId(t.dept_id);
  return {
    id,
    provider: P,
    nativeId,
    number: nativeId,
    title: t.subject,
    titleDerived: false,
    description: t.body ?? null,
    status,
    providerStatus: t.status,
    priority: mapHostupPriority(t.priority),
    providerPriority: t.priority ?? null,
    type: deptName,
    requester,
    assignee: toV1Owner(t.owner),
    team: deptId || deptName ? { id: deptId, name: deptName, avatarUrl: null } : null,
    tags: (t.tags ?? []).filter((tag) => tag.trim() !== '').map(toTag),
    activities,
    createdAt,
    updatedAt,
    closedAt: status === 'CLOSED' ? (resolved ?? updatedAt) : null,
    raw,
  };
}

/**
 * A v2 ticket: a list summary (no body, no messages: `activities` stays undefined so a
 * loader reads the detail) or a detail. v2 has no tags (`[]`) and no assignee. HostUp
 * gives no close time: for a closed ticket it is taken as the last update.
 */
export function toV2Ticket(t: HostupV2Ticket | HostupV2TicketSummary, raw: unknown, ctx: MapContext = DEFAULT_CONTEXT): TicketModel {
  const id = encodeId('Ticket', P, t.id);
  const createdAt =
    v2Time(t.createdAt) ?? v2Time(t.updatedAt) ?? v2Time(t.lastMessageAt) ?? failBadPayload(P, ctx.operation, at(ctx, 'createdAt'));
  const updatedAt = v2Time(t.updatedAt) ?? v2Time(t.lastMessageAt) ?? createdAt;
  const status = mapHostupStatus(t.status);
  const requester = toV2Requester(t);
  const detail = 'messages' in t && Array.isArray(t.messages) ? t : null;
  let activities: ActivityModel[] | undefined;
  if (detail) {
    activities = [created(t.id, id, requester, createdAt), ...(detail.messages ?? []).map((m) => toV2Activity(m, id, createdAt))];
    activities.sort(byTime);
  }
  return {
    id,
    provider: P,
    nativeId: t.id,
    number: t.number,
    title: t.subject,
    titleDerived: false,
    description: 'body' in t ? (t.body ?? null) : null,
    status,
    providerStatus: t.status,
    priority: mapHostupPriority(t.priority),
    providerPriority: t.priority ?? null,
    type: t.departmentName ?? t.departmentSlug,
    requester,
    assignee: null,
    team: { id: t.departmentSlug, name: t.departmentName ?? null, avatarUrl: null },
    tags: [],
    activities,
    createdAt,
    updatedAt,
    closedAt: status === 'CLOSED' ? updatedAt : null,
    raw,
  };
}

/** The v2 status values a normalised status covers (list `status` takes one value per call). */
export const v2StatusesFor = hostupStatuses.rawFor;
