import type { ZaiaAuthScheme, ZaiaSettings, ZaiaStatusValues } from './settings.js';
import { BadUserInputError } from '../../errors.js';
import { encodeId } from '../../ids.js';
import type { ActivityModel } from '../../model/activity.js';
import { emailOfNativeId } from '../../model/membership.js';
import type { ProviderPage } from '../../model/page.js';
import type { TicketModel } from '../../model/ticket.js';
import type { z } from 'zod';
import { UpstreamError } from '../../upstream/errors.js';
import { createProviderHttp, seg, type CallOptions, type CallResult, type ProviderHttp } from '../../upstream/http.js';
import type { CallContext, CreateTicketInput, FilterPushdown, ListTicketsQuery, ProviderDeps, ProviderFilter, TicketProvider, WriteResult } from '../../upstream/provider.js';
import { readRows } from '../../upstream/rows.js';
import { toTag, toTicket, toTicketKey, zaiaStatusesFor } from './mapper.js';
import { explainRefusedStatus, readZaiaError } from './errors.js';
import { zaiaMessageSchema, zaiaTicketDetailsListEnvelopeSchema, zaiaTicketDetailsSchema, zaiaTicketKeySchema, zaiaTicketSchema, zaiaTicketTagSchema } from './wire.js';

const MAX_PAGE_SIZE = 100;

/**
 * Our cursor is `pageNumber:pageSize`: Zaia pages by number, so the size must stay the
 * one the first page was read with, whatever limit the next call asks for.
 */
function parseCursor(cursor: string | null, limit: number): { pageNumber: number; pageSize: number } {
  const fallbackSize = Math.min(Math.max(1, Math.floor(limit) || 1), MAX_PAGE_SIZE);
  if (cursor === null) return { pageNumber: 1, pageSize: fallbackSize };
  const match = /^(\d{1,9})(?::(\d{1,3}))?$/.exec(cursor);
  const pageNumber = match ? Number(match[1]) : NaN;
  const pageSize = match?.[2] !== undefined ? Number(match[2]) : fallbackSize;
  if (!(pageNumber >= 1) || !(pageSize >= 1 && pageSize <= MAX_PAGE_SIZE)) {
    throw new BadUserInputError('Invalid cursor for zaia', { argument: 'after', provider: 'zaia' });
  }
  return { pageNumber, pageSize };
}

function required(value: string | null | undefined, argument: string, why: string): string {
  if (value == null || value.trim() === '') throw new BadUserInputError(`zaia: ${argument} is required (${why})`, { argument, provider: 'zaia' });
  return value;
}

export class ZaiaProvider implements TicketProvider {
  readonly key = 'zaia' as const;
  readonly maxPageSize = MAX_PAGE_SIZE;
  /**
   * Status is pushed down through the sources (one per wire status); assignee ids and
   * search are query parameters. The owner (requester) and dates have no filter.
   */
  readonly pushdown: FilterPushdown = { statuses: true, assignee: true, requester: false, search: true, dates: false };
  readonly timeline = 'ticket' as const;

  /** One client per form of the `authorization` header, so each call knows which form it sent. */
  readonly #http: Record<ZaiaAuthScheme, ProviderHttp>;
  readonly #actingUserId: string | null;
  readonly #statusValues: Readonly<ZaiaStatusValues>;
  /** ZAIA_AUTH_SCHEME, or null to find the form out (the seed's raw key first). */
  readonly #configuredScheme: ZaiaAuthScheme | null;
  /** The form that last got through, once one has; then no call is sent twice. */
  #learnedScheme: ZaiaAuthScheme | null = null;

  constructor(settings: ZaiaSettings, deps: ProviderDeps) {
    const { apiKey } = settings;
    this.#actingUserId = settings.actingUserId;
    this.#configuredScheme = settings.authScheme;
    this.#statusValues = settings.statusValues;
    const http = (scheme: ZaiaAuthScheme): ProviderHttp =>
      createProviderHttp({
        provider: 'zaia',
        baseUrl: settings.baseUrl,
        settings: deps.http,
        authorize: (headers) => headers.set('authorization', scheme === 'bearer' ? `Bearer ${apiKey.reveal()}` : apiKey.reveal()),
        readError: readZaiaError,
        metrics: deps.metrics,
        onBadPayload: deps.onBadPayload,
      });
    this.#http = { raw: http('raw'), bearer: http('bearer') };
  }

