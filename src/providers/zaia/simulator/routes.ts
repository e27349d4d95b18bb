import type { z } from 'zod';
import {
  zaiaChatListSchema,
  zaiaMessageSchema,
  zaiaTicketDetailsListSchema,
  zaiaTicketDetailsSchema,
  zaiaTicketSchema,
  zaiaTicketTagSchema,
  zaiaTicketingTeamListSchema,
} from '../wire.js';
import { SimHttpError, type Route, type SimRequest, type SimResponse } from '../../../simkit/server.js';
import { SANDBOX_EPOCH } from '../../../simkit/random.js';
import { ZAIA_STATUSES, chatPayload, detailsRow, iso, sortTime, teamPayload, ticketEntity, type SimChat, type SimTicket, type ZaiaData } from './data.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Assumed error body (undocumented): NestJS-style `{ statusCode, message, error }`. */
export function zaiaError(status: number, message: string | string[], headers?: Record<string, string>): SimResponse {
  return { status, body: { statusCode: status, message, error: REASONS[status] ?? 'Error' }, headers };
}

const fail = (status: number, message: string | string[]): never => {
  throw new SimHttpError(zaiaError(status, message));
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuidParam(value: string | undefined, name: string): string {
  if (!value || !UUID.test(value)) fail(400, [`${name} must be a UUID`]);
  return value as string;
}

/** A uuid filter given once, repeated, or with the `name[]` array spelling. */
function uuidList(query: URLSearchParams, name: string): string[] {
  const values = [...query.getAll(name), ...query.getAll(`${name}[]`)];
  const bad = values.filter((v) => !UUID.test(v));
  if (bad.length > 0) fail(400, [`each value in ${name} must be a UUID`]);
  return values;
}

function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    fail(400, [max === Infinity ? `${name} must not be less than ${min}` : `${name} must be a number between ${min} and ${max}`]);
  }
  return value;
}

function paging(query: URLSearchParams): { offset: number; size: number } {
  const pageNumber = intParam(query, 'pageNumber', 1, 1, Infinity);
  const size = intParam(query, 'pageSize', 10, 1, 100);
  return { offset: (pageNumber - 1) * size, size };
}

function bodyObject(req: SimRequest): Record<string, unknown> {
  const body = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) fail(400, ['request body must be an object']);
  return body as Record<string, unknown>;
}

function bodyUuid(body: Record<string, unknown>, name: string, nullable = false): string | null {
  if (!(name in body)) return fail(400, [`${name} must be a UUID`, `${name} should not be undefined`]);
  const value = body[name];
  if (value === null && nullable) return null;
  if (typeof value !== 'string' || !UUID.test(value)) return fail(400, [`${name} must be a UUID`]);
  return value;
}

/** Checks what the sandbox serves against the datasource's own schemas. */
function ok<S extends z.ZodType>(schema: S, body: z.input<S>): SimResponse {
  schema.parse(body);
  return { status: 200, body };
}

/** Writes happen "now", but never before the generated history ends. */
const now = (): number => Math.max(Date.now(), SANDBOX_EPOCH);

