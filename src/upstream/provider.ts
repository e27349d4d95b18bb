import type { Metrics } from '../metrics.js';
import type { ActivityModel } from '../model/activity.js';
import type { ProviderPage } from '../model/page.js';
import type { TicketFilterFields } from '../model/filter.js';
import type { ProviderKey } from '../model/provider.js';
import type { TagModel } from '../model/tag.js';
import type { TicketModel, TicketPriority, TicketStatus } from '../model/ticket.js';
import type { HttpSettings } from './http.js';
import type { BadPayloadListener } from './parse.js';

/** What every provider client receives besides its own settings. */
export interface ProviderDeps {
  http: HttpSettings;
  metrics?: Metrics | undefined;
  onBadPayload?: BadPayloadListener | undefined;
}

export interface CallContext {
  /** Aborts with the client request or the operation's deadline. */
  signal?: AbortSignal | undefined;
  /** The request's dealings with the read cache (src/upstream/cache.ts). */
  cache?: CacheHints | undefined;
}

export interface CacheHints {
  /** The client sent `Cache-Control: no-cache`: read from the provider (and refresh the cache). */
  readThrough: boolean;
  /** Each cached read says whether it was answered from cache, and how old the answer was. */
  report(provider: ProviderKey, hit: boolean, ageMs: number): void;
}

/**
 * Reads that look for changes (webhook read-backs, polling) must see the provider's present
 * state, not a cached answer from before the change: they read through, which also refreshes
 * the cache for everyone else.
 */
export const READ_THROUGH: CacheHints = { readThrough: true, report: () => {} };

/**
 * The feed filter as the provider sees it. A provider pushes down what its API can
 * filter on and ignores the rest: the feed applies the whole filter again after fetching.
 */
export interface ProviderFilter extends TicketFilterFields {
  /** Native ids of assignees (decoded from Membership ids of this provider). */
  assigneeNativeIds?: string[] | undefined;
  assigneeEmails?: string[] | undefined;
  requesterNativeIds?: string[] | undefined;
  requesterEmails?: string[] | undefined;
}

export interface ListTicketsQuery {
  /**
   * One of `listSources(filter)`: the provider's list needs a scope per call
   * (Spacebring location, Moov account, Zaia status). '' where one stream covers all.
   */
  source: string;
  /** Position from the previous page's `next`; null for the first page. */
  cursor: string | null;
  /** Page size wanted (the provider clamps it to its own maximum). */
  limit: number;
  filter: ProviderFilter;
}

/** Which filters a provider applies upstream (the schema's descriptions say the same). */
export interface FilterPushdown {
  statuses: boolean;
  assignee: boolean;
  requester: boolean;
  search: boolean;
  dates: boolean;
}

export interface CreateTicketInput {
  title: string;
  description: string;
  type?: string | null | undefined;
  priority?: TicketPriority | null | undefined;
  requesterEmail?: string | null | undefined;
  requesterName?: string | null | undefined;
  /** Native id of the requester where the provider takes one (Spacebring userRefRequester). */
  requesterNativeId?: string | null | undefined;
  /** Provider scope: Spacebring locationRef, Moov accountID. Defaults to the first configured. */
  scope?: string | null | undefined;
  /** HostUp departmentSlug (v2) or dept_id (v1). */
  department?: string | null | undefined;
  /** Zaia: the chat the ticket opens on, the ticketing team and the assignee. */
  chatId?: string | null | undefined;
  teamId?: string | null | undefined;
  assigneeNativeId?: string | null | undefined;
}

export interface CommentInput {
  body: string;
  internal: boolean;
}

export interface WriteResult {
  ticket: TicketModel;
  /** The activity the write created, where the provider returns or records one. */
  activity?: ActivityModel | null | undefined;
}

/**
 * One ticket system. Reads are required; each write is optional, and whether a provider
 * implements it is its capability (capabilities.ts derives the matrix from this).
 */
