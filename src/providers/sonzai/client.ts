import type { SonzaiSettings } from './settings.js';
import { BadUserInputError } from '../../errors.js';
import type { ProviderPage } from '../../model/page.js';
import type { TicketModel } from '../../model/ticket.js';
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
import { readRows } from '../../upstream/rows.js';
import { sonzaiStatuses, toCommentActivity, toSonzaiPriority, toTicket, toTicketKey, toTicketSummary } from './mapper.js';
import { readSonzaiError } from './errors.js';
import {
  SONZAI_TICKET_STATUSES,
  sonzaiCommentSchema,
  sonzaiTicketDetailSchema,
  sonzaiTicketKeySchema,
  sonzaiTicketListEnvelopeSchema,
  sonzaiTicketSummarySchema,
  sonzaiTicketSchema,
  type SonzaiAddCommentRequest,
  type SonzaiCreateTicketRequest,
  type SonzaiTicketList,
  type SonzaiTicketStatus,
} from './wire.js';

/** `page_size` and `limit` are both documented as ≤ 100. */
const MAX_PAGE_SIZE = 100;
/** The server's default when `type` is left out; we always send one, so say it. */
const DEFAULT_TYPE = 'support';

/** A list source: all of the caller's tickets (''), or those of one Sonzai status (`status:open`). */
function decodeSource(source: string): SonzaiTicketStatus | undefined {
  if (source === '') return undefined;
  const status = source.startsWith('status:') ? source.slice('status:'.length) : '';
  if ((SONZAI_TICKET_STATUSES as readonly string[]).includes(status)) return status as SonzaiTicketStatus;
  throw new BadUserInputError('sonzai: unknown list source', { argument: 'source', provider: 'sonzai' });
}

/**
 * Our position in a list walk, in one of Sonzai's two paging dialects:
 * `c:<n>:<cursor>` (production cursor paging; n = tickets before this page) or `o:<n>`
 * (the seed's offset paging). Carrying n in the cursor form lets a server that answers
 * without `next_cursor` (the offset dialect) be continued by offset.
 */
export type SonzaiPosition = { kind: 'cursor'; seen: number; cursor: string } | { kind: 'offset'; offset: number };

export function decodePosition(position: string | null): SonzaiPosition | null {
  if (position === null) return null;
  const bad = () => new BadUserInputError('sonzai: not a list position issued by ticketgraph', { argument: 'after', provider: 'sonzai' });
  const offset = /^o:(\d{1,9})$/.exec(position);
  if (offset) return { kind: 'offset', offset: Number(offset[1]) };
  const cursor = /^c:(\d{1,9}):(.+)$/s.exec(position);
  if (cursor) return { kind: 'cursor', seen: Number(cursor[1]), cursor: cursor[2] as string };
  throw bad();
}

/**
 * The position after a page. A `next_cursor` wins; without one, `has_more` continues by
 * offset (the seed's dialect), unless `total` says the walk is complete. An empty page ends
 * the walk whatever the flags say, so a confused server cannot make the feed loop.
 */
export function nextPosition(page: Pick<SonzaiTicketList, 'has_more' | 'next_cursor' | 'total'>, count: number, before: number): string | null {
  if (count === 0) return null;
  const seen = before + count;
  if (page.next_cursor) return `c:${seen}:${page.next_cursor}`;
  if (!page.has_more) return null;
  if (page.total !== null && page.total !== undefined && seen >= page.total) return null;
  return `o:${seen}`;
}

function ticketPath(nativeId: string): string {
  if (nativeId.trim() === '' || nativeId.includes('/')) {
    throw new BadUserInputError('Invalid sonzai ticket id', { argument: 'id', provider: 'sonzai' });
  }
  return `support/tickets/${seg(nativeId)}`;
}

/**
 * Sonzai dashboard support (the user side). Every call acts as one dashboard user: the
 * list holds only the tickets that user created in its active tenant. The detail embeds
 * comments and history (timeline 'detail'). Writes: create, close (creator only), and
 * external comments.
 */
export class SonzaiProvider implements TicketProvider {
  readonly key = 'sonzai' as const;
  readonly maxPageSize = MAX_PAGE_SIZE;
  /**
   * `status` takes one value per call, so a status filter becomes one source per Sonzai
   * status and is applied upstream in full. `type` has no feed counterpart; people and
   * dates cannot be filtered.
   */
  readonly pushdown: FilterPushdown = { statuses: true, assignee: false, requester: false, search: false, dates: false };
  readonly timeline = 'detail' as const;

  readonly #http: ProviderHttp;

