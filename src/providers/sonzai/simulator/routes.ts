import { STATUS_CODES } from 'node:http';
import type { z } from 'zod';
import {
  SONZAI_TICKET_STATUSES,
  sonzaiCommentSchema,
  sonzaiErrorSchema,
  sonzaiTicketDetailSchema,
  sonzaiTicketListSchema,
  sonzaiTicketSchema,
  type SonzaiTicketStatus,
} from '../wire.js';
import { bearerToken, SimHttpError, type Route, type SimRequest, type SimResponse } from '../../../simkit/server.js';
import { SANDBOX_EPOCH } from '../../../simkit/random.js';
import { compareTickets, timelineOf, toWireComment, toWireHistory, toWireSummary, toWireTicket, type SimComment, type SimTimeline, type SimTicket, type SimUser } from './data.js';
import { verifySonzaiToken } from './token.js';

export interface ProblemDetail {
  location: string;
  message: string;
  value?: unknown;
}

/** Huma's `ErrorModel` as `application/problem+json`. */
export function problem(status: number, detail: string, errors?: ProblemDetail[], headers?: Record<string, string>): SimResponse {
  const body = {
    $schema: '/api/v1/schemas/ErrorModel.json',
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...(errors ? { errors } : {}),
  };
  sonzaiErrorSchema.parse(body);
  return { status, body, contentType: 'application/problem+json', ...(headers ? { headers } : {}) };
}

const fail = (status: number, detail: string, errors?: ProblemDetail[]) => new SimHttpError(problem(status, detail, errors));

/** The simulator checks what it serves against the datasource's own schemas. */
function ok<S extends z.ZodType>(schema: S, body: unknown, status = 200): SimResponse {
  const result = schema.safeParse(body);
  if (!result.success) throw new Error(`sonzai simulator would serve an invalid body: ${result.error.message}`);
  return { status, body };
}

const MAX_PAGE = 100;
const DEFAULT_PAGE = 20;

/** Keyset cursor over the list order: (updated_at, ticket_id) of the last row served, base64. */
function encodeCursor(ticket: SimTicket): string {
  return Buffer.from(JSON.stringify({ u: ticket.updated_at, id: ticket.ticket_id }), 'utf8').toString('base64');
}

function decodeCursor(cursor: string): { updated_at: number; ticket_id: string } | null {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as { u?: unknown; id?: unknown };
    return typeof value.u === 'number' && Number.isSafeInteger(value.u) && typeof value.id === 'string' && value.id !== '' ? { updated_at: value.u, ticket_id: value.id } : null;
  } catch {
    return null;
  }
}

/** Index of the first ticket that sorts after the cursor (binary search over the sorted view). */
function firstAfter(list: readonly SimTicket[], key: { updated_at: number; ticket_id: string }): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const t = list[mid] as SimTicket;
    const after = t.updated_at < key.updated_at || (t.updated_at === key.updated_at && t.ticket_id < key.ticket_id);
    if (after) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** Tickets by id, users by id, and each creator's list in list order (rebuilt lazily after writes). */
export class SonzaiStore {
  readonly #byId = new Map<string, SimTicket>();
  readonly #users = new Map<string, SimUser>();
  readonly #staff: SimUser[];
  #views: Map<string, SimTicket[]> | null = null;
  #clock = SANDBOX_EPOCH;

  constructor(users: readonly SimUser[], tickets: readonly SimTicket[]) {
    for (const user of users) this.#users.set(user.id, user);
    this.#staff = users.filter((u) => u.tenantId === null);
    for (const ticket of tickets) this.#byId.set(ticket.ticket_id, ticket);
  }

  user(id: string): SimUser | undefined {
    return this.#users.get(id);
  }

  get(id: string): SimTicket | undefined {
    return this.#byId.get(id);
  }

