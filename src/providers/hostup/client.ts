import { readyRow } from '../../upstream/rows.js';
import type { HostupSettings } from './settings.js';
import { BadUserInputError } from '../../errors.js';
import type { ProviderPage } from '../../model/page.js';
import type { TicketModel, TicketPriority } from '../../model/ticket.js';
import { createProviderHttp, seg, type ProviderHttp } from '../../upstream/http.js';
import type {
  CallContext,
  CommentInput,
  CreateTicketInput,
  FilterPushdown,
  ListTicketsQuery,
  ProviderDeps,
  ProviderFilter,
  TicketProvider,
  WriteResult,
} from '../../upstream/provider.js';
import { HOSTUP_V1_PRIORITY_CODES, toV1Ticket, toV2Activity, toV2Ticket, hostupStatuses } from './mapper.js';
import { readHostupError } from './errors.js';
import {
  hostupV1DepartmentsEnvelopeSchema,
  hostupV1TicketEnvelopeSchema,
  hostupV2DepartmentListSchema,
  hostupV2MessageSchema,
  hostupV2TicketListSchema,
  hostupV2TicketSchema,
  type HostupV1CreateBody,
  type HostupV2CreateBody,
} from './wire.js';

const V1 = 'api/support';
const V2 = 'api/v2/support';
const MAX_PAGE = 100;
/** Source prefix of a per-status stream (v2 `status` takes one value per call). */
const STATUS_SOURCE = 'status:';

const lower = (p: TicketPriority | null | undefined) =>
  p && p !== 'UNKNOWN' ? (p.toLowerCase() as NonNullable<HostupV2CreateBody['priority']>) : undefined;

/**
 * HostUp, either API generation (settings.generation). v2 is the live API: list, detail
 * with messages, create, reply, close and reopen. v1 (the seed's) reads by number and
 * creates, nothing else: it has no list, so in v1 mode `lists` is false and a feed reports
 * HostUp as UNSUPPORTED instead of listing nothing in silence.
 * The v2-only writes are attached in the constructor, so a v1 instance does not have them
 * and its capabilities say so.
 */
export class HostupProvider implements TicketProvider {
  readonly key = 'hostup' as const;
  readonly maxPageSize = MAX_PAGE;
  readonly pushdown: FilterPushdown;
  readonly timeline = 'detail' as const;
  readonly generation: 'v1' | 'v2';
  /** v1 has no list: LIST_TICKETS is not a capability, and a feed reports HostUp as UNSUPPORTED. */
  readonly lists: boolean;
  /** v1 ticket payloads carry tags; v2 has none. */
  readonly readsTags: boolean;
  readonly apiVersion: string;
  readonly notes: string;
  readonly #timeZone: string;

  declare addComment?: (nativeId: string, input: CommentInput, ctx: CallContext) => Promise<WriteResult>;
  declare closeTicket?: (nativeId: string, ctx: CallContext) => Promise<WriteResult>;
  declare reopenTicket?: (nativeId: string, ctx: CallContext) => Promise<WriteResult>;

  readonly #http: ProviderHttp;

