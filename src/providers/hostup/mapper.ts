import { encodeId } from '../../ids.js';
import type { ActivityModel, CreatedActivityModel } from '../../model/activity.js';
import { createMembership, type MembershipKind, type MembershipModel } from '../../model/membership.js';
import type { TagModel } from '../../model/tag.js';
import type { TicketPriority, TicketStatus } from '../../model/ticket.js';
import { statusTable } from '../../upstream/status-table.js';

/*
 * What HostUp's two API generations share: the status and priority vocabulary, people, tags
 * and the synthetic CREATED activity. mapper-v1.ts and mapper-v2.ts map each generation's
 * payloads with these.
 */

export const P = 'hostup' as const;

/** Where a mapped payload came from: the operation and the path of the ticket in the body, for error paths. */
export interface MapContext {
  operation: string;
  /** Path of the ticket object inside the body ('' at the root, `data.ticket` in the v1 envelope). */
  path: string;
  /** Zone of v1's zoneless times (HOSTUP_TIMEZONE). @default Europe/Stockholm */
  timeZone?: string | undefined;
}
export const DEFAULT_CONTEXT: MapContext = { operation: 'getTicket', path: '' };
export const at = (ctx: MapContext, field: string) => (ctx.path ? `${ctx.path}.${field}` : field);

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

/** v1 create takes the priority as an integer [inferred order: HostBill's 0 = low upwards]. */
export const HOSTUP_V1_PRIORITY_CODES: Record<Exclude<TicketPriority, 'UNKNOWN'>, number> = {
  LOW: 0,
  MEDIUM: 1,
  HIGH: 2,
  URGENT: 3,
  CRITICAL: 4,
};
const PRIORITY_BY_CODE = new Map(Object.entries(HOSTUP_V1_PRIORITY_CODES).map(([priority, code]) => [code, priority as TicketPriority]));

/**
 * v2 enum, v1 strings (`Medium`) and v1 codes alike: HostBill stores the priority as a number
 * (`"0"`–`"2"`, or an integer), the same codes our v1 create sends. Null when there is none.
 */
export function mapHostupPriority(raw: string | number | null | undefined): TicketPriority | null {
  if (raw === null || raw === undefined) return null;
  const text = String(raw).trim();
  if (text === '') return null;
  if (/^\d+$/.test(text)) return PRIORITY_BY_CODE.get(Number(text)) ?? 'UNKNOWN';
  return PRIORITY_TABLE[text.toLowerCase()] ?? 'UNKNOWN';
}

// ---------------------------------------------------------------------------------------
// People, tags, the CREATED activity
// ---------------------------------------------------------------------------------------

export const blank = (value: string | null | undefined): string | null => {
  const text = value?.trim();
  return text ? text : null;
};
/** HostBill pads and blanks its person columns: trimmed, '' as null, a name from first and last where there is none. */
export function membership(
  kind: MembershipKind,
  nativeId: string,
  fields: { name?: string | null; firstName?: string | null; lastName?: string | null; email?: string | null; role?: string | null },
): MembershipModel {
  const name = blank(fields.name) ?? ([fields.firstName, fields.lastName].map(blank).filter(Boolean).join(' ') || null);
  return createMembership(P, nativeId, kind, {
    name,
    firstName: blank(fields.firstName),
    lastName: blank(fields.lastName),
    email: blank(fields.email),
    role: fields.role,
  });
}

export function toTag(text: string): TagModel {
  return { id: encodeId('Tag', P, text), provider: P, nativeId: text, name: text };
}

export function created(ticketNativeId: string, ticketId: string, author: MembershipModel | null, createdAt: Date): CreatedActivityModel {
  return {
    id: encodeId('Activity', P, `${ticketNativeId}:created:0`),
    provider: P,
    ticketId,
    kind: 'CREATED',
    author,
    createdAt,
  };
}

export const byTime = (a: ActivityModel, b: ActivityModel) => a.createdAt.getTime() - b.createdAt.getTime();
