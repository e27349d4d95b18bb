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
import { hostupStatuses } from './mapper.js';
import { readRows } from '../../upstream/rows.js';
import { toV2Activity, toV2Ticket, toV2TicketKey } from './mapper-v2.js';
import { readHostupError } from './errors.js';
import {
  hostupV2DepartmentListSchema,
  hostupV2MessageSchema,
  hostupV2TicketKeySchema,
  hostupV2TicketListEnvelopeSchema,
  hostupV2TicketSummarySchema,
  hostupV2TicketSchema,
  type HostupV2CreateBody,
} from './wire.js';

const V2 = 'api/v2/support';
const MAX_PAGE = 100;
/** Source prefix of a per-status stream (v2 `status` takes one value per call). */
const STATUS_SOURCE = 'status:';

const lower = (p: TicketPriority | null | undefined) => (p && p !== 'UNKNOWN' ? (p.toLowerCase() as NonNullable<HostupV2CreateBody['priority']>) : undefined);

/**
 * HostUp v2, the live API and the default (HOSTUP_API_GENERATION unset or v2): list, detail
 * with messages, create, reply, close and reopen. client-v1.ts speaks the seed's v1.
 */
export class HostupV2Provider implements TicketProvider {
  readonly key = 'hostup' as const;
  readonly maxPageSize = MAX_PAGE;
  readonly pushdown: FilterPushdown = { statuses: true, assignee: false, requester: false, search: false, dates: false };
  readonly timeline = 'detail' as const;
  readonly lists = true;
  /** v2 ticket payloads carry no tags. */
  readonly readsTags = false;
  readonly apiVersion = 'v2 (/api/v2/support, Bearer)';
  readonly notes =
    "v2 by default: HostUp's current API, the only one that lists tickets, replies, closes and reopens. " +
    'The seed documents v1 (set HOSTUP_API_GENERATION=v1 for it): it reads by number and creates only.';

  readonly #http: ProviderHttp;

  constructor(settings: HostupSettings, deps: ProviderDeps) {
    const apiKey = settings.apiKey;
    this.#http = createProviderHttp({
      provider: 'hostup',
      baseUrl: settings.baseUrl,
      settings: deps.http,
      authorize: (headers) => headers.set('authorization', `Bearer ${apiKey.reveal()}`),
      readError: readHostupError,
      // v2 sends the Retry-After header (v1 puts `retryAfter` in the body).
      retryAfterInBody: false,
      metrics: deps.metrics,
      onBadPayload: deps.onBadPayload,
    });
  }

  /** v2 also accepts the numeric number "during migration", so v1-era ids keep working. */
  async getTicket(nativeId: string, ctx: CallContext): Promise<TicketModel> {
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
    return hostupStatuses.upstream(filter.statuses)?.map((s) => `${STATUS_SOURCE}${s}`) ?? [''];
  }

  /**
   * `GET /api/v2/support/tickets`, in the API's default order, which we take to be
   * updatedAt desc (HostUp does not document an order param).
   */
  async listTickets(query: ListTicketsQuery, ctx: CallContext): Promise<ProviderPage> {
    const searchParams: Record<string, string | number> = { limit: Math.max(1, Math.min(MAX_PAGE, query.limit)) };
    if (query.cursor) searchParams.cursor = query.cursor;
    if (query.source.startsWith(STATUS_SOURCE)) searchParams.status = query.source.slice(STATUS_SOURCE.length);
    const { data } = await this.#http.call({
      operation: 'listTickets',
      path: `${V2}/tickets`,
      searchParams,
      schema: hostupV2TicketListEnvelopeSchema,
      signal: ctx.signal,
    });
    const rows = readRows(this.#http, 'listTickets', 'data', data.data ?? [], {
      keySchema: hostupV2TicketKeySchema,
      key: (fields, index) => toV2TicketKey(fields, { operation: 'listTickets', path: `data.${index}` }),
      rowSchema: hostupV2TicketSummarySchema,
      toTicket: (row, raw, index) => toV2Ticket(row, raw, { operation: 'listTickets', path: `data.${index}` }),
    });
    return { rows, next: data.nextCursor ?? null, totalCount: null };
  }

  /**
   * departmentSlug = input.department; without one, the first department the API lists is
   * used. `criticalReason` (required with critical) is the description: it is the customer's
   * own account of the impact.
   */
  async createTicket(input: CreateTicketInput, ctx: CallContext): Promise<WriteResult> {
    const departmentSlug = input.department?.trim() || (await this.#firstDepartment(ctx));
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
    const ticket = toV2Ticket(data, raw, { operation: 'createTicket', path: '' });
    return { ticket, activity: ticket.activities?.find((a) => a.kind === 'CREATED') ?? null };
  }

  async #firstDepartment(ctx: CallContext): Promise<string> {
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

  /** HostUp replies are the customer's side of the conversation: there is no internal note to write. */
  async addComment(nativeId: string, input: CommentInput, ctx: CallContext): Promise<WriteResult> {
    if (input.internal) {
      throw new BadUserInputError('HostUp replies are customer-side messages visible to support staff; HostUp has no internal notes, so internal comments cannot be added', {
        argument: 'internal',
        provider: 'hostup',
      });
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

  closeTicket(nativeId: string, ctx: CallContext): Promise<WriteResult> {
    return this.#action(nativeId, 'close', ctx);
  }

  reopenTicket(nativeId: string, ctx: CallContext): Promise<WriteResult> {
    return this.#action(nativeId, 'reopen', ctx);
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