  constructor(settings: SonzaiSettings, deps: ProviderDeps) {
    const token = settings.token;
    this.#http = createProviderHttp({
      provider: 'sonzai',
      // Includes `/api/v1` (the SDK default base is https://api.sonz.ai + /api/v1).
      baseUrl: settings.baseUrl,
      settings: deps.http,
      authorize: (headers) => {
        headers.set('authorization', `Bearer ${token.reveal()}`);
      },
      headers: { accept: 'application/json, application/problem+json' },
      readError: readSonzaiError,
      metrics: deps.metrics,
      onBadPayload: deps.onBadPayload,
    });
  }

  /**
   * One source for all the caller's tickets; with a status filter, one per Sonzai status
   * it covers. UNKNOWN cannot be asked for upstream, so a filter with it reads unfiltered.
   * A filter of statuses Sonzai never has (WAITING) has no source at all.
   */
  listSources(filter: ProviderFilter): string[] {
    return sonzaiStatuses.upstream(filter.statuses)?.map((status) => `status:${status}`) ?? [''];
  }

  async listTickets(query: ListTicketsQuery, ctx: CallContext): Promise<ProviderPage> {
    const status = decodeSource(query.source);
    const position = decodePosition(query.cursor);
    const size = Math.max(1, Math.min(query.limit, MAX_PAGE_SIZE));
    // The first call speaks the seed's dialect (items per page + offset); a server that answers
    // with a `next_cursor` is followed by cursor (`c:` positions), any other by offset (`o:`).
    const searchParams = position?.kind === 'cursor' ? { page_size: size, cursor: position.cursor, status } : { limit: size, offset: position?.offset ?? 0, status };
    const { data } = await this.#http.call({
      operation: 'listTickets',
      path: 'support/tickets',
      searchParams,
      schema: sonzaiTicketListEnvelopeSchema,
      signal: ctx.signal,
    });
    const rows = readRows(this.#http, 'listTickets', 'tickets', data.tickets ?? [], {
      keySchema: sonzaiTicketKeySchema,
      key: toTicketKey,
      rowSchema: sonzaiTicketSummarySchema,
      toTicket: (row, raw) => toTicketSummary(row, raw),
    });
    const before = position === null ? 0 : position.kind === 'offset' ? position.offset : position.seen;
    return { rows, next: nextPosition(data, rows.length, before), totalCount: data.total ?? null };
  }

  /** The detail: the ticket with its comments, and the history; `raw` is the whole body. */
  async getTicket(nativeId: string, ctx: CallContext): Promise<TicketModel> {
    const { data, raw } = await this.#http.call({
      operation: 'getTicket',
      path: ticketPath(nativeId),
      schema: sonzaiTicketDetailSchema,
      signal: ctx.signal,
    });
    return toTicket(data.ticket, raw, data.history ?? []);
  }

  async createTicket(input: CreateTicketInput, ctx: CallContext): Promise<WriteResult> {
    const body: SonzaiCreateTicketRequest = {
      title: input.title,
      description: input.description,
      type: input.type?.trim() || DEFAULT_TYPE,
    };
    if (input.priority) {
      const priority = toSonzaiPriority(input.priority);
      if (!priority) throw new BadUserInputError('sonzai: priority UNKNOWN cannot be set', { argument: 'priority', provider: 'sonzai' });
      body.priority = priority;
    }
    const { data, raw } = await this.#http.call({
      operation: 'createTicket',
      method: 'post',
      path: 'support/tickets',
      json: body,
      schema: sonzaiTicketSchema,
      signal: ctx.signal,
    });
    return { ticket: toTicket(data, raw) };
  }

  /** Only the ticket's creator may close it (403 otherwise); closing a closed ticket is refused upstream. */
  async closeTicket(nativeId: string, ctx: CallContext): Promise<WriteResult> {
    const { data, raw } = await this.#http.call({
      operation: 'closeTicket',
      method: 'post',
      path: `${ticketPath(nativeId)}/close`,
      schema: sonzaiTicketSchema,
      signal: ctx.signal,
    });
    return { ticket: toTicket(data, raw) };
  }

  /**
   * Dashboard users can only post external comments; internal notes are a staff-only
   * (admin portal) operation, so an internal comment is refused before any call.
   * The answer is the comment alone: the ticket is read again for the result.
   */
  async addComment(nativeId: string, input: CommentInput, ctx: CallContext): Promise<WriteResult> {
    if (input.internal) {
      throw new BadUserInputError('sonzai: internal notes are staff-only; dashboard users can only add public comments', {
        argument: 'internal',
        provider: 'sonzai',
      });
    }
    const path = `${ticketPath(nativeId)}/comments`;
    const body: SonzaiAddCommentRequest = { content: input.body };
    const { data } = await this.#http.call({
      operation: 'addComment',
      method: 'post',
      path,
      json: body,
      schema: sonzaiCommentSchema,
      signal: ctx.signal,
    });
    const created = toCommentActivity(data, nativeId);
    const ticket = await this.getTicket(nativeId, ctx);
    // The re-read's copy knows the ticket's people, so its author id matches the rest of the timeline.
    return { ticket, activity: ticket.activities?.find((a) => a.id === created.id) ?? created };
  }
}