  /** The form the next call is sent in, and whether it is settled (configured or learned). */
  get authScheme(): { scheme: ZaiaAuthScheme; settled: boolean } {
    return { scheme: this.#configuredScheme ?? this.#learnedScheme ?? 'raw', settled: (this.#configuredScheme ?? this.#learnedScheme) !== null };
  }

  /**
   * Every call goes through here. The seed says the header carries "the API key" without saying
   * whether a `Bearer ` prefix belongs: unless ZAIA_AUTH_SCHEME decides, a 401 in the raw form is
   * answered once with the Bearer form (a 401 changes nothing upstream, so even a write may be
   * sent again), and the form that got through is kept for every later call.
   */
  async #call<S extends z.ZodType>(options: CallOptions<S>): Promise<CallResult<z.output<S>>> {
    const { scheme, settled } = this.authScheme;
    try {
      const result = await this.#http[scheme].call(options);
      if (!settled) this.#learnedScheme = scheme;
      return result;
    } catch (error) {
      if (settled || !(error instanceof UpstreamError) || error.status !== 401) throw error;
      const other: ZaiaAuthScheme = scheme === 'raw' ? 'bearer' : 'raw';
      const result = await this.#http[other].call(options);
      this.#learnedScheme = other;
      return result;
    }
  }

