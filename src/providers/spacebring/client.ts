import type { SpacebringSettings } from './settings.js';
import { BadUserInputError, OutOfScopeError, UnsupportedByProviderError } from '../../errors.js';
import type { ProviderPage } from '../../model/page.js';
import type { TicketModel, TicketStatus } from '../../model/ticket.js';
import { basicAuth, createProviderHttp, seg, type ProviderHttp } from '../../upstream/http.js';
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
import { readRows } from '../../upstream/rows.js';
import { toActivity, toSpacebringStatus, toTicket, toTicketKey } from './mapper.js';
import { readSpacebringError } from './errors.js';
import {
  spacebringCommentResultSchema,
  spacebringTicketDetailSchema,
  spacebringTicketKeySchema,
  spacebringTicketListEnvelopeSchema,
  spacebringTicketSchema,
  spacebringTicketUpdateSchema,
} from './wire.js';

const BASE = 'support/tickets/v1';
const MAX_PAGE = 100;
/** The filters take at most 100 comma-separated ids. */
const MAX_FILTER_IDS = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Spacebring Support (`/support/tickets/v1`). The list needs a location, so each
 * configured location is a source. Create and comment accept only OAuth2: on Basic auth
 * the two methods are not defined, and the capability matrix says so.
 */
export class SpacebringProvider implements TicketProvider {
  readonly key = 'spacebring' as const;
  readonly maxPageSize = MAX_PAGE;
  /**
   * Only the assignee filter goes upstream (`userRefAssignee` takes user ids, our native
   * ids). The requester filter takes membership ids, which are not our person ids, and
   * there is no status, text or date filter.
   */
  readonly pushdown: FilterPushdown = { statuses: false, assignee: true, requester: false, search: false, dates: false };
  readonly timeline = 'detail' as const;

  declare readonly createTicket?: (input: CreateTicketInput, ctx: CallContext) => Promise<WriteResult>;
  declare readonly addComment?: (nativeId: string, input: CommentInput, ctx: CallContext) => Promise<WriteResult>;

  readonly #http: ProviderHttp;
  readonly #settings: SpacebringSettings;

