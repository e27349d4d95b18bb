import { encodeId } from '../../ids.js';
import type { ActivityModel, AttachmentModel, CommentActivityModel } from '../../model/activity.js';
import type { MembershipModel } from '../../model/membership.js';
import type { TicketModel } from '../../model/ticket.js';
import { failBadPayload } from '../../upstream/parse.js';
import { at, blank, byTime, created, DEFAULT_CONTEXT, hostupStatuses, mapHostupPriority, mapHostupStatus, membership, P, type MapContext } from './mapper.js';
import type { HostupV2Attachment, HostupV2Message, HostupV2Ticket, HostupV2TicketKey, HostupV2TicketSummary } from './wire.js';

/*
 * HostUp v2 (the current API) onto the model: ISO times, people known by name only,
 * messages on the detail, no tags and no assignee.
 */

function v2Time(value: string | null | undefined): Date | null {
  // The schema already checked the ISO format.
  return value ? new Date(value) : null;
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

/**
 * A v2 ticket: a list summary (no body, no messages: `activities` stays undefined so a
 * loader reads the detail) or a detail. v2 has no tags (`[]`) and no assignee. HostUp
 * gives no close time: for a closed ticket it is taken as the last update.
 */
/** Any of the three times stands in for a missing one; a ticket with none is a broken payload. */
function v2Times(t: HostupV2TicketKey, ctx: MapContext): { createdAt: Date; updatedAt: Date } {
  const createdAt = v2Time(t.createdAt) ?? v2Time(t.updatedAt) ?? v2Time(t.lastMessageAt) ?? failBadPayload(P, ctx.operation, at(ctx, 'createdAt'));
  return { createdAt, updatedAt: v2Time(t.updatedAt) ?? v2Time(t.lastMessageAt) ?? createdAt };
}

/** The feed key of a list row: what toV2Ticket makes of the same fields. */
export function toV2TicketKey(fields: HostupV2TicketKey, ctx: MapContext): { id: string; updatedAt: Date } {
  return { id: encodeId('Ticket', P, fields.id), updatedAt: v2Times(fields, ctx).updatedAt };
}

export function toV2Ticket(t: HostupV2Ticket | HostupV2TicketSummary, raw: unknown, ctx: MapContext = DEFAULT_CONTEXT): TicketModel {
  const id = encodeId('Ticket', P, t.id);
  const { createdAt, updatedAt } = v2Times(t, ctx);
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
    // Root attachments are on the detail only: null on a list row tells the resolver to read it.
    attachments: detail ? (detail.attachments ?? []).map(toAttachment) : null,
    raw,
  };
}

/** The v2 status values a normalised status covers (list `status` takes one value per call). */
export const v2StatusesFor = hostupStatuses.rawFor;