export interface TicketProvider {
  readonly key: ProviderKey;
  /** Largest page the list endpoint returns; also the loaders' maxBatchSize. */
  readonly maxPageSize: number;
  readonly pushdown: FilterPushdown;
  /**
   * Where the timeline comes from: 'detail' (embedded in getTicket), 'separate'
   * (its own call: listActivities), or 'ticket' (derived from the ticket row itself).
   */
  readonly timeline: 'detail' | 'separate' | 'ticket';
  /** True where ticket payloads carry the ticket's tags (HostUp v1); see also listTags. */
  readonly readsTags?: boolean;
  /**
   * False where the API, as configured, has no list (HostUp v1): LIST_TICKETS is then not a
   * capability, and a feed reports the provider as UNSUPPORTED rather than leaving it out.
   * @default true
   */
  readonly lists?: boolean;
  /** The API generation or version the client speaks, where there is a choice (`providers { apiVersion }`). */
  readonly apiVersion?: string;
  /** Why this configuration, and what it cannot do (`providers { notes }`). */
  readonly notes?: string;

  getTicket(nativeId: string, ctx: CallContext): Promise<TicketModel>;
  listSources(filter: ProviderFilter): string[];
  listTickets(query: ListTicketsQuery, ctx: CallContext): Promise<ProviderPage>;
  /** Only where `timeline === 'separate'`. */
  listActivities?(ticket: TicketModel, ctx: CallContext): Promise<ActivityModel[]>;
  /** Only where tags are a separate read. */
  listTags?(ticket: TicketModel, ctx: CallContext): Promise<TagModel[]>;

  createTicket?(input: CreateTicketInput, ctx: CallContext): Promise<WriteResult>;
  addComment?(nativeId: string, input: CommentInput, ctx: CallContext): Promise<WriteResult>;
  closeTicket?(nativeId: string, ctx: CallContext): Promise<WriteResult>;
  reopenTicket?(nativeId: string, ctx: CallContext): Promise<WriteResult>;
  /** `status` is the normalised target; the provider maps it to its own value or refuses it. */
  setTicketStatus?(nativeId: string, status: TicketStatus, ctx: CallContext): Promise<WriteResult>;
  /** `assigneeNativeId` null unassigns where the provider allows it. */
  assignTicket?(nativeId: string, assigneeNativeId: string | null, ctx: CallContext): Promise<WriteResult>;
  takeOverTicket?(nativeId: string, assigneeNativeId: string, ctx: CallContext): Promise<WriteResult>;
  addTicketTag?(nativeId: string, tagNativeId: string, ctx: CallContext): Promise<WriteResult>;
  removeTicketTag?(nativeId: string, tagNativeId: string, ctx: CallContext): Promise<WriteResult>;
}

export const WRITE_OPERATIONS = [
  'createTicket',
  'addComment',
  'closeTicket',
  'reopenTicket',
  'setTicketStatus',
  'assignTicket',
  'takeOverTicket',
  'addTicketTag',
  'removeTicketTag',
] as const;
export type WriteOperation = (typeof WRITE_OPERATIONS)[number];

export const READ_OPERATIONS = ['getTicket', 'listTickets', 'listActivities', 'listTags'] as const;
export type ReadOperation = (typeof READ_OPERATIONS)[number];

/** Wraps one call of a provider; `call` runs the provider's own method with the given arguments. */
export type Interceptor = (operation: ReadOperation | WriteOperation, args: unknown[], call: (args: unknown[]) => Promise<unknown>) => Promise<unknown>;

/**
 * The provider with every read and write going through `around` (breaker, coalescing).
 * Methods the provider lacks stay absent, so the capability matrix (derived from method
 * presence) is unchanged.
 */
export function intercept(provider: TicketProvider, around: Interceptor): TicketProvider {
  const wrapped: Omit<TicketProvider, 'getTicket' | 'listTickets'> = {
    key: provider.key,
    maxPageSize: provider.maxPageSize,
    pushdown: provider.pushdown,
    timeline: provider.timeline,
    readsTags: provider.readsTags,
    lists: provider.lists,
    apiVersion: provider.apiVersion,
    notes: provider.notes,
    listSources: (filter) => provider.listSources(filter),
  };
  const target = wrapped as Record<string, unknown>;
  const source = provider as unknown as Record<string, unknown>;
  for (const operation of [...READ_OPERATIONS, ...WRITE_OPERATIONS]) {
    const method = source[operation];
    if (typeof method !== 'function') continue;
    const own = (args: unknown[]) => (method as (...a: unknown[]) => Promise<unknown>).apply(provider, args);
    target[operation] = (...args: unknown[]) => around(operation, args, own);
  }
  // Every provider has both reads (they are required), so the loop above set them.
  return wrapped as TicketProvider;
}
