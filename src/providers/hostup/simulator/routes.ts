import type { z } from 'zod';
import {
  HOSTUP_V2_STATUSES,
  hostupV1CreateBodySchema,
  hostupV1DepartmentsEnvelopeSchema,
  hostupV1TicketEnvelopeSchema,
  hostupV2CreateBodySchema,
  hostupV2DepartmentListSchema,
  hostupV2MessageSchema,
  hostupV2ReplyBodySchema,
  hostupV2TicketListSchema,
  hostupV2TicketSchema,
} from '../wire.js';
import { SimHttpError, type Route, type SimRequest, type SimResponse } from '../../../simkit/server.js';
import { compareListOrder, DEPARTMENTS, publicId, type HostupStore, type SimMessage, type SimTicket } from './data.js';
import { invalidRequest, problemFields, v1Error, v1RequestId, v2Problem, v2RateLimited } from './errors.js';
import { renderV1Ticket, renderV2Message, renderV2Summary, renderV2Ticket } from './render.js';

const HOUR = 3_600_000;
const DEFAULT_LIMIT = 25;

/** Every body the simulator serves goes through the datasource's own schema first. */
function serve<S extends z.ZodType>(schema: S, body: unknown, status = 200): SimResponse {
  schema.parse(body);
  return { status, body };
}

const origin = (req: SimRequest) => `http://${req.headers.host ?? '127.0.0.1'}`;

function v1Envelope(data: unknown) {
  return { success: true, timestamp: new Date().toISOString(), requestId: v1RequestId(), data };
}

interface Cursor {
  u: number;
  id: string;
}
const encodeCursor = (t: SimTicket) => Buffer.from(JSON.stringify({ u: t.updatedAt, id: t.id } satisfies Cursor)).toString('base64url');
function decodeCursor(value: string): Cursor | null {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<Cursor>;
    return typeof parsed.u === 'number' && typeof parsed.id === 'string' ? { u: parsed.u, id: parsed.id } : null;
  } catch {
    return null;
  }
}