  constructor(settings: SpacebringSettings, deps: ProviderDeps) {
    this.#settings = settings;
    const auth = settings.auth;
    this.#http = createProviderHttp({
      provider: this.key,
      baseUrl: settings.baseUrl,
      settings: deps.http,
      authorize: (headers) => {
        headers.set('authorization', auth.kind === 'basic' ? basicAuth(auth.clientId.reveal(), auth.clientSecret.reveal()) : `Bearer ${auth.accessToken.reveal()}`);
      },
      // A bearer token alone does not say which network it acts in.
      headers: auth.kind === 'oauth' ? { [auth.networkHeader]: auth.networkId } : {},
      readError: readSpacebringError,
      metrics: deps.metrics,
      onBadPayload: deps.onBadPayload,
    });
    if (auth.kind === 'oauth') {
      Object.defineProperty(this, 'createTicket', { value: this.#createTicket.bind(this), enumerable: true });
      Object.defineProperty(this, 'addComment', { value: this.#addComment.bind(this), enumerable: true });
    }
  }

  async getTicket(nativeId: string, ctx: CallContext): Promise<TicketModel> {
    const { data, raw } = await this.#http.call({
      operation: 'getTicket',
      path: `${BASE}/${seg(nativeId)}`,
      schema: spacebringTicketDetailSchema,
      signal: ctx.signal,
    });
    // Ticket ids do not name their location, so the check can only follow the read: a
    // ticket of a location this service is not configured for is not served.
    if (!this.#settings.locationRefs.includes(data.ticket.locationRef)) throw new OutOfScopeError(this.key, 'read', 'the location');
    return toTicket(data.ticket, raw, data.activities);
  }

  listSources(_filter: ProviderFilter): string[] {
    return [...this.#settings.locationRefs];
  }

  async listTickets(query: ListTicketsQuery, ctx: CallContext): Promise<ProviderPage> {
    const searchParams = new URLSearchParams({
      locationRef: query.source,
      limit: String(Math.min(MAX_PAGE, Math.max(1, Math.floor(query.limit)))),
      // The API defaults to createDate:desc; the merged feed needs updatedAt desc.
      order: 'updateDate:desc',
    });
    const assignees = query.filter.assigneeNativeIds;
    // Only when every id is a user id: pushing a subset would drop tickets the feed still wants.
    if (assignees?.length && assignees.length <= MAX_FILTER_IDS && assignees.every((id) => UUID.test(id))) {
      searchParams.set('userRefAssignee', [...new Set(assignees)].join(','));
    }
    if (query.cursor) searchParams.set('nextPageToken', query.cursor);
    const { data } = await this.#http.call({
      operation: 'listTickets',
      path: BASE,
      searchParams,
      schema: spacebringTicketListEnvelopeSchema,
      signal: ctx.signal,
    });
    const rows = readRows(this.#http, 'listTickets', 'tickets', data.tickets, {
      keySchema: spacebringTicketKeySchema,
      key: toTicketKey,
      rowSchema: spacebringTicketSchema,
      toTicket: (t, raw) => toTicket(t, raw),
    });
    return { rows, next: data.nextPageToken || null, totalCount: null };
  }

  async setTicketStatus(nativeId: string, status: TicketStatus, ctx: CallContext): Promise<WriteResult> {
    const value = toSpacebringStatus(status);
    if (value === null) throw new BadUserInputError(`spacebring has no status for ${status}`, { argument: 'status' });
    return this.#putStatus(nativeId, value, ctx);
  }

  closeTicket(nativeId: string, ctx: CallContext): Promise<WriteResult> {
    return this.#putStatus(nativeId, 'closed', ctx);
  }

  /** Back to `new`: Spacebring has no reopen verb, and `new` is the state that asks for an agent. */
  reopenTicket(nativeId: string, ctx: CallContext): Promise<WriteResult> {
    return this.#putStatus(nativeId, 'new', ctx);
  }

  async assignTicket(nativeId: string, assigneeNativeId: string | null, ctx: CallContext): Promise<WriteResult> {
    if (assigneeNativeId !== null && !UUID.test(assigneeNativeId)) {
      throw new BadUserInputError('spacebring assigns users only', { argument: 'assigneeId' });
    }
    await this.#checkScope(nativeId, ctx);
    const { data, raw } = await this.#http.call({
      operation: 'assignTicket',
      method: 'put',
      path: `${BASE}/${seg(nativeId)}/assignee`,
      json: { ticket: { userRefAssignee: assigneeNativeId } },
      schema: spacebringTicketUpdateSchema,
      signal: ctx.signal,
    });
    return { ticket: toTicket(data.ticket, (raw as { ticket?: unknown }).ticket), activity: toActivity(data.activity, 0) };
  }

  /**
   * A write by id first reads the ticket: its id does not name its location, and a ticket of
   * a location this service is not configured for must not be changed (FORBIDDEN). One read
   * per write, and a write is rare next to reads.
   */
  async #checkScope(nativeId: string, ctx: CallContext): Promise<void> {
    try {
      await this.getTicket(nativeId, ctx);
    } catch (error) {
      if (error instanceof OutOfScopeError) throw new OutOfScopeError(this.key, 'write', "the ticket's location");
      throw error;
    }
  }

  async #putStatus(nativeId: string, status: string, ctx: CallContext): Promise<WriteResult> {
    await this.#checkScope(nativeId, ctx);
    const { data, raw } = await this.#http.call({
      operation: 'setTicketStatus',
      method: 'put',
      path: `${BASE}/${seg(nativeId)}/status`,
      json: { ticket: { status } },
      schema: spacebringTicketUpdateSchema,
      signal: ctx.signal,
    });
    return { ticket: toTicket(data.ticket, (raw as { ticket?: unknown }).ticket), activity: toActivity(data.activity, 0) };
  }

  async #createTicket(input: CreateTicketInput, ctx: CallContext): Promise<WriteResult> {
    const locationRef = input.scope ?? this.#settings.locationRefs[0];
    if (!locationRef) throw new BadUserInputError('spacebring needs a location to create a ticket', { argument: 'scope' });
    if (!this.#settings.locationRefs.includes(locationRef)) throw new OutOfScopeError(this.key, 'write', 'the location');
    // No title field: the title goes on the first line, where the mapper finds it again.
    const title = input.title.trim();
    const description = input.description.trim();
    const text = title === '' || description.startsWith(title) ? description : `${title}\n\n${description}`;
    const ticket: Record<string, string> = { locationRef, text, type: input.type ?? 'other' };
    if (input.requesterNativeId) ticket.userRefRequester = input.requesterNativeId;
    const { data, raw } = await this.#http.call({
      operation: 'createTicket',
      method: 'post',
      path: BASE,
      json: { ticket },
      schema: spacebringTicketDetailSchema,
      signal: ctx.signal,
    });
    const created = toTicket(data.ticket, raw, data.activities);
    return { ticket: created, activity: created.activities?.find((a) => a.kind === 'CREATED') ?? null };
  }

  async #addComment(nativeId: string, input: CommentInput, ctx: CallContext): Promise<WriteResult> {
    // Spacebring comments are seen by the requester; there is no internal note.
    if (input.internal) throw new UnsupportedByProviderError(this.key, 'internal comments');
    await this.#checkScope(nativeId, ctx);
    const { data } = await this.#http.call({
      operation: 'addComment',
      method: 'post',
      path: `${BASE}/comment`,
      json: { activity: { ticketRef: nativeId, text: input.body } },
      schema: spacebringCommentResultSchema,
      signal: ctx.signal,
    });
    // The answer is the activity only; the ticket (its updateDate, its timeline) is read again.
    const ticket = await this.getTicket(nativeId, ctx);
    return { ticket, activity: toActivity(data.activity, 0) };
  }
}