  constructor(settings: HostupSettings, deps: ProviderDeps) {
    this.generation = settings.generation;
    this.#timeZone = settings.timeZone;
    const apiKey = settings.apiKey;
    const v1 = settings.generation === 'v1';
    this.lists = !v1;
    this.readsTags = v1;
    this.apiVersion = v1 ? 'v1 (/api/support, X-API-Key)' : 'v2 (/api/v2/support, Bearer)';
    this.notes = v1
      ? `HOSTUP_API_GENERATION=v1, the generation of the seed: tickets are read by number and created; v1 has no list, ` +
        `so HostUp is left out of feeds (reported as UNSUPPORTED). Times read in ${settings.timeZone}.`
      : 'v2 by default: HostUp\'s current API, the only one that lists tickets, replies, closes and reopens. ' +
        'The seed documents v1 (set HOSTUP_API_GENERATION=v1 for it): it reads by number and creates only.';
    this.#http = createProviderHttp({
      provider: 'hostup',
      baseUrl: settings.baseUrl,
      settings: deps.http,
      authorize: v1
        ? (headers) => headers.set('x-api-key', apiKey.reveal())
        : (headers) => headers.set('authorization', `Bearer ${apiKey.reveal()}`),
      readError: readHostupError,
      // v1's 429 carries `retryAfter` in the body; v2 sends the Retry-After header.
      retryAfterInBody: v1,
      metrics: deps.metrics,
      onBadPayload: deps.onBadPayload,
    });
    this.pushdown = { statuses: !v1, assignee: false, requester: false, search: false, dates: false };
    if (!v1) {
      this.addComment = (nativeId, input, ctx) => this.#addComment(nativeId, input, ctx);
      this.closeTicket = (nativeId, ctx) => this.#action(nativeId, 'close', ctx);
      this.reopenTicket = (nativeId, ctx) => this.#action(nativeId, 'reopen', ctx);
    }
  }

  async getTicket(nativeId: string, ctx: CallContext): Promise<TicketModel> {
    if (this.generation === 'v1') {
      // v1 reads by number only; a v2 `tkt_` id cannot be turned into one.
      if (!/^[1-9]\d*$/.test(nativeId)) {
        throw new BadUserInputError('HostUp v1 reads tickets by their number; this id is not one', { argument: 'id', provider: 'hostup' });
      }
      const { data, raw } = await this.#http.call({
        operation: 'getTicket',
        path: `${V1}/tickets/${seg(nativeId)}`,
        schema: hostupV1TicketEnvelopeSchema,
        signal: ctx.signal,
      });
      return toV1Ticket(data.data.ticket, ticketOf(raw), { operation: 'getTicket', path: 'data.ticket', timeZone: this.#timeZone });
    }
    // v2 also accepts the numeric number "during migration", so v1-era ids keep working.
    const { data, raw } = await this.#http.call({
      operation: 'getTicket',
      path: `${V2}/tickets/${seg(nativeId)}`,
      schema: hostupV2TicketSchema,
      signal: ctx.signal,
    });
    return toV2Ticket(data, raw, { operation: 'getTicket', path: '' });
  }

  /**
   * v2 filters by one status per call, so a status filter becomes one stream per v2 value
   * (each sorted like the whole list), which the feed merges: the filter is pushed down whole.
   * `UNKNOWN` cannot be asked for (it is response-only), so it needs the unfiltered stream.
   */
  listSources(filter: ProviderFilter): string[] {
    if (this.generation === 'v1') return [];
    return hostupStatuses.upstream(filter.statuses)?.map((s) => `${STATUS_SOURCE}${s}`) ?? [''];
  }

  /**
   * v2: `GET /api/v2/support/tickets`, in the API's default order, which we take to be
   * updatedAt desc (HostUp does not document an order param). v1 has no list endpoint
   * (`lists` is false, so the feed does not ask): an empty last page, without a call.
   */
  async listTickets(query: ListTicketsQuery, ctx: CallContext): Promise<ProviderPage> {
    if (this.generation === 'v1') return { rows: [], next: null, totalCount: null };
    const searchParams: Record<string, string | number> = { limit: Math.max(1, Math.min(MAX_PAGE, query.limit)) };
    if (query.cursor) searchParams.cursor = query.cursor;
    if (query.source.startsWith(STATUS_SOURCE)) searchParams.status = query.source.slice(STATUS_SOURCE.length);
    const { data, raw } = await this.#http.call({
      operation: 'listTickets',
      path: `${V2}/tickets`,
      searchParams,
      schema: hostupV2TicketListSchema,
      signal: ctx.signal,
    });
    const rawRows = rowsOf(raw);
    const tickets = (data.data ?? []).map((row, index) =>
      toV2Ticket(row, rawRows[index], { operation: 'listTickets', path: `data.${index}` }),
    );
    return { rows: tickets.map(readyRow), next: data.nextCursor ?? null, totalCount: null };
  }

  /**
   * v2: departmentSlug = input.department; v1: dept_id (a number). Without one, the first
   * department the API lists is used. v2's `criticalReason` (required with critical) is
   * the description: it is the customer's own account of the impact.
   */
  async createTicket(input: CreateTicketInput, ctx: CallContext): Promise<WriteResult> {
    const ticket = this.generation === 'v1' ? await this.#createV1(input, ctx) : await this.#createV2(input, ctx);
    const first = ticket.activities?.find((a) => a.kind === 'CREATED') ?? null;
    return { ticket, activity: first };
  }

  async #createV2(input: CreateTicketInput, ctx: CallContext): Promise<TicketModel> {
    const departmentSlug = input.department?.trim() || (await this.#firstV2Department(ctx));
    const priority = lower(input.priority);
    const body: HostupV2CreateBody = { departmentSlug, subject: input.title, message: input.description };
    if (priority) body.priority = priority;
    if (priority === 'critical') body.criticalReason = input.description;
    const { data, raw } = await this.#http.call({
      operation: 'createTicket',
      method: 'post',
      path: `${V2}/tickets`,
      json: body,
      schema: hostupV2TicketSchema,
      signal: ctx.signal,
    });
    return toV2Ticket(data, raw, { operation: 'createTicket', path: '' });
  }

  async #createV1(input: CreateTicketInput, ctx: CallContext): Promise<TicketModel> {
    let deptId: number;
    const department = input.department?.trim();
    if (department) {
      if (!/^\d+$/.test(department)) {
        throw new BadUserInputError('HostUp v1 takes the department as its numeric dept_id', { argument: 'department', provider: 'hostup' });
      }
      deptId = Number(department);
    } else deptId = await this.#firstV1Department(ctx);
    const priority = input.priority && input.priority !== 'UNKNOWN' ? HOSTUP_V1_PRIORITY_CODES[input.priority] : HOSTUP_V1_PRIORITY_CODES.MEDIUM;
    const body: HostupV1CreateBody = { dept_id: deptId, subject: input.title, body: input.description, priority };
    const { data, raw } = await this.#http.call({
      operation: 'createTicket',
      method: 'post',
      path: `${V1}/tickets`,
      json: body,
      schema: hostupV1TicketEnvelopeSchema,
      signal: ctx.signal,
    });
    return toV1Ticket(data.data.ticket, ticketOf(raw), { operation: 'createTicket', path: 'data.ticket', timeZone: this.#timeZone });
  }

  async #firstV2Department(ctx: CallContext): Promise<string> {
    const { data } = await this.#http.call({
      operation: 'listDepartments',
      path: `${V2}/departments`,
      schema: hostupV2DepartmentListSchema,
      signal: ctx.signal,
    });
    const first = data.departments[0];
    if (!first) throw new BadUserInputError('HostUp lists no support department to file the ticket in', { argument: 'department', provider: 'hostup' });
    return first.slug;
  }

  async #firstV1Department(ctx: CallContext): Promise<number> {
    const { data } = await this.#http.call({
      operation: 'listDepartments',
      path: `${V1}/departments`,
      schema: hostupV1DepartmentsEnvelopeSchema,
      signal: ctx.signal,
    });
    const first = data.data.departments.find((d) => d.visible !== false);
    if (!first) throw new BadUserInputError('HostUp lists no support department to file the ticket in', { argument: 'department', provider: 'hostup' });
    return first.id;
  }

  /** HostUp replies are the customer's side of the conversation: there is no internal note to write. */
  async #addComment(nativeId: string, input: CommentInput, ctx: CallContext): Promise<WriteResult> {
    if (input.internal) {
      throw new BadUserInputError(
        'HostUp replies are customer-side messages visible to support staff; HostUp has no internal notes, so internal comments cannot be added',
        { argument: 'internal', provider: 'hostup' },
      );
    }
    const { data } = await this.#http.call({
      operation: 'addComment',
      method: 'post',
      path: `${V2}/tickets/${seg(nativeId)}/messages`,
      json: { message: input.body },
      schema: hostupV2MessageSchema,
      signal: ctx.signal,
    });
    // The reply answers with the message only; the ticket's status and times changed too.
    const ticket = await this.getTicket(nativeId, ctx);
    return { ticket, activity: toV2Activity(data, ticket.id, ticket.updatedAt) };
  }

  /** Close and reopen answer with the refreshed detail (documented for reopen, assumed for close). */
  async #action(nativeId: string, action: 'close' | 'reopen', ctx: CallContext): Promise<WriteResult> {
    const operation = action === 'close' ? 'closeTicket' : 'reopenTicket';
    const { data, raw } = await this.#http.call({
      operation,
      method: 'post',
      path: `${V2}/tickets/${seg(nativeId)}/actions/${action}`,
      schema: hostupV2TicketSchema,
      signal: ctx.signal,
    });
    return { ticket: toV2Ticket(data, raw, { operation, path: '' }) };
  }
}

/** The v1 ticket as received, inside the envelope the schema already checked. */
function ticketOf(raw: unknown): unknown {
  return (raw as { data: { ticket: unknown } }).data.ticket;
}

function rowsOf(raw: unknown): unknown[] {
  const rows = (raw as { data?: unknown }).data;
  return Array.isArray(rows) ? rows : [];
}
