import { encodeId } from '../../ids.js';
import { statusTable, type StatusTable } from '../../upstream/status-table.js';
import type { ActivityModel, StatusChangeActivityModel } from '../../model/activity.js';
import { createMembership, emailNativeId, isEmail, type MembershipFields, type MembershipKind, type MembershipModel } from '../../model/membership.js';
import type { TagModel } from '../../model/tag.js';
import type { TeamModel, TicketModel, TicketStatus } from '../../model/ticket.js';
import type { ZaiaTicketDetails, ZaiaTicketKey } from './wire.js';
import { ZAIA_DEFAULT_STATUS_VALUES, type ZaiaStatusValues } from './settings.js';

const P = 'zaia' as const;

/**
 * Zaia's status values are not published (the rendered enum is empty); the defaults
 * (pending/ongoing/completed) are read off the row's `ongoingAt`/`completedAt` and the Inbox
 * lifecycle "Unanswered → In Progress → Finished", and ZAIA_STATUS_VALUES replaces them.
 * Unknown values map to UNKNOWN and stay in providerStatus.
 */
const tables = new WeakMap<Readonly<ZaiaStatusValues>, StatusTable<string>>();
function tableOf(values: Readonly<ZaiaStatusValues>): StatusTable<string> {
  let table = tables.get(values);
  if (!table) {
    table = statusTable<string>({ [values.open]: 'OPEN', [values.ongoing]: 'IN_PROGRESS', [values.completed]: 'CLOSED' });
    tables.set(values, table);
  }
  return table;
}

export function mapZaiaStatus(raw: string | null | undefined, values: Readonly<ZaiaStatusValues> = ZAIA_DEFAULT_STATUS_VALUES): TicketStatus {
  return tableOf(values).map(raw);
}

/**
 * Normalised statuses → the wire values that express them. Zaia's list requires a status,
 * so with no filter (or UNKNOWN in it) every known value is listed, one source each.
 */
export function zaiaStatusesFor(statuses: readonly TicketStatus[] | undefined, values: Readonly<ZaiaStatusValues> = ZAIA_DEFAULT_STATUS_VALUES): string[] {
  return tableOf(values).upstream(statuses) ?? [values.open, values.ongoing, values.completed];
}

const date = (value: string): Date => new Date(value);
const optionalDate = (value: string | null | undefined): Date | null => (value ? new Date(value) : null);

const membership = (nativeId: string, kind: MembershipKind, fields: MembershipFields): MembershipModel => createMembership(P, nativeId, kind, fields);
const looksLikePhone = (value: string): boolean => /^\+?[0-9][0-9 ()-]{5,}$/.test(value);

/** The workspace user the ticket is assigned to. */
export function toAssignee(row: ZaiaTicketDetails): MembershipModel | null {
  const nativeId = row.assigneeId ?? (row.assigneeEmail ? emailNativeId(row.assigneeEmail) : null);
  if (!nativeId) return null;
  return membership(nativeId, 'AGENT', { name: row.assigneeName, email: row.assigneeEmail, avatarUrl: row.assigneePicture });
}

/**
 * The chat owner (a "super identity") is the requester. A platform user has `ownerEmail`;
 * an external user has `ownerIdentifier` instead (a phone number on WhatsApp, an email or
 * handle elsewhere), which we sort into email or phone where its form is clear.
 */
export function toRequester(row: ZaiaTicketDetails): MembershipModel {
  const identifier = row.ownerIdentifier ?? null;
  const external = row.ownerEmail == null && (identifier !== null || /extern/i.test(row.ownerEntity));
  const email = row.ownerEmail ?? (identifier && isEmail(identifier) ? identifier : null);
  const phone = identifier && !isEmail(identifier) && looksLikePhone(identifier) ? identifier : null;
  return membership(row.chatOwnerId, external ? 'CONTACT' : 'OWNER', {
    name: row.ownerName,
    email,
    phone,
    role: row.ownerEntity,
    blocked: row.isOwnerBlocked ?? null,
  });
}

/**
 * The responder answering the chat: an AI agent (`responderEntity` "agent", inferred) or
 * something else (a human responder). The ticket model has no slot for it; it is exported
 * for the timeline and for callers that want the chat's AI side.
 */