/** First index after the cursor's position in list order (keyset: stable under writes). */
function startAfter(order: SimTicket[], cursor: Cursor): number {
  const pivot = { updatedAt: cursor.u, id: cursor.id } as SimTicket;
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareListOrder(order[mid] as SimTicket, pivot) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function createRoutes(store: HostupStore): Route[] {
  let lastCritical = -Infinity;

  const v2Find = (req: SimRequest): SimTicket => {
    const id = req.params.id ?? '';
    // The numeric number is accepted "during migration".
    const ticket = store.byId.get(id) ?? (/^\d+$/.test(id) ? store.byNumber.get(id) : undefined);
    if (!ticket) throw new SimHttpError(v2Problem(404, 'not_found', 'Not found', 'Support ticket not found.', { instance: req.path }));
    return ticket;
  };

  const conflict = (req: SimRequest, code: string, detail: string) => new SimHttpError(v2Problem(409, code, 'Conflict', detail, { instance: req.path }));

  return [
    // ----------------------------------------------------------------------------- v1
    {
      method: 'GET',
      pattern: '/api/support/tickets/:number',
      operation: 'v1.getTicket',
      handler: (req) => {
        const number = req.params.number ?? '';
        if (!/^[1-9]\d*$/.test(number)) {
          throw new SimHttpError(v1Error(400, 'validation_error', 'number must be a positive integer', 'VALIDATION_ERROR'));
        }
        const ticket = store.byNumber.get(number);
        if (!ticket) throw new SimHttpError(v1Error(404, 'not_found', `Ticket ${number} not found`, 'TICKET_NOT_FOUND'));
        return serve(hostupV1TicketEnvelopeSchema, v1Envelope({ ticket: renderV1Ticket(ticket) }));
      },
    },
    {
      method: 'POST',
      pattern: '/api/support/tickets',
      operation: 'v1.createTicket',
      handler: (req) => {
        const parsed = hostupV1CreateBodySchema.safeParse(req.body);
        if (!parsed.success) {
          const first = parsed.error.issues[0];
          const field = first?.path.map(String).join('.') || 'body';
          throw new SimHttpError(v1Error(400, 'validation_error', `${field}: ${first?.message ?? 'invalid'}`, 'VALIDATION_ERROR'));
        }
        const input = parsed.data;
        const department = DEPARTMENTS.find((d) => d.id === input.dept_id);
        if (!department) throw new SimHttpError(v1Error(400, 'validation_error', 'dept_id: unknown department', 'INVALID_DEPARTMENT'));
        const priority = (['low', 'medium', 'high', 'urgent', 'critical'] as const)[input.priority] ?? 'medium';
        const ticket = newTicket(store, { subject: input.subject, body: input.body, priority, department });
        return serve(hostupV1TicketEnvelopeSchema, v1Envelope({ ticket: renderV1Ticket(ticket, { numberAsInteger: true }) }));
      },
    },
    {
      method: 'GET',
      pattern: '/api/support/departments',
      operation: 'v1.listDepartments',
      handler: () =>
        serve(
          hostupV1DepartmentsEnvelopeSchema,
          v1Envelope({ departments: DEPARTMENTS.map((d) => ({ id: d.id, name: d.name, description: d.description, email: d.email, visible: true })) }),
        ),
    },

    // ----------------------------------------------------------------------------- v2
    {
      method: 'GET',
      pattern: '/api/v2/support/tickets',
      operation: 'listTickets',
      handler: (req) => {
        const errors = [];
        const limitText = req.query.get('limit');
        const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
          errors.push({ pointer: '?limit', detail: '`limit` must be an integer from 1 to 100.', code: 'invalid_value' });
        }
        const status = req.query.get('status');
        if (status !== null && (!(HOSTUP_V2_STATUSES as readonly string[]).includes(status) || status === 'unknown')) {
          errors.push({ pointer: '?status', detail: '`status` is not a filterable ticket status.', code: 'invalid_value' });
        }
        const slug = req.query.get('departmentSlug');
        if (slug !== null && !DEPARTMENTS.some((d) => d.slug === slug)) {
          errors.push({ pointer: '?departmentSlug', detail: 'Unknown department slug.', code: 'invalid_value' });
        }
        const cursorText = req.query.get('cursor');
        const cursor = cursorText ? decodeCursor(cursorText) : null;
        if (cursorText && !cursor) errors.push({ pointer: '?cursor', detail: '`cursor` is not a cursor this API issued.', code: 'invalid_value' });
        if (errors.length > 0) throw invalidRequest(errors, req.path, 'The query failed validation.');

        const order = store.sorted();
        const matches = (t: SimTicket) => (status === null || t.status === status) && (slug === null || t.department.slug === slug);
        const page: SimTicket[] = [];
        let more = false;
        for (let i = cursor ? startAfter(order, cursor) : 0; i < order.length; i++) {
          const t = order[i] as SimTicket;
          if (!matches(t)) continue;
          if (page.length === limit) {
            more = true;
            break;
          }
          page.push(t);
        }
        const last = page.at(-1);
        return serve(hostupV2TicketListSchema, { data: page.map(renderV2Summary), nextCursor: more && last ? encodeCursor(last) : null });
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/support/tickets/:id',
      operation: 'getTicket',
      handler: (req) => serve(hostupV2TicketSchema, renderV2Ticket(v2Find(req), origin(req))),
    },
    {
      method: 'POST',
      pattern: '/api/v2/support/tickets',
      operation: 'createTicket',
      handler: (req) => {
        const parsed = hostupV2CreateBodySchema.safeParse(req.body);
        if (!parsed.success) throw invalidRequest(problemFields(parsed.error, req.body), req.path, 'The request body failed validation.');
        const input = parsed.data;
        const department = DEPARTMENTS.find((d) => d.slug === input.departmentSlug);
        if (!department) {
          throw invalidRequest([{ pointer: '/departmentSlug', detail: 'Unknown department slug; use GET /api/v2/support/departments.', code: 'invalid_department' }], req.path);
        }
        if (input.priority === 'critical') {
          if (!input.criticalReason?.trim()) {
            throw invalidRequest([{ pointer: '/criticalReason', detail: '`criticalReason` is required with priority=critical.', code: 'missing_required' }], req.path);
          }
          // HostUp allows one critical alert per hour.
          const now = Date.now();
          if (now - lastCritical < HOUR) throw new SimHttpError(v2RateLimited(Math.ceil((lastCritical + HOUR - now) / 1000), 'rate_limit_exceeded'));
          lastCritical = now;
        }
        const ticket = newTicket(store, {
          subject: input.subject,
          body: input.message,
          priority: input.priority ?? 'medium',
          department,
          ccEmails: input.ccEmails,
          criticalReason: input.criticalReason ?? null,
        });
        return serve(hostupV2TicketSchema, renderV2Ticket(ticket, origin(req)), 201);
      },
    },
    {
      method: 'POST',
      pattern: '/api/v2/support/tickets/:id/messages',
      operation: 'addMessage',
      handler: (req) => {
        const ticket = v2Find(req);
        const parsed = hostupV2ReplyBodySchema.safeParse(req.body);
        if (!parsed.success) throw invalidRequest(problemFields(parsed.error, req.body), req.path, 'The request body failed validation.');
        if (ticket.status === 'closed') throw conflict(req, 'ticket_closed', 'Closed tickets must be reopened before replying.');
        const now = Date.now();
        const message: SimMessage = {
          id: publicId('tmsg', now, store.random),
          replyId: String(3_000_000 + store.random.int(0, 999_999)),
          sentAt: now,
          body: parsed.data.message,
          sender: 'customer',
          person: store.account,
          encrypted: parsed.data.encrypted ?? false,
          attachments: [],
        };
        ticket.messages.push(message);
        ticket.status = 'customer_reply';
        store.touch(ticket, now);
        return serve(hostupV2MessageSchema, renderV2Message(ticket, message, origin(req)), 201);
      },
    },
    {
      method: 'POST',
      pattern: '/api/v2/support/tickets/:id/actions/close',
      operation: 'closeTicket',
      handler: (req) => {
        const ticket = v2Find(req);
        if (ticket.status === 'closed') throw conflict(req, 'ticket_already_closed', 'The support ticket is already closed.');
        const now = Date.now();
        ticket.status = 'closed';
        ticket.closedAt = now;
        store.touch(ticket, now);
        return serve(hostupV2TicketSchema, renderV2Ticket(ticket, origin(req)));
      },
    },
    {
      method: 'POST',
      pattern: '/api/v2/support/tickets/:id/actions/reopen',
      operation: 'reopenTicket',
      handler: (req) => {
        const ticket = v2Find(req);
        if (ticket.status !== 'closed') throw conflict(req, 'ticket_not_closed', 'Only closed support tickets can be reopened.');
        ticket.status = 'open';
        ticket.closedAt = null;
        store.touch(ticket);
        return serve(hostupV2TicketSchema, renderV2Ticket(ticket, origin(req)));
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/support/departments',
      operation: 'listDepartments',
      handler: () =>
        serve(hostupV2DepartmentListSchema, {
          departments: DEPARTMENTS.map((d) => ({ slug: d.slug, displayName: d.name, description: d.description, email: d.email })),
        }),
    },
    {
      method: 'GET',
      pattern: '/api/v2/support/attachments/:id',
      operation: 'downloadAttachment',
      handler: (req) => {
        const ticketId = req.query.get('ticketId');
        if (!ticketId) {
          throw invalidRequest([{ pointer: '?ticketId', detail: '`ticketId` query parameter is required.', code: 'missing_required' }], req.path);
        }
        const ticket = store.byId.get(ticketId);
        const attachment = ticket && [...ticket.attachments, ...ticket.messages.flatMap((m) => m.attachments)].find((a) => a.id === req.params.id);
        if (!attachment) throw new SimHttpError(v2Problem(404, 'not_found', 'Not found', 'Attachment not found.', { instance: req.path }));
        return { status: 200, body: `sandbox attachment ${attachment.filename}\n`, contentType: attachment.contentType };
      },
    },
  ];
}

/** A ticket filed through the API: by the key's account holder, open, no replies yet. */
function newTicket(
  store: HostupStore,
  input: {
    subject: string;
    body: string;
    priority: SimTicket['priority'];
    department: SimTicket['department'];
    ccEmails?: string[] | undefined;
    criticalReason?: string | null;
  },
): SimTicket {
  const now = Date.now();
  const ticket: SimTicket = {
    id: publicId('tkt', now, store.random),
    number: store.nextNumber(),
    rowId: store.nextRowId(),
    subject: input.subject,
    body: input.body,
    textSeed: 1,
    status: 'open',
    priority: input.priority,
    department: input.department,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    requester: store.account,
    owner: null,
    ccEmails: input.ccEmails ?? [],
    tags: [],
    notes: [],
    messages: [],
    attachments: [],
    linkedService: null,
    criticalReason: input.criticalReason ?? null,
  };
  store.add(ticket);
  return ticket;
}
