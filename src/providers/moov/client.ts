import type { MoovSettings } from './settings.js';
import { BadUserInputError, OutOfScopeError } from '../../errors.js';
import type { ActivityModel } from '../../model/activity.js';
import type { ProviderPage } from '../../model/page.js';
import type { TicketModel } from '../../model/ticket.js';
import { basicAuth, createProviderHttp, seg, type ProviderHttp } from '../../upstream/http.js';
import type { CallContext, CreateTicketInput, FilterPushdown, ListTicketsQuery, ProviderDeps, ProviderFilter, TicketProvider, WriteResult } from '../../upstream/provider.js';
import { readRows } from '../../upstream/rows.js';
import { moovStatuses, parseMoovNativeId, toActivities, toTicket, toTicketKey, type MoovTicketRef } from './mapper.js';
import { readMoovError } from './errors.js';
import {
  MOOV_TICKET_STATUSES,
  moovMessageListSchema,
  moovTicketKeySchema,
  moovTicketListEnvelopeSchema,
  moovTicketSchema,
  type MoovCreateTicketRequest,
  type MoovTicketStatus,
  type MoovUpdateTicketRequest,
} from './wire.js';

/** Page size cap we ask for; Moov documents `count` but not its maximum [inferred]. */
const MAX_PAGE_SIZE = 100;

/** A list source: one account, optionally narrowed to one Moov status (`accountID` or `accountID#status`). */
function encodeSource(accountId: string, status?: MoovTicketStatus): string {
  return status ? `${accountId}#${status}` : accountId;
}

function decodeSource(source: string): { accountId: string; status: MoovTicketStatus | undefined } {
  const hash = source.lastIndexOf('#');
  const candidate = hash < 0 ? undefined : source.slice(hash + 1);
  if (candidate !== undefined && (MOOV_TICKET_STATUSES as readonly string[]).includes(candidate)) {
    return { accountId: source.slice(0, hash), status: candidate as MoovTicketStatus };
  }
  return { accountId: source, status: undefined };
}

/**
 * Moov support tickets (customer side): everything lives under an account, the timeline
 * is a separate messages call, and the only writes are create and close.
 */
export class MoovProvider implements TicketProvider {
  readonly key = 'moov' as const;
  readonly maxPageSize = MAX_PAGE_SIZE;
  /**
   * `status` takes one value per call, so a status filter becomes one source per Moov
   * status (listSources) and is applied upstream in full. Moov filters on nothing else
   * we model (`foreignID` has no feed counterpart).
   */
  readonly pushdown: FilterPushdown = { statuses: true, assignee: false, requester: false, search: false, dates: false };
  readonly timeline = 'separate' as const;

  readonly #settings: MoovSettings;
  readonly #http: ProviderHttp;