  timeline(ticket: SimTicket): SimTimeline {
    return timelineOf(ticket, this.#staff);
  }

  /** The creator's tickets in its tenant, updated_at desc then ticket_id desc. */
  mine(user: SimUser): readonly SimTicket[] {
    if (!this.#views) {
      const views = new Map<string, SimTicket[]>();
      for (const ticket of [...this.#byId.values()].sort(compareTickets)) {
        const key = `${ticket.tenant_id}|${ticket.created_by}`;
        const view = views.get(key);
        if (view) view.push(ticket);
        else views.set(key, [ticket]);
      }
      this.#views = views;
    }
    return this.#views.get(`${user.tenantId}|${user.id}`) ?? [];
  }

  add(ticket: SimTicket): void {
    this.#byId.set(ticket.ticket_id, ticket);
    this.#views = null;
  }

  /** Call after changing a ticket's updated_at. */
  touched(): void {
    this.#views = null;
  }

  /** Monotonic and never before the generated data, so a write always sorts first. */
  now(): number {
    this.#clock = Math.max(this.#clock + 1, Date.now());
    return this.#clock;
  }
}

/** The caller, from the session token the authenticate hook already accepted. */
function caller(store: SonzaiStore, seed: number, req: SimRequest): SimUser {
  const token = bearerToken(req.headers);
  const claims = token ? verifySonzaiToken(seed, token) : null;
  const user = claims ? store.user(claims.sub) : undefined;
  if (!user || user.tenantId !== claims?.tenant_id) throw fail(401, 'invalid or expired session token');
  return user;
}

/** A ticket the caller's tenant may see; another tenant's ticket is indistinguishable from none. */
function visibleTicket(store: SonzaiStore, user: SimUser, req: SimRequest): SimTicket {
  const ticket = store.get(req.params.ticketId ?? '');
  if (!ticket || ticket.tenant_id !== user.tenantId) throw fail(404, 'ticket not found');
  return ticket;
}

function intParam(req: SimRequest, name: string, min: number, max: number, fallback: number): number {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw fail(422, 'validation failed', [{ location: `query.${name}`, message: 'expected integer', value: raw }]);
  if (value < min || value > max) {
    const message = value < min ? `expected number >= ${min}` : `expected number <= ${max}`;
    throw fail(422, 'validation failed', [{ location: `query.${name}`, message, value }]);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Huma's request validation: a JSON object, required properties present and strings,
 * `minLength: 1` where a blank value makes no sense, and no additional properties.
 */
function validateBody(body: unknown, fields: Record<string, { required: boolean; minLength?: number; maxLength?: number }>): Record<string, string | undefined> {
  if (!isRecord(body)) throw fail(422, 'validation failed', [{ location: 'body', message: 'expected object', value: body ?? null }]);
  const errors: ProblemDetail[] = [];
  const out: Record<string, string | undefined> = {};
  for (const [name, rule] of Object.entries(fields)) {
    const value = body[name];
    if (value === undefined || value === null) {
      if (rule.required) errors.push({ location: `body.${name}`, message: `expected required property ${name} to be present`, value: body });
      continue;
    }
    if (typeof value !== 'string') {
      errors.push({ location: `body.${name}`, message: 'expected string', value });
      continue;
    }
    if (rule.minLength !== undefined && value.trim().length < rule.minLength) {
      errors.push({ location: `body.${name}`, message: `expected length >= ${rule.minLength}`, value });
    } else if (rule.maxLength !== undefined && value.length > rule.maxLength) {
      errors.push({ location: `body.${name}`, message: `expected length <= ${rule.maxLength}`, value });
    } else out[name] = value;
  }
  for (const name of Object.keys(body)) {
    if (name !== '$schema' && !(name in fields)) errors.push({ location: `body.${name}`, message: 'unexpected property', value: body[name] });
  }
  if (errors.length > 0) throw fail(422, 'validation failed', errors);
  return out;
}

const isStatus = (value: string): value is SonzaiTicketStatus => (SONZAI_TICKET_STATUSES as readonly string[]).includes(value);

/**
 * The list speaks one paging dialect (issue 17), chosen by the simulator's `forms.sonzaiPaging`:
 * `offset`, the seed's (`limit` + `offset`, with `total`; cursor parameters are unknown to it
 * and ignored), or `cursor`, the production one (`page_size` or `limit` + an opaque `cursor`,
 * with `next_cursor`; an `offset` past 0 is refused).
 */
export function sonzaiRoutes(store: SonzaiStore, seed: number, newId: () => string, paging: 'offset' | 'cursor' = 'offset'): Route[] {
  const base = '/api/v1/support/tickets';
  return [
    {
      method: 'GET',
      pattern: base,
      operation: 'listTickets',
      handler: (req) => {
        const user = caller(store, seed, req);
        const status = req.query.get('status') || undefined;
        const type = req.query.get('type') || undefined;
        const offsetMode = paging === 'offset';
        if (!offsetMode && intParam(req, 'offset', 0, Number.MAX_SAFE_INTEGER, 0) > 0) {
          throw fail(422, 'validation failed', [{ location: 'query.offset', message: 'offset paging is not supported: use cursor' }]);
        }
        // Unknown status words match nothing, as a SQL filter on a plain string column would.
        const matches = (t: SimTicket) => (!status || (isStatus(status) && t.status === status)) && (!type || t.type === type);
        const list = store.mine(user);
        if (offsetMode) {
          // The seed's dialect: limit/offset with a total.
          const limit = intParam(req, 'limit', 1, MAX_PAGE, DEFAULT_PAGE);
          const offset = intParam(req, 'offset', 0, Number.MAX_SAFE_INTEGER, 0);
          const all = status || type ? list.filter(matches) : list;
          const page = all.slice(offset, offset + limit);
          return ok(sonzaiTicketListSchema, {
            $schema: '/api/v1/schemas/TicketListResponse.json',
            tickets: page.map(toWireSummary),
            has_more: offset + page.length < all.length,
            total: all.length,
          });
        }
        // The production dialect: page_size (or limit) + opaque cursor.
        const size = req.query.has('page_size') ? intParam(req, 'page_size', 1, MAX_PAGE, DEFAULT_PAGE) : intParam(req, 'limit', 1, MAX_PAGE, DEFAULT_PAGE);
        const cursorText = req.query.get('cursor');
        let start = 0;
        if (cursorText) {
          const key = decodeCursor(cursorText);
          if (!key) throw fail(422, 'validation failed', [{ location: 'query.cursor', message: 'invalid cursor', value: cursorText }]);
          start = firstAfter(list, key);
        }
        const page: SimTicket[] = [];
        let index = start;
        for (; index < list.length && page.length < size; index++) {
          const t = list[index] as SimTicket;
          if (matches(t)) page.push(t);
        }
        let more = false;
        for (; index < list.length && !more; index++) more = matches(list[index] as SimTicket);
        const last = page.at(-1);
        return ok(sonzaiTicketListSchema, {
          $schema: '/api/v1/schemas/TicketListResponse.json',
          tickets: page.map(toWireSummary),
          has_more: more,
          next_cursor: more && last ? encodeCursor(last) : null,
        });
      },
    },
    {
      method: 'POST',
      pattern: base,
      operation: 'createTicket',
      handler: (req) => {
        const user = caller(store, seed, req);
        const input = validateBody(req.body, {
          title: { required: true, minLength: 1, maxLength: 200 },
          description: { required: true, minLength: 1, maxLength: 10_000 },
          // Documented as required, with a server default: Huma treats a defaulted field as optional.
          type: { required: false, minLength: 1, maxLength: 50 },
          priority: { required: false, minLength: 1, maxLength: 20 },
        });
        const now = store.now();
        const ticket: SimTicket = {
          ticket_id: newId(),
          tenant_id: user.tenantId as string,
          title: input.title as string,
          type: input.type ?? 'support',
          status: 'open',
          priority: input.priority ?? 'medium',
          created_by: user.id,
          created_by_email: user.email,
          assigned_to: null,
          assigned_to_email: null,
          commentCount: 0,
          timelineSeed: 0,
          timeline: { description: input.description as string, comments: [], history: [] },
          created_at: now,
          updated_at: now,
          resolved_at: null,
        };
        store.add(ticket);
        return ok(sonzaiTicketSchema, toWireTicket(ticket, ticket.timeline as SimTimeline));
      },
    },
    {
      method: 'GET',
      pattern: `${base}/:ticketId`,
      operation: 'getTicket',
      handler: (req) => {
        const user = caller(store, seed, req);
        const ticket = visibleTicket(store, user, req);
        const timeline = store.timeline(ticket);
        return ok(sonzaiTicketDetailSchema, {
          $schema: '/api/v1/schemas/TicketDetailResponse.json',
          ticket: toWireTicket(ticket, timeline),
          history: timeline.history.map((row) => toWireHistory(row, ticket.ticket_id)),
        });
      },
    },
    {
      method: 'POST',
      pattern: `${base}/:ticketId/close`,
      operation: 'closeTicket',
      handler: (req) => {
        const user = caller(store, seed, req);
        const ticket = visibleTicket(store, user, req);
        if (ticket.created_by !== user.id) throw fail(403, 'only the user who created the ticket can close it');
        if (ticket.status === 'closed') throw fail(409, 'ticket is already closed');
        const timeline = store.timeline(ticket);
        const now = store.now();
        timeline.history.push({
          history_id: newId(),
          changed_by: user.id,
          changed_by_email: user.email,
          field_changed: 'status',
          old_value: ticket.status,
          new_value: 'closed',
          created_at: now,
        });
        ticket.status = 'closed';
        ticket.resolved_at ??= now;
        ticket.updated_at = now;
        store.touched();
        return ok(sonzaiTicketSchema, toWireTicket(ticket, timeline));
      },
    },
    {
      method: 'POST',
      pattern: `${base}/:ticketId/comments`,
      operation: 'addComment',
      handler: (req) => {
        const user = caller(store, seed, req);
        const ticket = visibleTicket(store, user, req);
        // `is_internal` is not a property of the user request: Huma refuses it as unexpected.
        const input = validateBody(req.body, { content: { required: true, minLength: 1, maxLength: 10_000 } });
        const now = store.now();
        const comment: SimComment = {
          comment_id: newId(),
          author_id: user.id,
          author_email: user.email,
          author_type: 'user',
          content: input.content as string,
          is_internal: false,
          created_at: now,
        };
        store.timeline(ticket).comments.push(comment);
        ticket.commentCount++;
        ticket.updated_at = now;
        store.touched();
        return ok(sonzaiCommentSchema, toWireComment(comment, ticket.ticket_id));
      },
    },
  ];
}