  async getTicket(nativeId: string, ctx: CallContext): Promise<TicketModel> {
    const { data, raw } = await this.#call({
      operation: 'getTicket',
      path: `api/v1/tickets/${seg(nativeId)}/details`,
      schema: zaiaTicketDetailsSchema,
      signal: ctx.signal,
    });
    return toTicket(data, raw, this.#statusValues);
  }

  /** `status` is required by the list: one source per wire status the filter allows. */
  listSources(filter: ProviderFilter): string[] {
    return zaiaStatusesFor(filter.statuses, this.#statusValues);
  }

  async listTickets(query: ListTicketsQuery, ctx: CallContext): Promise<ProviderPage> {
    const { pageNumber, pageSize } = parseCursor(query.cursor, query.limit);
    const params = new URLSearchParams({
      status: query.source,
      pageNumber: String(pageNumber),
      pageSize: String(pageSize),
      // Tickets of soft-removed chats are still tickets; the flag stays in raw (chatIsRemoved).
      includeRemoved: 'true',
    });
    for (const id of query.filter.assigneeNativeIds ?? []) {
      // Synthetic `email:` ids cannot be sent; the feed's post-filter handles them.
      if (emailOfNativeId(id) === null) params.append('assigneeIds', id);
    }
    const search = query.filter.search?.trim();
    if (search) params.set('search', search);
    const { data } = await this.#call({
      operation: 'listTickets',
      path: 'api/v1/tickets/details',
      searchParams: params,
      schema: zaiaTicketDetailsListEnvelopeSchema,
      signal: ctx.signal,
    }).catch((error: unknown) => {
      throw explainRefusedStatus(error, 'listTickets', query.source, this.#statusValues);
    });
    const values = this.#statusValues;
    // Either scheme's client: parsing is the same for both.
    const rows = readRows(this.#http.raw, 'listTickets', '', data, {
      keySchema: zaiaTicketKeySchema,
      key: toTicketKey,
      rowSchema: zaiaTicketDetailsSchema,
      toTicket: (row, raw) => toTicket(row, raw, values),
    });
    return {
      rows,
      // No total and no has-more flag: a full page means there may be another.
      next: data.length === pageSize ? `${pageNumber + 1}:${pageSize}` : null,
      totalCount: null,
    };
  }

  /** Title and description have no field at Zaia: the platform writes the summary itself. */
  async createTicket(input: CreateTicketInput, ctx: CallContext): Promise<WriteResult> {
    const chatId = required(input.chatId, 'chatId', 'a Zaia ticket opens on an existing chat');
    const assigneeId = required(input.assigneeNativeId, 'assigneeNativeId', 'Zaia requires an assignee');
    // A ticket opened through the API starts waiting for its assignee.
    const status = this.#statusValues.open;
    const { data } = await this.#call({
      operation: 'createTicket',
      method: 'post',
      path: 'api/v1/tickets',
      json: { chatId, ticketingTeamId: input.teamId ?? null, assigneeId, status },
      schema: zaiaTicketSchema,
      signal: ctx.signal,
    }).catch((error: unknown) => {
      throw explainRefusedStatus(error, 'createTicket', status, this.#statusValues);
    });
    const ticket = await this.getTicket(data.id, ctx);
    return { ticket, activity: findActivity(ticket, (a) => a.kind === 'CREATED') };
  }

  /** Zaia records who completed the ticket: the configured acting user, else the assignee. */
  async closeTicket(nativeId: string, ctx: CallContext): Promise<WriteResult> {
    let userId = this.#actingUserId;
    if (!userId) {
      const current = await this.getTicket(nativeId, ctx);
      userId = current.assignee && emailOfNativeId(current.assignee.nativeId) === null ? current.assignee.nativeId : null;
      if (!userId) {
        throw new BadUserInputError('zaia: completing an unassigned ticket needs ZAIA_USER_ID (the acting user)', {
          argument: 'id',
          provider: 'zaia',
        });
      }
    }
    await this.#call({
      operation: 'closeTicket',
      method: 'patch',
      path: `api/v1/tickets/${seg(nativeId)}/complete`,
      json: { userId },
      schema: zaiaTicketSchema,
      signal: ctx.signal,
    });
    const ticket = await this.getTicket(nativeId, ctx);
    return { ticket, activity: findActivity(ticket, (a) => a.kind === 'STATUS_CHANGE' && a.toProviderStatus === this.#statusValues.completed) };
  }

  async takeOverTicket(nativeId: string, assigneeNativeId: string, ctx: CallContext): Promise<WriteResult> {
    const { data } = await this.#call({
      operation: 'takeOverTicket',
      method: 'patch',
      path: `api/v1/tickets/${seg(nativeId)}/takeover`,
      json: { assigneeId: assigneeNativeId },
      schema: zaiaTicketSchema,
      signal: ctx.signal,
    });
    const ticket = await this.getTicket(nativeId, ctx);
    // The move to ongoing belongs to this write only when it happened at the write's own time.
    const movedNow = data.ongoingAt != null && Date.parse(data.ongoingAt) === Date.parse(data.updatedAt);
    const activity = movedNow ? findActivity(ticket, (a) => a.kind === 'STATUS_CHANGE' && a.toProviderStatus === this.#statusValues.ongoing) : null;
    return { ticket, activity };
  }

  async assignTicket(nativeId: string, assigneeNativeId: string | null, ctx: CallContext): Promise<WriteResult> {
    if (assigneeNativeId === null) {
      throw new BadUserInputError('zaia: a ticket cannot be unassigned, only reassigned', { argument: 'assigneeId', provider: 'zaia' });
    }
    await this.#call({
      operation: 'assignTicket',
      method: 'patch',
      path: `api/v1/tickets/${seg(nativeId)}/assignee`,
      json: { assigneeId: assigneeNativeId },
      schema: zaiaTicketSchema,
      signal: ctx.signal,
    });
    return { ticket: await this.getTicket(nativeId, ctx) };
  }

  async addTicketTag(nativeId: string, tagNativeId: string, ctx: CallContext): Promise<WriteResult> {
    const { data } = await this.#call({
      operation: 'addTicketTag',
      method: 'post',
      path: `api/v1/tickets/${seg(nativeId)}/tags`,
      json: { tagId: tagNativeId },
      schema: zaiaTicketTagSchema,
      signal: ctx.signal,
    });
    const ticket = await this.getTicket(nativeId, ctx);
    const activity: ActivityModel = {
      kind: 'TAG_CHANGE',
      id: tagActivityId(nativeId, 'add', tagNativeId, data.createdAt),
      provider: 'zaia',
      ticketId: ticket.id,
      author: null,
      createdAt: new Date(data.createdAt),
      added: [toTag(data.tagId)],
      removed: [],
    };
    return { ticket, activity };
  }

  async removeTicketTag(nativeId: string, tagNativeId: string, ctx: CallContext): Promise<WriteResult> {
    await this.#call({
      operation: 'removeTicketTag',
      method: 'delete',
      path: `api/v1/tickets/${seg(nativeId)}/tags/${seg(tagNativeId)}`,
      schema: zaiaMessageSchema,
      signal: ctx.signal,
    });
    const ticket = await this.getTicket(nativeId, ctx);
    const at = new Date();
    const activity: ActivityModel = {
      kind: 'TAG_CHANGE',
      id: tagActivityId(nativeId, 'remove', tagNativeId, at.toISOString()),
      provider: 'zaia',
      ticketId: ticket.id,
      author: null,
      createdAt: at,
      added: [],
      removed: [toTag(tagNativeId)],
    };
    return { ticket, activity };
  }
}

function findActivity(ticket: TicketModel, predicate: (activity: ActivityModel) => boolean): ActivityModel | null {
  return ticket.activities?.find(predicate) ?? null;
}

function tagActivityId(ticketNativeId: string, change: 'add' | 'remove', tagId: string, at: string): string {
  return encodeId('Activity', 'zaia', `${ticketNativeId}:TAG_CHANGE:${change}:${tagId}:${at}`);
}