export function toResponder(row: ZaiaTicketDetails): MembershipModel {
  const ai = /agent|bot|\bai\b/i.test(row.responderEntity);
  return membership(row.responderId, ai ? 'AI' : 'RESPONDER', {
    name: row.responderName,
    avatarUrl: row.responderPicture,
    role: row.responderEntity,
  });
}

export function toTeam(row: ZaiaTicketDetails): TeamModel | null {
  if (row.ticketingTeamId == null && row.ticketingTeamName == null) return null;
  return { id: row.ticketingTeamId ?? null, name: row.ticketingTeamName ?? null, avatarUrl: row.ticketingTeamPicture ?? null };
}

export function toTag(tagId: string): TagModel {
  // Zaia gives tag ids only; no documented call reads a tag's name.
  return { id: encodeId('Tag', P, tagId), provider: P, nativeId: tagId, name: null };
}

/**
 * The row has no updatedAt: the latest of its lifecycle timestamps stands in for it (the
 * sandbox orders lists by the same value). Reassignments and tag changes do not move it.
 */
export function zaiaUpdatedAt(row: Pick<ZaiaTicketDetails, 'createdAt' | 'ongoingAt' | 'completedAt'>): Date {
  const times = [row.createdAt, row.ongoingAt, row.completedAt].flatMap((t) => (t ? [Date.parse(t)] : []));
  return new Date(Math.max(...times));
}

/** The feed key of a list row: what toTicket makes of the same fields. */
export function toTicketKey(fields: ZaiaTicketKey): { id: string; updatedAt: Date } {
  return { id: encodeId('Ticket', P, fields.id), updatedAt: zaiaUpdatedAt(fields) };
}

const activityId = (ticketNativeId: string, kind: string, index: number): string => encodeId('Activity', P, `${ticketNativeId}:${kind}:${index}`);

/**
 * Zaia has no timeline read for tickets: the lifecycle timestamps of the row give
 * CREATED, the move to ongoing and the completion. Authors are unknown (the row does not
 * say who took over or completed), so they are null.
 */
export function toActivities(row: ZaiaTicketDetails, values: Readonly<ZaiaStatusValues> = ZAIA_DEFAULT_STATUS_VALUES): ActivityModel[] {
  const ticketId = encodeId('Ticket', P, row.id);
  const activities: ActivityModel[] = [{ kind: 'CREATED', id: activityId(row.id, 'CREATED', 0), provider: P, ticketId, author: null, createdAt: date(row.createdAt) }];
  const change = (index: number, at: string, from: string, to: string): StatusChangeActivityModel => ({
    kind: 'STATUS_CHANGE',
    id: activityId(row.id, 'STATUS_CHANGE', index),
    provider: P,
    ticketId,
    author: null,
    createdAt: date(at),
    from: mapZaiaStatus(from, values),
    to: mapZaiaStatus(to, values),
    fromProviderStatus: from,
    toProviderStatus: to,
  });
  if (row.ongoingAt) activities.push(change(1, row.ongoingAt, values.open, values.ongoing));
  if (row.completedAt) activities.push(change(2, row.completedAt, row.ongoingAt ? values.ongoing : values.open, values.completed));
  return activities;
}

/** `raw` is the row as received (the zod output strips unknown keys). */
export function toTicket(row: ZaiaTicketDetails, raw: unknown, values: Readonly<ZaiaStatusValues> = ZAIA_DEFAULT_STATUS_VALUES): TicketModel {
  return {
    id: encodeId('Ticket', P, row.id),
    provider: P,
    nativeId: row.id,
    number: null,
    // Zaia tickets have no title or body: the platform writes a summary of the chat.
    title: row.summary,
    titleDerived: true,
    description: row.summary,
    status: mapZaiaStatus(row.status, values),
    providerStatus: row.status,
    priority: null,
    providerPriority: null,
    type: null,
    requester: toRequester(row),
    assignee: toAssignee(row),
    team: toTeam(row),
    // Tags can be written and used as a list filter, but no documented call reads them.
    tags: undefined,
    activities: toActivities(row, values),
    createdAt: date(row.createdAt),
    updatedAt: zaiaUpdatedAt(row),
    closedAt: optionalDate(row.completedAt),
    channel:
      row.channelId != null || row.channelName != null || row.channelType != null ? { id: row.channelId ?? null, name: row.channelName ?? null, type: row.channelType ?? null } : null,
    raw,
  };
}
