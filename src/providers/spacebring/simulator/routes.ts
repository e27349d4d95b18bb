import {
  SPACEBRING_STATUSES,
  SPACEBRING_TYPES,
  type SpacebringActivity,
  type SpacebringAttachment,
  type SpacebringMembership,
  type SpacebringTicket,
  type SpacebringUser,
} from '../wire.js';
import { SimHttpError, type Route, type SimRequest, type SimResponse } from '../../../simkit/server.js';
import { fastUuid, tick, touch, type SbActivity, type SbLocation, type SbPerson, type SbState, type SbTicket } from './data.js';

const BASE = '/support/tickets/v1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ORDERS = ['createDate:asc', 'createDate:desc', 'updateDate:asc', 'updateDate:desc'] as const;
type Order = (typeof ORDERS)[number];
const LEM_AI = { name: 'Lem AI', photoUrl: 'https://static.spacebring.example/lem-ai.png' };

/** Spacebring's documented error body (400), assumed for every other status too. */
export const sbError = (status: number, message: string, type: string): SimResponse => ({ status, body: { message, type } });
const fail = (status: number, message: string, type: string): never => {
  throw new SimHttpError(sbError(status, message, type));
};
const invalid = (message: string): never => fail(400, message, 'validation');

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

// ---- rendering -------------------------------------------------------------------

export function renderUser(p: SbPerson): SpacebringUser {
  return {
    id: p.userId,
    name: p.person.firstName,
    surname: p.person.lastName,
    email: p.person.email,
    phoneNumber: p.person.phone,
    photoUrl: p.person.avatarUrl,
    blocked: false,
  };
}

export function renderMembership(p: SbPerson): SpacebringMembership {
  return { id: p.membershipId, roleType: p.staff ? 'admin' : 'member', type: p.staff ? 'team' : 'individual', user: renderUser(p) };
}

const assigneeFields = (p: SbPerson | null) =>
  p ? { userAssignee: renderUser(p), userRefAssignee: p.userId, membershipAssignee: renderMembership(p), membershipRefAssignee: p.membershipId } : { userRefAssignee: null };

export function renderTicket(t: SbTicket): SpacebringTicket {
  const ticket: SpacebringTicket = {
    id: t.id,
    number: t.number,
    description: t.description,
    locationRef: t.locationRef,
    status: t.status,
    type: t.type,
    createDate: iso(t.createDate),
    updateDate: iso(t.updateDate),
    statusUpdateDate: iso(t.statusUpdateDate),
    userRequester: renderUser(t.requester),
    membershipRequester: renderMembership(t.requester),
    membershipRefRequester: t.requester.membershipId,
  };
  // Unassigned tickets carry no assignee fields at all.
  return t.assignee ? { ...ticket, ...assigneeFields(t.assignee) } : ticket;
}

function renderAttachment(a: SbActivity & { type: 'comment' }): SpacebringAttachment[] {
  return a.attachments.map((file) => ({ ...file, url: `https://files.spacebring.example/${file.key}` }));
}

export function renderActivity(t: SbTicket, a: SbActivity): SpacebringActivity {
  const activity: SpacebringActivity = { id: a.id, ticketRef: t.id, type: a.type, createDate: iso(a.at) };
  if (a.actor) activity.membership = renderMembership(a.actor);
  switch (a.type) {
    case 'ticketCreated':
      activity.data = { text: a.text };
      break;
    case 'comment':
      if (a.lemAI) activity.lemAI = LEM_AI;
      activity.data = { text: a.text, attachments: renderAttachment(a) };
      break;
    case 'statusUpdated':
      activity.data = { status: a.status, previousAttributes: { status: a.previous } };
      break;
    case 'assigneeUpdated':
      activity.data = { ...assigneeFields(a.assignee), previousAttributes: assigneeFields(a.previous) };
      break;
  }
  return activity;
}

const renderDetail = (t: SbTicket) => ({ ticket: renderTicket(t), activities: t.activities.map((a) => renderActivity(t, a)) });

// ---- list paging ---------------------------------------------------------------------

interface PageKey {
  /** The sort field's value (ms) of the last ticket served, and its id. */
  v: number;
  id: string;
}