  constructor(settings: MoovSettings, deps: ProviderDeps) {
    this.#settings = settings;
    const auth = settings.auth;
    this.#http = createProviderHttp({
      provider: 'moov',
      baseUrl: settings.baseUrl,
      settings: deps.http,
      authorize: (headers) => {
        headers.set('authorization', auth.kind === 'basic' ? basicAuth(auth.publicKey.reveal(), auth.secretKey.reveal()) : `Bearer ${auth.token.reveal()}`);
      },
      // Pinned: without it Moov answers as v2024.01.00, whose shapes we did not model.
      headers: { 'X-Moov-Version': settings.apiVersion },
      readError: readMoovError,
      metrics: deps.metrics,
      onBadPayload: deps.onBadPayload,
    });
  }

  /**
   * One source per configured account; with a status filter that Moov can express fully,
   * one per (account, Moov status). UNKNOWN cannot be asked for upstream, so a filter that
   * includes it reads the accounts unfiltered and leaves the filtering to the feed.
   */
  listSources(filter: ProviderFilter): string[] {
    const moov = moovStatuses.upstream(filter.statuses);
    if (!moov) return this.#settings.accountIds.map((id) => encodeSource(id));
    return this.#settings.accountIds.flatMap((id) => moov.map((status) => encodeSource(id, status)));
  }

  async listTickets(query: ListTicketsQuery, ctx: CallContext): Promise<ProviderPage> {
    const { accountId, status } = decodeSource(query.source);
    if (!accountId) throw new BadUserInputError('moov: the ticket list needs an account id', { argument: 'source' });
    const { data } = await this.#http.call({
      operation: 'listTickets',
      path: `accounts/${seg(accountId)}/tickets`,
      searchParams: {
        count: Math.max(1, Math.min(query.limit, MAX_PAGE_SIZE)),
        cursor: query.cursor ?? undefined,
        status,
      },
      schema: moovTicketListEnvelopeSchema,
      signal: ctx.signal,
    });
    // z.array(z.unknown()) keeps the elements as received: they are the rows' `raw`.
    const rows = readRows(this.#http, 'listTickets', 'items', data.items, {
      keySchema: moovTicketKeySchema,
      key: (fields) => toTicketKey(fields, accountId),
      rowSchema: moovTicketSchema,
      toTicket: (item, raw) => toTicket(item, raw, accountId),
    });
    // An empty page that still offers a cursor would make the feed walk forever.
    const next = rows.length > 0 ? (data.nextPage?.cursor ?? null) : null;
    return { rows, next, totalCount: null };
  }

  async getTicket(nativeId: string, ctx: CallContext): Promise<TicketModel> {
    const ref = this.#ref(nativeId, 'read');
    const { data, raw } = await this.#http.call({
      operation: 'getTicket',
      path: `accounts/${seg(ref.accountId)}/tickets/${seg(ref.ticketId)}`,
      schema: moovTicketSchema,
      signal: ctx.signal,
    });
    return toTicket(data, raw, ref.accountId);
  }

  /** The messages thread; the first message is the body the ticket was created with. */
  async listActivities(ticket: TicketModel, ctx: CallContext): Promise<ActivityModel[]> {
    const ref = this.#ref(ticket.nativeId, 'read');
    const { data } = await this.#http.call({
      operation: 'listTicketMessages',
      path: `accounts/${seg(ref.accountId)}/tickets/${seg(ref.ticketId)}/messages`,
      schema: moovMessageListSchema,
      signal: ctx.signal,
    });
    return toActivities(data, ticket);
  }

  async createTicket(input: CreateTicketInput, ctx: CallContext): Promise<WriteResult> {
    const accountId = input.scope?.trim() || this.#settings.accountIds[0];
    if (!accountId || accountId.includes('/')) {
      throw new BadUserInputError('moov: createTicket needs an account id as scope', { argument: 'scope' });
    }
    if (!this.#settings.accountIds.includes(accountId)) throw new OutOfScopeError('moov', 'write', 'the account');
    const email = input.requesterEmail?.trim();
    if (!email) throw new BadUserInputError('moov: createTicket needs requesterEmail (the ticket contact)', { argument: 'requesterEmail' });
    const body: MoovCreateTicketRequest = {
      title: input.title,
      body: input.description,
      contact: input.requesterName ? { email, name: input.requesterName } : { email },
    };
    const { data, raw } = await this.#http.call({
      operation: 'createTicket',
      method: 'post',
      path: `accounts/${seg(accountId)}/tickets`,
      json: body,
      schema: moovTicketSchema,
      signal: ctx.signal,
    });
    return { ticket: toTicket(data, raw, accountId) };
  }

  /** `PATCH` with `{status: 'closed'}`, the only value Moov accepts; it answers with the ticket. */
  async closeTicket(nativeId: string, ctx: CallContext): Promise<WriteResult> {
    const ref = this.#ref(nativeId, 'write');
    const body: MoovUpdateTicketRequest = { status: 'closed' };
    const { data, raw } = await this.#http.call({
      operation: 'closeTicket',
      method: 'patch',
      path: `accounts/${seg(ref.accountId)}/tickets/${seg(ref.ticketId)}`,
      json: body,
      schema: moovTicketSchema,
      signal: ctx.signal,
    });
    return { ticket: toTicket(data, raw, ref.accountId) };
  }

  /**
   * The ticket's account must be one of MOOV_ACCOUNT_IDS: our credential may reach other
   * accounts (a platform key reaches every connected one), and a client must not.
   */
  #ref(nativeId: string, access: 'read' | 'write'): MoovTicketRef {
    const ref = parseMoovNativeId(nativeId);
    if (!ref) throw new BadUserInputError('Invalid moov ticket id: expected accountID/ticketID', { argument: 'id', provider: 'moov' });
    if (!this.#settings.accountIds.includes(ref.accountId)) throw new OutOfScopeError('moov', access, 'the account');
    return ref;
  }
}
