import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  MOOV_TICKET_STATUSES,
  moovCreateTicketErrorSchema,
  moovGenericErrorSchema,
  moovMessageListSchema,
  moovTicketListSchema,
  moovTicketSchema,
  moovUpdateTicketErrorSchema,
  type MoovCreateTicketError,
  type MoovTicketStatus,
} from '../wire.js';
import { SimHttpError, type Route, type SimRequest, type SimResponse } from '../../../simkit/server.js';
import { SANDBOX_EPOCH } from '../../../simkit/random.js';
import { isEmail } from '../../../model/membership.js';
import { compareTickets, materializeMessages, toWire, type SimTicket } from './data.js';
import type { MoovWebhookEvent } from './webhooks.js';

/** Every Moov response carries one [seed]. */
export const withRequestId = (response: SimResponse): SimResponse => ({
  ...response,
  headers: { 'x-request-id': randomUUID(), ...response.headers },
});

/**
 * 401/403/404/429/500/504 have no documented body: the simulator sends none, only the
 * status and its headers, which is also what a client must cope with.
 */
export const bare = (status: number, headers: Record<string, string> = {}): SimResponse => withRequestId({ status, headers });

function genericError(status: 400 | 409, error: string): SimHttpError {
  return new SimHttpError(withRequestId({ status, body: moovGenericErrorSchema.parse({ error }) }));
}

/** The simulator checks what it serves against the datasource's own schemas. */
function ok<S extends z.ZodType>(schema: S, body: z.input<S>): SimResponse {
  const result = schema.safeParse(body);
  if (!result.success) throw new Error(`moov simulator would serve an invalid body: ${result.error.message}`);
  return withRequestId({ status: 200, body });
}

const VERSION = /^v\d{4}\.\d{2}\.\d{2}$/;
const DEFAULT_COUNT = 20;
const MAX_COUNT = 200;

const isStatus = (value: string): value is MoovTicketStatus => (MOOV_TICKET_STATUSES as readonly string[]).includes(value);

/** Keyset cursor over the list order: the (updatedOn, ticketID) of the last item served. */
function encodeCursor(ticket: SimTicket): string {
  return Buffer.from(`${ticket.updatedOn}|${ticket.ticketID}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { updatedOn: number; ticketID: string } | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const bar = text.indexOf('|');
  if (bar < 0) return null;
  const updatedOn = Number(text.slice(0, bar));
  const ticketID = text.slice(bar + 1);
  return Number.isSafeInteger(updatedOn) && ticketID !== '' ? { updatedOn, ticketID } : null;
}

/** Index of the first ticket that sorts after the cursor position (binary search: O(log n)). */
function firstAfter(list: readonly SimTicket[], key: { updatedOn: number; ticketID: string }): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const ticket = list[mid] as SimTicket;
    const after = ticket.updatedOn < key.updatedOn || (ticket.updatedOn === key.updatedOn && ticket.ticketID < key.ticketID);
    if (after) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** Tickets by id plus the sorted list views, rebuilt lazily after a write. */
export class MoovStore {
  readonly accountIds: readonly string[];
  readonly #byId = new Map<string, SimTicket>();
  readonly #numbers = new Map<string, number>();
  #views: Map<string, SimTicket[]> | null = null;
  #clock = SANDBOX_EPOCH;

  constructor(accountIds: readonly string[], tickets: readonly SimTicket[]) {
    this.accountIds = accountIds;
    for (const ticket of tickets) {
      this.#byId.set(`${ticket.accountId}/${ticket.ticketID}`, ticket);
      this.#numbers.set(ticket.accountId, Math.max(this.#numbers.get(ticket.accountId) ?? 0, ticket.number));
    }
  }

  hasAccount(accountId: string): boolean {
    return this.accountIds.includes(accountId);
  }

  get(accountId: string, ticketID: string): SimTicket | undefined {
    return this.#byId.get(`${accountId}/${ticketID}`);
  }

  /** The account's tickets in list order, optionally of one status. */
  list(accountId: string, status?: MoovTicketStatus): readonly SimTicket[] {
    if (!this.#views) {
      const views = new Map<string, SimTicket[]>();
      const sorted = [...this.#byId.values()].sort(compareTickets);
      for (const ticket of sorted) {
        for (const key of [ticket.accountId, `${ticket.accountId}#${ticket.status}`]) {
          const view = views.get(key);
          if (view) view.push(ticket);
          else views.set(key, [ticket]);
        }
      }
      this.#views = views;
    }
    return this.#views.get(status ? `${accountId}#${status}` : accountId) ?? [];
  }

  add(ticket: SimTicket): void {
    this.#byId.set(`${ticket.accountId}/${ticket.ticketID}`, ticket);
    this.#views = null;
  }

  /** Call after changing a ticket's status or updatedOn. */
  touched(): void {
    this.#views = null;
  }

  nextNumber(accountId: string): number {
    const number = (this.#numbers.get(accountId) ?? 0) + 1;
    this.#numbers.set(accountId, number);
    return number;
  }

  /** Monotonic and never before the generated data, so a write always sorts first. */
  now(): number {
    this.#clock = Math.max(this.#clock + 1, Date.now());
    return this.#clock;
  }
}