export function createZaiaRoutes(data: ZaiaData): Route[] {
  // Lists are sorted by the row's derived updatedAt desc, then id desc: computed once,
  // and again only after a write moved a ticket.
  let sorted: Map<string, SimTicket[]> | null = null;
  const byStatus = (status: string): SimTicket[] => {
    if (!sorted) {
      const keyed = [...data.tickets.values()].map((t) => ({ t, at: sortTime(t) }));
      keyed.sort((a, b) => b.at - a.at || (a.t.id < b.t.id ? 1 : a.t.id > b.t.id ? -1 : 0));
      sorted = new Map();
      for (const { t } of keyed) {
        const list = sorted.get(t.status);
        if (list) list.push(t);
        else sorted.set(t.status, [t]);
      }
    }
    return sorted.get(status) ?? [];
  };
  const touched = () => {
    sorted = null;
  };
  const chatsSorted: SimChat[] = [...data.chats].sort((a, b) => (b.lastMessageAt ?? b.createdAt) - (a.lastMessageAt ?? a.createdAt) || (a.id < b.id ? 1 : -1));

  const ticketOr404 = (id: string | undefined): SimTicket => {
    const ticket = data.tickets.get(uuidParam(id, 'id'));
    if (!ticket) return fail(404, 'Ticket not found');
    return ticket;
  };
  const userOr422 = (id: string, field: string) => {
    if (!data.usersById.has(id)) fail(422, `${field} does not reference a user of the workspace`);
  };
  const notCompleted = (ticket: SimTicket) => {
    if (ticket.status === 'completed') fail(409, 'Ticket is already completed');
  };

  return [
    {
      method: 'GET',
      pattern: '/api/v1/tickets/details',
      operation: 'listTickets',
      handler: (req) => {
        const q = req.query;
        const status = q.get('status');
        if (status === null || !(ZAIA_STATUSES as readonly string[]).includes(status)) {
          fail(400, [`status must be one of the following values: ${ZAIA_STATUSES.join(', ')}`]);
        }
        const { offset, size } = paging(q);
        const includeRemoved = q.get('includeRemoved');
        if (includeRemoved !== null && includeRemoved !== 'true' && includeRemoved !== 'false') {
          fail(400, ['includeRemoved must be a boolean value']);
        }
        const assignees = new Set(uuidList(q, 'assigneeIds'));
        const chats = new Set(uuidList(q, 'chatIds'));
        const responders = new Set(uuidList(q, 'responderIds'));
        const versions = new Set(uuidList(q, 'responderVersionIds'));
        const tags = uuidList(q, 'tagIds');
        const search = q.get('search')?.trim().toLowerCase() ?? '';
        const all = byStatus(status as string);
        const filtered =
          includeRemoved === 'true' && assignees.size + chats.size + responders.size + versions.size + tags.length === 0 && !search
            ? all
            : all.filter((t) => {
                if (includeRemoved !== 'true' && t.chat.isRemoved) return false;
                if (assignees.size > 0 && !(t.assigneeId && assignees.has(t.assigneeId))) return false;
                if (chats.size > 0 && !chats.has(t.chat.id)) return false;
                if (responders.size > 0 && !responders.has(t.chat.responder.id)) return false;
                if (versions.size > 0 && !(t.chat.responder.versionId && versions.has(t.chat.responder.versionId))) return false;
                // Several tags: a ticket with any of them.
                if (tags.length > 0 && !tags.some((tag) => t.tags.has(tag))) return false;
                if (search) {
                  const assignee = t.assigneeId ? data.usersById.get(t.assigneeId) : undefined;
                  const haystack = [t.summary, t.chat.owner.name, t.chat.owner.email, t.chat.owner.identifier, assignee?.name, assignee?.email].filter(Boolean).join('\n').toLowerCase();
                  if (!haystack.includes(search)) return false;
                }
                return true;
              });
        return ok(
          zaiaTicketDetailsListSchema,
          filtered.slice(offset, offset + size).map((t) => detailsRow(data, t)),
        );
      },
    },
    {
      method: 'GET',
      pattern: '/api/v1/tickets/:id/details',
      operation: 'getTicket',
      handler: (req) => ok(zaiaTicketDetailsSchema, detailsRow(data, ticketOr404(req.params.id))),
    },
    {
      method: 'POST',
      pattern: '/api/v1/tickets',
      operation: 'createTicket',
      handler: (req) => {
        const body = bodyObject(req);
        const chatId = bodyUuid(body, 'chatId') as string;
        const teamId = bodyUuid(body, 'ticketingTeamId', true);
        const assigneeId = bodyUuid(body, 'assigneeId') as string;
        const status = body.status;
        if (typeof status !== 'string' || !(ZAIA_STATUSES as readonly string[]).includes(status)) {
          fail(400, [`status must be one of the following values: ${ZAIA_STATUSES.join(', ')}`]);
        }
        const chat = data.chatsById.get(chatId);
        if (!chat) fail(422, 'chatId does not reference a chat of the workspace');
        if (teamId !== null && !data.teamsById.has(teamId)) fail(422, 'ticketingTeamId does not reference a ticketing team of the workspace');
        userOr422(assigneeId, 'assigneeId');
        const at = now();
        const ticket: SimTicket = {
          id: data.newId(),
          chat: chat as SimChat,
          status: status as string,
          // The platform writes the summary of the chat; there is no field to send one.
          summary: `Taken over: ${data.writes.sentence()}`,
          circumstance: 'takeover',
          createdAt: at,
          updatedAt: at,
          ongoingAt: status === 'ongoing' ? at : null,
          completedAt: status === 'completed' ? at : null,
          lastViewedAt: null,
          assigneeId,
          teamId,
          pendingChatMessages: 0,
          tags: new Map(),
        };
        data.tickets.set(ticket.id, ticket);
        touched();
        return ok(zaiaTicketSchema, ticketEntity(ticket));
      },
    },
    {
      method: 'PATCH',
      pattern: '/api/v1/tickets/:id/complete',
      operation: 'closeTicket',
      handler: (req) => {
        const ticket = ticketOr404(req.params.id);
        const userId = bodyUuid(bodyObject(req), 'userId') as string;
        userOr422(userId, 'userId');
        notCompleted(ticket);
        const at = now();
        ticket.status = 'completed';
        ticket.completedAt = at;
        ticket.updatedAt = at;
        ticket.pendingChatMessages = 0;
        touched();
        return ok(zaiaTicketSchema, ticketEntity(ticket));
      },
    },
    {
      method: 'PATCH',
      pattern: '/api/v1/tickets/:id/takeover',
      operation: 'takeOverTicket',
      handler: (req) => {
        const ticket = ticketOr404(req.params.id);
        const assigneeId = bodyUuid(bodyObject(req), 'assigneeId') as string;
        userOr422(assigneeId, 'assigneeId');
        notCompleted(ticket);
        const at = now();
        ticket.assigneeId = assigneeId;
        ticket.circumstance = 'takeover';
        ticket.status = 'ongoing';
        ticket.ongoingAt ??= at;
        ticket.lastViewedAt = at;
        ticket.updatedAt = at;
        touched();
        return ok(zaiaTicketSchema, ticketEntity(ticket));
      },
    },
    {
      method: 'PATCH',
      pattern: '/api/v1/tickets/:id/assignee',
      operation: 'assignTicket',
      handler: (req) => {
        const ticket = ticketOr404(req.params.id);
        const assigneeId = bodyUuid(bodyObject(req), 'assigneeId') as string;
        userOr422(assigneeId, 'assigneeId');
        notCompleted(ticket);
        ticket.assigneeId = assigneeId;
        ticket.updatedAt = now();
        return ok(zaiaTicketSchema, ticketEntity(ticket));
      },
    },
    {
      method: 'POST',
      pattern: '/api/v1/tickets/:ticketId/tags',
      operation: 'addTicketTag',
      handler: (req) => {
        const ticket = ticketOr404(req.params.ticketId);
        const tagId = bodyUuid(bodyObject(req), 'tagId') as string;
        if (!data.tagsById.has(tagId)) fail(422, 'tagId does not reference a tag of the workspace');
        if (ticket.tags.has(tagId)) fail(409, 'Tag is already attached to the ticket');
        const at = now();
        ticket.tags.set(tagId, at);
        ticket.updatedAt = at;
        return ok(zaiaTicketTagSchema, { createdAt: iso(at), updatedAt: iso(at), tagId, ticketId: ticket.id });
      },
    },
    {
      method: 'DELETE',
      pattern: '/api/v1/tickets/:ticketId/tags/:tagId',
      operation: 'removeTicketTag',
      handler: (req) => {
        const ticket = ticketOr404(req.params.ticketId);
        const tagId = uuidParam(req.params.tagId, 'tagId');
        if (!ticket.tags.delete(tagId)) fail(404, 'Ticket tag not found');
        ticket.updatedAt = now();
        return ok(zaiaMessageSchema, { message: 'The tag was removed from the ticket.' });
      },
    },
    {
      method: 'GET',
      pattern: '/api/v1/ticketing-teams',
      operation: 'listTicketingTeams',
      handler: (req) => {
        const { offset, size } = paging(req.query);
        const teams = [...data.teams].sort((a, b) => a.name.localeCompare(b.name));
        return ok(
          zaiaTicketingTeamListSchema,
          teams.slice(offset, offset + size).map((t) => teamPayload(data, t)),
        );
      },
    },
    {
      method: 'GET',
      pattern: '/api/v1/chats',
      operation: 'listChats',
      handler: (req) => {
        const { offset, size } = paging(req.query);
        const channels = new Set(uuidList(req.query, 'channelIds'));
        const owners = new Set(uuidList(req.query, 'ownerIds'));
        const includeRemoved = req.query.get('includeRemoved') === 'true';
        const chats = chatsSorted.filter(
          (c) => (includeRemoved || !c.isRemoved) && (channels.size === 0 || (c.channel !== null && channels.has(c.channel.id))) && (owners.size === 0 || owners.has(c.owner.id)),
        );
        return ok(
          zaiaChatListSchema,
          chats.slice(offset, offset + size).map((c) => chatPayload(data, c)),
        );
      },
    },
  ];
}