const keyOf = (order: Order, t: SbTicket): PageKey => ({ v: order.startsWith('update') ? t.updateDate : t.createDate, id: t.id });

/** Ties on the date are broken by id, in the same direction. */
function compareKeys(order: Order, a: PageKey, b: PageKey): number {
  const sign = order.endsWith(':asc') ? 1 : -1;
  return sign * (a.v - b.v || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The nextPageToken: the position after the last ticket served, stable when other tickets change. */
const encodeToken = (order: Order, t: SbTicket): string => Buffer.from(JSON.stringify({ o: order, ...keyOf(order, t) }), 'utf8').toString('base64url');

function decodeToken(token: string, order: Order): PageKey {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; v?: unknown; id?: unknown };
    if (parsed.o === order && typeof parsed.v === 'number' && typeof parsed.id === 'string') return { v: parsed.v, id: parsed.id };
  } catch {
    // answered below
  }
  return invalid('"nextPageToken" is invalid');
}

function commaList(query: URLSearchParams, name: string, known: (id: string) => boolean): Set<string> | null {
  const value = query.get(name);
  if (value === null) return null;
  const ids = value.split(',');
  if (ids.length > 100) invalid(`"${name}" accepts at most 100 ids`);
  if (new Set(ids).size !== ids.length) invalid(`"${name}" must hold unique ids`);
  for (const id of ids) {
    if (!UUID.test(id)) invalid(`"${name}" must be comma-separated UUIDs`);
    if (!known(id)) invalid(`"${name}": ${id} does not exist`);
  }
  return new Set(ids);
}

// ---- body reading ----------------------------------------------------------------------

function object(value: unknown, name: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return invalid(`"${name}" must be an object`);
  return value as Record<string, unknown>;
}

function wrapped(req: SimRequest, key: 'ticket' | 'activity'): Record<string, unknown> {
  return object(object(req.body, 'body')[key], key);
}

function enumValue<T extends string>(value: unknown, values: readonly T[], name: string): T {
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
    return invalid(`"${name}" must be one of ${values.join(', ')}`);
  }
  return value as T;
}

// ---- routes --------------------------------------------------------------------------