function account(store: MoovStore, req: SimRequest): string {
  const accountId = req.params.accountID ?? '';
  if (!store.hasAccount(accountId)) throw new SimHttpError(bare(404));
  return accountId;
}

function ticketOf(store: MoovStore, req: SimRequest): SimTicket {
  const ticket = store.get(account(store, req), req.params.ticketID ?? '');
  if (!ticket) throw new SimHttpError(bare(404));
  return ticket;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const blank = (value: unknown) => typeof value !== 'string' || value.trim() === '';

/** Moov's 422 mirrors the request: each bad field holds its message. */
function validateCreate(body: Record<string, unknown>): MoovCreateTicketError | null {
  const errors: MoovCreateTicketError = {};
  if (blank(body.title)) errors.title = 'cannot be blank';
  else if ((body.title as string).length > 255) errors.title = 'the length must be no more than 255';
  if (blank(body.body)) errors.body = 'cannot be blank';
  if (body.author !== undefined && typeof body.author !== 'string') errors.author = 'must be a string';
  if (body.foreignID !== undefined && (typeof body.foreignID !== 'string' || body.foreignID.length > 64)) {
    errors.foreignID = 'must be a string of at most 64 characters';
  }
  const contact = body.contact;
  if (!isRecord(contact)) errors.contact = { email: 'cannot be blank' };
  else {
    const contactErrors: NonNullable<MoovCreateTicketError['contact']> = {};
    if (blank(contact.email)) contactErrors.email = 'cannot be blank';
    else if (!isEmail(contact.email as string)) contactErrors.email = 'must be a valid email address';
    if (contact.name !== undefined && typeof contact.name !== 'string') contactErrors.name = 'must be a string';
    if (Object.keys(contactErrors).length > 0) errors.contact = contactErrors;
  }
  return Object.keys(errors).length > 0 ? moovCreateTicketErrorSchema.parse(errors) : null;
}

/**
 * A malformed X-Moov-Version answers 404 (documented); a missing one means v2024.01.00 and
 * an unknown well-formed one falls back to the nearest older version, so both are served.
 */
function versioned(handler: Route['handler']): Route['handler'] {
  return (req) => {
    const version = req.headers['x-moov-version'];
    if (typeof version === 'string' && version !== 'latest' && !VERSION.test(version.trim())) throw new SimHttpError(bare(404));
    return handler(req);
  };
}

/** `emit` announces a change made through the API, as Moov's webhooks do. */
export function moovRoutes(store: MoovStore, newId: () => string, emit: (event: MoovWebhookEvent) => void = () => {}): Route[] {
  const ids = (ticket: SimTicket) => ({ accountID: ticket.accountId, ticketID: ticket.ticketID, ...(ticket.foreignID !== undefined ? { foreignID: ticket.foreignID } : {}) });
  const routes: Route[] = [
    {
      method: 'GET',
      pattern: '/accounts/:accountID/tickets',
      operation: 'listTickets',
      handler: (req) => {
        const accountId = account(store, req);
        const countParam = req.query.get('count');
        const count = countParam === null ? DEFAULT_COUNT : Number(countParam);
        if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) throw genericError(400, `count must be an integer between 1 and ${MAX_COUNT}`);
        const status = req.query.get('status') || undefined;
        if (status !== undefined && !isStatus(status)) throw genericError(400, `status must be one of: ${MOOV_TICKET_STATUSES.join(', ')}`);
        const foreignID = req.query.get('foreignID') || undefined;
        let list = store.list(accountId, status);
        if (foreignID !== undefined) list = list.filter((ticket) => ticket.foreignID === foreignID);
        const cursorParam = req.query.get('cursor') || undefined;
        let start = 0;
        if (cursorParam !== undefined) {
          const key = decodeCursor(cursorParam);
          if (!key) throw genericError(400, 'invalid cursor');
          start = firstAfter(list, key);
        }
        const page = list.slice(start, start + count);
        const last = page[page.length - 1];
        const more = start + count < list.length && last !== undefined;
        return ok(moovTicketListSchema, { items: page.map(toWire), ...(more ? { nextPage: { cursor: encodeCursor(last) } } : {}) });
      },
    },
    {
      method: 'POST',
      pattern: '/accounts/:accountID/tickets',
      operation: 'createTicket',
      handler: (req) => {
        const accountId = account(store, req);
        if (!isRecord(req.body)) throw genericError(400, 'request body must be a JSON object');
        const errors = validateCreate(req.body);
        if (errors) throw new SimHttpError(withRequestId({ status: 422, body: errors }));
        const body = req.body as { title: string; body: string; contact: { email: string; name?: string }; author?: string; foreignID?: string };
        const now = store.now();
        const contact = body.contact.name ? { email: body.contact.email, name: body.contact.name } : { email: body.contact.email };
        const ticket: SimTicket = {
          accountId,
          ticketID: newId(),
          number: store.nextNumber(accountId),
          title: body.title,
          contact,
          status: 'new',
          createdOn: now,
          updatedOn: now,
          latestMessageOn: now,
          closedOn: null,
          messages: [{ author: body.author ?? contact.name ?? contact.email, body: body.body, sentOn: now }],
          bodySeed: 0,
        };
        if (body.foreignID !== undefined) ticket.foreignID = body.foreignID;
        store.add(ticket);
        emit({ type: 'ticket.created', data: ids(ticket) });
        return ok(moovTicketSchema, toWire(ticket));
      },
    },
    {
      method: 'GET',
      pattern: '/accounts/:accountID/tickets/:ticketID',
      operation: 'getTicket',
      handler: (req) => ok(moovTicketSchema, toWire(ticketOf(store, req))),
    },
    {
      method: 'PATCH',
      pattern: '/accounts/:accountID/tickets/:ticketID',
      operation: 'updateTicket',
      handler: (req) => {
        const ticket = ticketOf(store, req);
        if (req.body !== undefined && !isRecord(req.body)) throw genericError(400, 'request body must be a JSON object');
        const status = req.body?.status;
        // An empty update changes nothing; `closed` is the only status a customer may set.
        if (status === undefined) return ok(moovTicketSchema, toWire(ticket));
        if (status !== 'closed') {
          throw new SimHttpError(withRequestId({ status: 422, body: moovUpdateTicketErrorSchema.parse({ status: 'must be a valid value: closed' }) }));
        }
        if (ticket.status === 'closed') throw genericError(409, 'ticket is already closed');
        const now = store.now();
        ticket.status = 'closed';
        ticket.closedOn = now;
        ticket.updatedOn = now;
        store.touched();
        emit({ type: 'ticket.updated', data: { ...ids(ticket), status: ticket.status } });
        return ok(moovTicketSchema, toWire(ticket));
      },
    },
    {
      method: 'GET',
      pattern: '/accounts/:accountID/tickets/:ticketID/messages',
      operation: 'listTicketMessages',
      handler: (req) =>
        ok(
          moovMessageListSchema,
          materializeMessages(ticketOf(store, req)).map((m) => ({ author: m.author, body: m.body, sentOn: new Date(m.sentOn).toISOString() })),
        ),
    },
  ];
  return routes.map((route) => ({ ...route, handler: versioned(route.handler) }));
}
