import { encodeId } from '../../ids.js';
import type { ActivityModel } from '../../model/activity.js';
import { emailNativeId, type MembershipModel } from '../../model/membership.js';
import type { TicketModel } from '../../model/ticket.js';
import { failBadPayload } from '../../upstream/parse.js';
import { at, blank, byTime, created, DEFAULT_CONTEXT, mapHostupPriority, mapHostupStatus, membership, P, toTag, type MapContext } from './mapper.js';
import { HOSTUP_DEFAULT_TIMEZONE } from './settings.js';
import { zonedWallTimeToInstant } from './time.js';
import type { HostupV1Owner, HostupV1Reply, HostupV1Ticket } from './wire.js';

/*
 * HostUp v1 (the seed's HostBill API) onto the model: zoneless HostBill times, prefixed
 * person ids, replies and notes embedded in the ticket.
 */

// ---------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------

const HOSTBILL_TIME = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?$/;
const HOSTBILL_NEVER = /^0000-00-00/;

/**
 * A HostBill time: `YYYY-MM-DD HH:MM:SS`, a wall-clock time in `timeZone` [inferred: the docs
 * state no zone; HostUp is Swedish, so HOSTUP_TIMEZONE defaults to Europe/Stockholm], or an
 * ISO string, read as it says. '' and `0000-00-00 …` mean "never" (null); anything else that
 * does not parse gives undefined, and the caller turns it into a bad payload.
 */
export function parseHostbillTime(value: string | null | undefined, timeZone: string = HOSTUP_DEFAULT_TIMEZONE): Date | null | undefined {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text === '' || HOSTBILL_NEVER.test(text)) return null;
  const match = HOSTBILL_TIME.exec(text);
  // Only strings that look like dates: Date.parse accepts far too much on its own.
  if (!match && !/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined;
  const ms = Date.parse(match ? `${match[1]}T${match[2] ?? '00:00:00'}Z` : text);
  if (Number.isNaN(ms)) return undefined;
  return new Date(match ? zonedWallTimeToInstant(ms, timeZone) : ms);
}

function v1Time(value: string | null | undefined, ctx: MapContext, field: string): Date | null {
  const date = parseHostbillTime(value, ctx.timeZone);
  if (date === undefined) return failBadPayload(P, ctx.operation, at(ctx, field));
  return date;
}

// ---------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------

/** HostBill uses "0" for "nobody" in its id columns. */
const realId = (value: string | null | undefined): string | null => {
  const text = blank(value);
  return text && text !== '0' ? text : null;
};

/**
 * v1 person ids are prefixed: HostBill keeps clients and admins in separate tables, so
 * `client:7` and `admin:7` are different people. Without an id, the email stands in.
 */
export function toV1Requester(t: HostupV1Ticket): MembershipModel | null {
  const clientId = realId(t.client_id);
  const email = blank(t.email);
  const name = blank(t.name);
  const nativeId = clientId ? `client:${clientId}` : email ? emailNativeId(email) : name ? `name:${name}` : null;
  if (!nativeId) return null;
  return membership('CONTACT', nativeId, { name, email, role: 'Client' });
}

/**
 * The assigned admin. `owner` is the joined admin row; when it is missing (`owner: null`, an
 * admin row HostBill could not join) `owner_id` still says who it is, without a name.
 */
export function toV1Owner(owner: HostupV1Owner | null | undefined, ownerId?: string | null): MembershipModel | null {
  const id = realId(owner?.id) ?? realId(ownerId);
  if (!id) return null;
  return membership('AGENT', `admin:${id}`, {
    name: null,
    firstName: owner?.firstname,
    lastName: owner?.lastname,
    email: owner?.email,
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
    const nativeId = id ? `admin:${id}` : email ? emailNativeId(email) : name ? `name:${name}` : null;
    return nativeId ? membership('AGENT', nativeId, { name, email, role: type }) : null;
  }
  if (kindWord === 'client' || kindWord === 'customer') {
    const nativeId = id ? `client:${id}` : email ? emailNativeId(email) : name ? `name:${name}` : null;
    return nativeId ? membership('CONTACT', nativeId, { name, email, role: type }) : null;
  }
  // Auto-replies and pipes: no person behind them.
  return membership('SYSTEM', `system:${name ?? type ?? 'hostup'}`, { name, email, role: type });
}

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
    providerPriority: t.priority === null || t.priority === undefined ? null : String(t.priority),
    type: deptName,
    requester,
    assignee: toV1Owner(t.owner, t.owner_id),
    team: deptId || deptName ? { id: deptId, name: deptName, avatarUrl: null } : null,
    tags: (t.tags ?? []).filter((tag) => tag.trim() !== '').map(toTag),
    activities,
    createdAt,
    updatedAt,
    closedAt: status === 'CLOSED' ? (resolved ?? updatedAt) : null,
    // The seed shows v1 attachments as bare strings: taken as file names.
    attachments: (t.attachments ?? []).filter((name) => name.trim() !== '').map((name) => ({ id: null, name, url: null, mimeType: null, size: null })),
    raw,
  };
}
