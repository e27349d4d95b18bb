import type { CommentActivityModel } from '../../model/activity.js';
import { createMembership, emailNativeId, isEmail, type MembershipModel } from '../../model/membership.js';
import type { TicketModel, TicketStatus } from '../../model/ticket.js';
import { encodeId } from '../../ids.js';
import { statusTable } from '../../upstream/status-table.js';
import type { MoovContact, MoovMessage, MoovTicket, MoovTicketKey, MoovTicketStatus } from './wire.js';

const PROVIDER = 'moov' as const;

/** The one status table. Moov has no "resolved"; its enum is open, so anything else is UNKNOWN. */
const STATUS: Readonly<Record<MoovTicketStatus, TicketStatus>> = {
  new: 'OPEN',
  'in-progress': 'IN_PROGRESS',
  'on-hold': 'WAITING',
  closed: 'CLOSED',
};

export const moovStatuses = statusTable(STATUS);

export function mapMoovStatus(raw: string): TicketStatus {
  return moovStatuses.map(raw);
}

/** The Moov values a normalised status stands for (the list's `status` filter takes one). */
export const moovStatusesFor = moovStatuses.rawFor;

export interface MoovTicketRef {
  accountId: string;
  ticketId: string;
}

/**
 * Our native id is `accountID/ticketID`: Moov reads a ticket only under its account.
 * Returns null for anything that is not exactly two non-empty segments, so a forged
 * id never becomes an odd upstream path.
 */
export function parseMoovNativeId(nativeId: string): MoovTicketRef | null {
  const parts = nativeId.split('/');
  if (parts.length !== 2) return null;
  const [accountId, ticketId] = parts as [string, string];
  if (accountId.trim() === '' || ticketId.trim() === '') return null;
  return { accountId, ticketId };
}

export const moovNativeId = (accountId: string, ticketId: string): string => `${accountId}/${ticketId}`;

/** Moov's contact has no id: the lower-cased email stands in, so the same person dedupes. */
export function toContact(contact: MoovContact): MembershipModel {
  const name = contact.name?.trim() ? contact.name : null;
  return createMembership(PROVIDER, emailNativeId(contact.email), 'CONTACT', { name, email: contact.email });
}

/**
 * A message author is a free string (a name or an email) [inferred: the docs show no
 * example]. When it names the ticket's contact, it is that contact; anyone else on a
 * customer-side ticket is Moov's support staff, so AGENT.
 */
export function toMessageAuthor(author: string, requester: MembershipModel | null): MembershipModel | null {
  const text = author.trim();
  if (text === '') return null;
  const lower = text.toLowerCase();
  if (requester && (lower === requester.email?.toLowerCase() || lower === requester.name?.toLowerCase())) return requester;
  return isEmail(text) ? createMembership(PROVIDER, emailNativeId(text), 'AGENT', { email: text }) : createMembership(PROVIDER, `name:${lower}`, 'AGENT', { name: text });
}

/** The feed key of a list row: what toTicket makes of the same fields. */
export function toTicketKey(fields: MoovTicketKey, accountId: string): { id: string; updatedAt: Date } {
  return { id: encodeId('Ticket', PROVIDER, moovNativeId(accountId, fields.ticketID)), updatedAt: new Date(fields.updatedOn) };
}

/**
 * `raw` is the ticket as received (the list element or the whole body), never the zod
 * output. Moov has no description on the ticket: the create body is the first message,
 * so `description` stays null here and the timeline (listActivities) carries it.
 */
export function toTicket(ticket: MoovTicket, raw: unknown, accountId: string): TicketModel {
  const nativeId = moovNativeId(accountId, ticket.ticketID);
  return {
    id: encodeId('Ticket', PROVIDER, nativeId),
    provider: PROVIDER,
    nativeId,
    number: String(ticket.number),
    title: ticket.title,
    titleDerived: false,
    description: null,
    status: mapMoovStatus(ticket.status),
    providerStatus: ticket.status,
    priority: null,
    providerPriority: null,
    type: null,
    requester: toContact(ticket.contact),
    assignee: null,
    team: null,
    tags: [],
    activities: undefined,
    createdAt: new Date(ticket.createdOn),
    lastActivityAt: ticket.latestMessageOn ? new Date(ticket.latestMessageOn) : null,
    externalId: ticket.foreignID ?? null,
    updatedAt: new Date(ticket.updatedOn),
    closedAt: ticket.closedOn ? new Date(ticket.closedOn) : null,
    raw,
  };
}

/**
 * Messages → COMMENT activities, oldest first; the first one is the ticket's description.
 * Messages have no id: the id is ticket + kind + position in the sorted thread, which
 * stays put because a thread only grows at its end.
 */
export function toActivities(messages: readonly MoovMessage[], ticket: Pick<TicketModel, 'id' | 'nativeId' | 'requester'>): CommentActivityModel[] {
  const sorted = messages.map((message, index) => ({ message, index, at: Date.parse(message.sentOn) })).sort((a, b) => a.at - b.at || a.index - b.index);
  return sorted.map(({ message, at }, position) => ({
    id: encodeId('Activity', PROVIDER, `${ticket.nativeId}/COMMENT/${position}`),
    provider: PROVIDER,
    ticketId: ticket.id,
    kind: 'COMMENT',
    author: toMessageAuthor(message.author, ticket.requester),
    createdAt: new Date(at),
    body: message.body,
    internal: false,
    attachments: [],
  }));
}
