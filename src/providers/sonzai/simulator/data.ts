import type { SonzaiComment, SonzaiHistory, SonzaiTicket, SonzaiTicketStatus, SonzaiTicketSummary } from '../wire.js';
import type { Person } from '../../../simkit/people.js';
import { DAY, Random, SANDBOX_EPOCH } from '../../../simkit/random.js';
import type { SimulatorOptions } from '../../../simkit/types.js';

const HOUR = 3_600_000;

/** A dashboard user (Clerk user id) in one tenant, or a Sonzai staff member (tenant null). */
export interface SimUser {
  id: string;
  email: string;
  tenantId: string | null;
}

export interface SimComment {
  comment_id: string;
  author_id: string;
  author_email: string;
  /** `user` for the dashboard user, `staff` for Sonzai support. */
  author_type: 'user' | 'staff';
  content: string;
  is_internal: boolean;
  created_at: number;
}

export interface SimHistory {
  history_id: string;
  changed_by: string;
  changed_by_email: string;
  field_changed: string;
  old_value: string | null;
  new_value: string | null;
  created_at: number;
}

/** What only the detail shows: built lazily (see timelineOf). */
export interface SimTimeline {
  description: string;
  comments: SimComment[];
  history: SimHistory[];
}

export interface SimTicket {
  ticket_id: string;
  tenant_id: string;
  title: string;
  type: string;
  status: SonzaiTicketStatus;
  priority: string;
  created_by: string;
  created_by_email: string;
  assigned_to: string | null;
  assigned_to_email: string | null;
  /** Comments the user sees; kept so list rows need no timeline. */
  commentCount: number;
  timelineSeed: number;
  /** null until a request needs it: see timelineOf(). */
  timeline: SimTimeline | null;
  created_at: number;
  updated_at: number;
  resolved_at: number | null;
}