export function createRoutes(state: SbState): Route[] {
  const sorted = new Map<string, { version: number; list: SbTicket[] }>();
  let version = 0;

  const ticketOr404 = (id: string | undefined): SbTicket => {
    const ticket = id === undefined ? undefined : state.tickets.get(id);
    return ticket ?? fail(404, 'Ticket not found', 'notFound');
  };

  /** updateDate:desc is kept up to date by every write; the other orders are sorted on demand and cached until the next write. */
  const ordered = (location: SbLocation, order: Order): SbTicket[] => {
    if (order === 'updateDate:desc') return location.byUpdate;
    const key = `${location.id}|${order}`;
    const cached = sorted.get(key);
    if (cached && cached.version === version) return cached.list;
    const list = [...location.byUpdate].sort((a, b) => compareKeys(order, keyOf(order, a), keyOf(order, b)));
    sorted.set(key, { version, list });
    return list;
  };

  const written = (ticket: SbTicket, at: number) => {
    touch(state, ticket, at);
    version++;
  };

  const list: Route = {
    method: 'GET',
    pattern: BASE,
    operation: 'listTickets',
    handler: (req) => {
      const q = req.query;
      const locationRef = q.get('locationRef');
      if (!locationRef) return invalid('"locationRef" is required');
      if (!UUID.test(locationRef)) return invalid('"locationRef" must be a UUID');
      const location = state.locations.get(locationRef) ?? fail(404, 'Location not found', 'notFound');
      const limitText = q.get('limit') ?? '25';
      const limit = Number(limitText);
      if (!/^\d+$/.test(limitText) || limit < 1 || limit > 100) return invalid('"limit" must be an integer from 1 to 100');
      const order = enumValue(q.get('order') ?? 'createDate:desc', ORDERS, 'order');
      const requesters = commaList(q, 'membershipRefRequester', (id) => state.membershipsById.has(id));
      const assignees = commaList(q, 'userRefAssignee', (id) => state.usersById.get(id)?.staff === true);
      const tickets = ordered(location, order);
      let start = 0;
      const token = q.get('nextPageToken');
      if (token !== null) {
        const key = decodeToken(token, order);
        let lo = 0;
        let hi = tickets.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (compareKeys(order, keyOf(order, tickets[mid] as SbTicket), key) <= 0) lo = mid + 1;
          else hi = mid;
        }
        start = lo;
      }
      const matches = (t: SbTicket) => (!requesters || requesters.has(t.requester.membershipId)) && (!assignees || (t.assignee !== null && assignees.has(t.assignee.userId)));
      const page: SbTicket[] = [];
      let more = false;
      for (let i = start; i < tickets.length; i++) {
        const t = tickets[i] as SbTicket;
        if (!matches(t)) continue;
        if (page.length === limit) {
          more = true;
          break;
        }
        page.push(t);
      }
      const body: { tickets: SpacebringTicket[]; nextPageToken?: string; searchQueryNext?: string } = { tickets: page.map(renderTicket) };
      const last = page[page.length - 1];
      if (more && last) {
        body.nextPageToken = encodeToken(order, last);
        const next = new URLSearchParams(q);
        next.set('nextPageToken', body.nextPageToken);
        body.searchQueryNext = next.toString();
      }
      return { status: 200, body };
    },
  };

  const get: Route = {
    method: 'GET',
    pattern: `${BASE}/:id`,
    operation: 'getTicket',
    handler: (req) => ({ status: 200, body: renderDetail(ticketOr404(req.params.id)) }),
  };

  const create: Route = {
    method: 'POST',
    pattern: BASE,
    operation: 'createTicket',
    handler: (req) => {
      const input = wrapped(req, 'ticket');
      const locationRef = input.locationRef;
      if (typeof locationRef !== 'string') return invalid('"ticket.locationRef" is required');
      const location = state.locations.get(locationRef) ?? invalid('"ticket.locationRef": location not found');
      const text = input.text;
      if (typeof text !== 'string' || text.trim() === '') return invalid('"ticket.text" is required');
      if (text.length > 10_000) return invalid('"ticket.text" is too long');
      const type = enumValue(input.type, SPACEBRING_TYPES, 'ticket.type');
      let requester = state.apiUser;
      if (input.userRefRequester !== undefined && input.userRefRequester !== null) {
        const ref = input.userRefRequester;
        requester = (typeof ref === 'string' ? state.usersById.get(ref) : undefined) ?? invalid('"ticket.userRefRequester": user not found');
      }
      const at = tick(state);
      const ticket: SbTicket = {
        id: fastUuid(state.random),
        number: location.nextNumber++,
        locationRef,
        description: text,
        status: 'new',
        type,
        createDate: at,
        updateDate: at,
        statusUpdateDate: at,
        requester,
        assignee: null,
        activities: [{ id: fastUuid(state.random), type: 'ticketCreated', at, actor: requester, text }],
      };
      state.tickets.set(ticket.id, ticket);
      location.byUpdate.unshift(ticket);
      version++;
      return { status: 201, body: renderDetail(ticket) };
    },
  };

  const setStatus: Route = {
    method: 'PUT',
    pattern: `${BASE}/:id/status`,
    operation: 'setTicketStatus',
    handler: (req) => {
      const ticket = ticketOr404(req.params.id);
      const status = enumValue(wrapped(req, 'ticket').status, SPACEBRING_STATUSES, 'ticket.status');
      if (status === ticket.status) return invalid(`Ticket already has status "${status}"`);
      const at = tick(state);
      const activity: SbActivity = { id: fastUuid(state.random), type: 'statusUpdated', at, actor: state.apiUser, status, previous: ticket.status };
      ticket.activities.push(activity);
      ticket.status = status;
      ticket.statusUpdateDate = at;
      written(ticket, at);
      return { status: 200, body: { ticket: renderTicket(ticket), activity: renderActivity(ticket, activity) } };
    },
  };

  const setAssignee: Route = {
    method: 'PUT',
    pattern: `${BASE}/:id/assignee`,
    operation: 'assignTicket',
    handler: (req) => {
      const ticket = ticketOr404(req.params.id);
      const input = wrapped(req, 'ticket');
      let assignee: SbPerson | null;
      if (input.userRefAssignee !== undefined) {
        const ref = input.userRefAssignee;
        if (ref !== null && typeof ref !== 'string') return invalid('"ticket.userRefAssignee" must be a UUID or null');
        assignee = ref === null ? null : (state.usersById.get(ref) ?? invalid('"ticket.userRefAssignee": user not found'));
      } else if (input.membershipRefAssignee !== undefined) {
        // Deprecated, still accepted.
        const ref = input.membershipRefAssignee;
        if (ref !== null && typeof ref !== 'string') return invalid('"ticket.membershipRefAssignee" must be a UUID or null');
        assignee = ref === null ? null : (state.membershipsById.get(ref) ?? invalid('"ticket.membershipRefAssignee": membership not found'));
      } else return invalid('"ticket.userRefAssignee" is required');
      if (assignee && !assignee.staff) return invalid('Only admins can be assigned to tickets');
      if (assignee === ticket.assignee) return invalid(assignee ? 'Ticket is already assigned to this user' : 'Ticket is not assigned');
      const at = tick(state);
      const activity: SbActivity = { id: fastUuid(state.random), type: 'assigneeUpdated', at, actor: state.apiUser, assignee, previous: ticket.assignee };
      ticket.activities.push(activity);
      ticket.assignee = assignee;
      written(ticket, at);
      return { status: 200, body: { ticket: renderTicket(ticket), activity: renderActivity(ticket, activity) } };
    },
  };

  const setType: Route = {
    method: 'PATCH',
    pattern: `${BASE}/:id/type`,
    operation: 'setTicketType',
    handler: (req) => {
      const ticket = ticketOr404(req.params.id);
      ticket.type = enumValue(wrapped(req, 'ticket').type, SPACEBRING_TYPES, 'ticket.type');
      written(ticket, tick(state));
      return { status: 204 };
    },
  };

  const comment: Route = {
    method: 'POST',
    pattern: `${BASE}/comment`,
    operation: 'addComment',
    handler: (req) => {
      const input = wrapped(req, 'activity');
      const ref = input.ticketRef;
      if (typeof ref !== 'string') return invalid('"activity.ticketRef" is required');
      const ticket = ticketOr404(ref);
      const text = input.text;
      if (text !== undefined && text !== null && typeof text !== 'string') return invalid('"activity.text" must be a string');
      const files = input.attachments ?? [];
      if (!Array.isArray(files)) return invalid('"activity.attachments" must be an array');
      if (files.length > 1) return invalid('"activity.attachments" accepts at most 1 item');
      const attachments = files.map((file) => {
        const key = object(file, 'activity.attachments[0]').key;
        if (typeof key !== 'string' || key === '') return invalid('"activity.attachments[0].key" is required');
        return { key, mime: 'application/octet-stream', name: key.split('/').pop() ?? key, size: 0 };
      });
      const body = typeof text === 'string' && text.trim() !== '' ? text : null;
      if (body === null && attachments.length === 0) return invalid('A comment needs "text" or an attachment');
      const at = tick(state);
      const activity: SbActivity = { id: fastUuid(state.random), type: 'comment', at, actor: state.apiUser, lemAI: false, text: body, attachments };
      ticket.activities.push(activity);
      state.comments.set(activity.id, ticket);
      written(ticket, at);
      return { status: 201, body: { activity: renderActivity(ticket, activity) } };
    },
  };

  const deleteComment: Route = {
    method: 'DELETE',
    pattern: `${BASE}/comment/:id`,
    operation: 'deleteComment',
    handler: (req) => {
      const id = req.params.id ?? '';
      const ticket = state.comments.get(id) ?? fail(404, 'Comment not found', 'notFound');
      ticket.activities = ticket.activities.filter((a) => a.id !== id);
      state.comments.delete(id);
      written(ticket, tick(state));
      return { status: 204 };
    },
  };

  return [list, create, comment, deleteComment, get, setStatus, setAssignee, setType];
}