export interface SonzaiSandboxData {
  /** The user whose session the sandbox settings carry. */
  user: SimUser;
  /** Members of the sandbox user's tenant who are not the sandbox user (their tickets: visible by id, not closable). */
  colleagues: SimUser[];
  /** Users of another tenant (their tickets: 404). */
  strangers: SimUser[];
  staff: SimUser[];
  tickets: SimTicket[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Clerk user ids look like `user_2Nf…` (27 base62 characters). */
function clerkId(random: Random, prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return `${prefix}_2${Array.from({ length: 26 }, () => random.pick(alphabet.split(''))).join('')}`;
}

/**
 * A UUID v4 from four draws instead of Random.uuid()'s thirty-two: a ticket here has
 * several ids (comments, history rows), and 100,000 tickets must generate quickly.
 */
export function fastUuid(random: Random): string {
  const word = () =>
    Math.floor(random.next() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  const a = word();
  const b = word();
  const c = word();
  const d = word();
  const variant = '89ab'[parseInt(c.charAt(0), 16) & 3] as string;
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

const SCHEMA_BASE = '/api/v1/schemas';

export function toWireComment(comment: SimComment, ticketId: string): SonzaiComment & { $schema: string } {
  return {
    $schema: `${SCHEMA_BASE}/SupportTicketComment.json`,
    comment_id: comment.comment_id,
    ticket_id: ticketId,
    author_id: comment.author_id,
    author_email: comment.author_email,
    author_type: comment.author_type,
    content: comment.content,
    is_internal: comment.is_internal,
    created_at: iso(comment.created_at),
  };
}

/**
 * `SupportTicket`. Go's encoder writes every field: unset strings as "" would be as likely as nulls;
 * the simulator uses null for no assignee and no resolution, which the docs' nullable reading allows.
 */
export function toWireTicket(ticket: SimTicket, timeline: SimTimeline): SonzaiTicket & { $schema: string; tenant_id: string | null; comment_count?: number | null } {
  // Users never see internal notes (the admin portal does).
  const comments = timeline.comments.filter((c) => !c.is_internal);
  return {
    $schema: `${SCHEMA_BASE}/SupportTicket.json`,
    ticket_id: ticket.ticket_id,
    tenant_id: ticket.tenant_id,
    title: ticket.title,
    description: timeline.description,
    type: ticket.type,
    status: ticket.status,
    priority: ticket.priority,
    created_by: ticket.created_by,
    created_by_email: ticket.created_by_email,
    assigned_to: ticket.assigned_to,
    assigned_to_email: ticket.assigned_to_email,
    comment_count: comments.length,
    comments: comments.map((c) => toWireComment(c, ticket.ticket_id)),
    created_at: iso(ticket.created_at),
    updated_at: iso(ticket.updated_at),
    resolved_at: ticket.resolved_at === null ? null : iso(ticket.resolved_at),
  };
}

// `comment_count` is documented, and sent; the client does not read it (wire.ts checks only what it maps).
export function toWireSummary(ticket: SimTicket): SonzaiTicketSummary & { comment_count: number } {
  return {
    ticket_id: ticket.ticket_id,
    title: ticket.title,
    type: ticket.type,
    status: ticket.status,
    priority: ticket.priority,
    created_by_email: ticket.created_by_email,
    assigned_to_email: ticket.assigned_to_email,
    comment_count: ticket.commentCount,
    created_at: iso(ticket.created_at),
    updated_at: iso(ticket.updated_at),
  };
}

export function toWireHistory(row: SimHistory, ticketId: string): SonzaiHistory {
  return {
    history_id: row.history_id,
    ticket_id: ticketId,
    changed_by: row.changed_by,
    changed_by_email: row.changed_by_email,
    field_changed: row.field_changed,
    old_value: row.old_value,
    new_value: row.new_value,
    created_at: iso(row.created_at),
  };
}

/** Assumed default order of the list (the docs state none): updated_at desc, then ticket_id desc. */
export function compareTickets(a: SimTicket, b: SimTicket): number {
  return b.updated_at - a.updated_at || (a.ticket_id < b.ticket_id ? 1 : a.ticket_id > b.ticket_id ? -1 : 0);
}

const TYPES = ['support', 'support', 'bug', 'bug', 'feature_request', 'billing', 'account'] as const;
/** Mostly the usual words; a few legacy values keep the UNKNOWN priority path honest. */
const PRIORITIES = ['medium', 'medium', 'medium', 'low', 'high', 'high', 'urgent', 'critical'] as const;

const STATUS_WEIGHTS: readonly [SonzaiTicketStatus, number][] = [
  ['open', 0.25],
  ['in_progress', 0.25],
  ['resolved', 0.2],
  ['closed', 0.3],
];

function pickStatus(random: Random): SonzaiTicketStatus {
  let roll = random.next();
  for (const [status, weight] of STATUS_WEIGHTS) {
    if (roll < weight) return status;
    roll -= weight;
  }
  return 'closed';
}

/** The path a ticket's status took to reach `status` (each step is a history row). */
const PATHS: Readonly<Record<SonzaiTicketStatus, readonly SonzaiTicketStatus[]>> = {
  open: [],
  in_progress: ['in_progress'],
  resolved: ['in_progress', 'resolved'],
  closed: ['in_progress', 'resolved', 'closed'],
};

interface Plan {
  status: SonzaiTicketStatus;
  priority: string;
  agent: SimUser;
  assigned: boolean;
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  /** Comments a user sees (internal notes left out). */
  visibleComments: number;
  timeline: SimTimeline;
}

/**
 * A ticket's life from its own seed. Two streams: `plan` draws every choice and time, so
 * the ticket fields come out the same whether or not the timeline is built; `text` draws
 * ids and words, only when `full`. The linear pass at start-up runs it without text, and a
 * ticket's timeline is built the first time a request needs it (100,000 tickets × their
 * comments would otherwise cost seconds and hundreds of megabytes).
 */
function planTicket(seed: number, owner: Pick<SimUser, 'id' | 'email'>, staff: readonly SimUser[], full: boolean): Plan {
  const plan = new Random(seed);
  const text = full ? new Random(seed).fork('text') : null;
  const status = pickStatus(plan);
  const createdAt = plan.time(SANDBOX_EPOCH - 180 * DAY, SANDBOX_EPOCH - 2 * DAY);
  const limit = SANDBOX_EPOCH - HOUR;
  let at = createdAt;
  const step = () => (at = Math.min(limit, at + plan.int(10 * 60_000, DAY)));
  const agent = plan.pick(staff);
  const assigned = status !== 'open' || plan.bool(0.4);
  const timeline: SimTimeline = { description: text ? text.paragraph() : '', comments: [], history: [] };
  let visibleComments = 0;
  const row = (by: Pick<SimUser, 'id' | 'email'>, field: string, oldValue: string | null, newValue: string | null) => {
    const createdAtRow = step();
    if (text) {
      timeline.history.push({
        history_id: fastUuid(text),
        changed_by: by.id,
        changed_by_email: by.email,
        field_changed: field,
        old_value: oldValue,
        new_value: newValue,
        created_at: createdAtRow,
      });
    }
  };
  const comment = (by: Pick<SimUser, 'id' | 'email'>, type: 'user' | 'staff', internal = false) => {
    const createdAtComment = step();
    if (!internal) visibleComments++;
    if (text) {
      timeline.comments.push({
        comment_id: fastUuid(text),
        author_id: by.id,
        author_email: by.email,
        author_type: type,
        content: text.paragraph(),
        is_internal: internal,
        created_at: createdAtComment,
      });
    }
  };

  let priority: string = plan.bool(0.03) ? plan.pick(['p2', 'normal']) : plan.pick(PRIORITIES);
  if (assigned) {
    // Some tickets were first taken by another agent, then handed over.
    const first = plan.bool(0.2) ? plan.pick(staff) : agent;
    row(agent, 'assigned_to', null, first.id);
    if (first !== agent) row(agent, 'assigned_to', first.id, agent.id);
  }
  if (plan.bool(0.15)) {
    const raised = priority === 'high' ? 'urgent' : 'high';
    row(agent, 'priority', priority, raised);
    priority = raised;
  }
  let current: SonzaiTicketStatus = 'open';
  let resolvedAt: number | null = null;
  for (const next of PATHS[status]) {
    // Conversation before each move; the user closes, staff move the rest.
    const replies = plan.int(0, 2);
    for (let r = 0; r < replies; r++) comment(r % 2 === 0 ? agent : owner, r % 2 === 0 ? 'staff' : 'user');
    // Staff notes: recorded, never shown to the user.
    if (plan.bool(0.1)) comment(agent, 'staff', true);
    row(next === 'closed' ? owner : agent, 'status', current, next);
    if (next === 'resolved' || (next === 'closed' && resolvedAt === null)) resolvedAt = at;
    current = next;
  }
  if (status === 'open' && plan.bool(0.5)) comment(owner, 'user');
  return { status, priority, agent, assigned, createdAt, updatedAt: at, resolvedAt, visibleComments, timeline };
}

function generateTicket(random: Random, owner: SimUser, staff: readonly SimUser[]): SimTicket {
  const seed = Math.floor(random.next() * 0x1_0000_0000);
  const plan = planTicket(seed, owner, staff, false);
  return {
    ticket_id: fastUuid(random),
    tenant_id: owner.tenantId as string,
    title: random.sentence(),
    type: random.pick(TYPES),
    status: plan.status,
    priority: plan.priority,
    created_by: owner.id,
    created_by_email: owner.email,
    assigned_to: plan.assigned ? plan.agent.id : null,
    assigned_to_email: plan.assigned ? plan.agent.email : null,
    commentCount: plan.visibleComments,
    timelineSeed: seed,
    timeline: null,
    created_at: plan.createdAt,
    updated_at: plan.updatedAt,
    resolved_at: plan.resolvedAt,
  };
}

/** The ticket's comments and history, built on first use from its seed (writes then append to them). */
export function timelineOf(ticket: SimTicket, staff: readonly SimUser[]): SimTimeline {
  ticket.timeline ??= planTicket(ticket.timelineSeed, { id: ticket.created_by, email: ticket.created_by_email }, staff, true).timeline;
  return ticket.timeline;
}

/**
 * The sandbox's users and tickets, in one linear pass. `options.tickets` tickets belong
 * to the sandbox user (what its list shows); a tenth as many again belong to colleagues
 * and to another tenant, so visibility rules have something to hide. Requesters are
 * shared customers and staff the shared agents, so their emails match other providers'.
 */
export function generateSonzaiData(options: SimulatorOptions): SonzaiSandboxData {
  const random = new Random(options.seed).fork('sonzai');
  const { customers, staff: agents } = options.people;
  const tenantA = random.uuid();
  const tenantB = random.uuid();
  const asUser = (person: Person, tenantId: string | null): SimUser => ({ id: clerkId(random, 'user'), email: person.email, tenantId });
  const [first, ...others] = customers;
  if (!first || others.length < 4) throw new Error('sonzai simulator: the people pool needs at least five customers');
  const user = asUser(first, tenantA);
  const colleagues = others.slice(0, 2).map((p) => asUser(p, tenantA));
  const strangers = others.slice(2, 4).map((p) => asUser(p, tenantB));
  const staff = agents.map((p) => asUser(p, null));
  const tickets: SimTicket[] = [];
  for (let i = 0; i < options.tickets; i++) tickets.push(generateTicket(random, user, staff));
  const foreign = [...colleagues, ...strangers];
  const extra = Math.max(foreign.length * 2, Math.ceil(options.tickets / 10));
  for (let i = 0; i < extra; i++) tickets.push(generateTicket(random, foreign[i % foreign.length] as SimUser, staff));
  return { user, colleagues, strangers, staff, tickets };
}
