import type DataLoader from 'dataloader';
import type { ListTicketsQuery, TicketProvider } from '../upstream/provider.js';
import type { ProviderPage } from '../model/page.js';
import type { ActivityModel } from '../model/activity.js';
import type { TagModel } from '../model/tag.js';
import type { TicketModel } from '../model/ticket.js';
import { createTicketByIdLoader, createTicketDetailLoader, type LoaderDeps } from './ticket-by-id.js';
import { createActivitiesLoader, createTagsLoader } from './timeline.js';

export type { LoaderDeps } from './ticket-by-id.js';

/** Created per GraphQL request (a process-wide loader would neither batch per operation nor be safe across users). */
export interface Loaders {
  /** Any known state of the ticket: primed by list calls and writes. */
  ticketById: DataLoader<string, TicketModel>;
  /** The provider's single read, with whatever it embeds (timeline, tags). */
  ticketDetailById: DataLoader<string, TicketModel>;
  activitiesByTicket: DataLoader<TicketModel, ActivityModel[], string>;
  tagsByTicket: DataLoader<TicketModel, TagModel[], string>;
  /**
   * One provider list page, read once per request: several feeds in one operation (a
   * gateway's `_entities` for many Persons) whose upstream calls are the same share them.
   */
  listPage(provider: TicketProvider, query: ListTicketsQuery): Promise<ProviderPage>;
}

/**
 * The part of a list query that reaches the provider: filters it cannot push down are
 * ignored upstream, so two feeds differing only in those ask the same page.
 */
function pageKey(provider: TicketProvider, query: ListTicketsQuery): string {
  const { filter } = query;
  const { pushdown } = provider;
  return JSON.stringify([
    provider.key,
    query.source,
    query.cursor,
    query.limit,
    pushdown.statuses ? filter.statuses : null,
    pushdown.assignee ? [filter.assigneeNativeIds, filter.assigneeEmails] : null,
    pushdown.requester ? [filter.requesterNativeIds, filter.requesterEmails] : null,
    pushdown.search ? filter.search : null,
    pushdown.dates ? [filter.createdAfter, filter.createdBefore, filter.updatedAfter, filter.updatedBefore] : null,
  ]);
}

/**
 * Each loader is made on first use: an operation that reads one ticket builds the two
 * by-id loaders and nothing else, one that reads no ticket (`providers`, `_service`) none.
 * A class, so the getters live on its prototype: yoga copies the context's own properties
 * (which would call getters placed there) and an object literal with getters is slower to
 * build than the four loaders it defers.
 */
class RequestLoaders implements Loaders {
  #ticketDetailById: DataLoader<string, TicketModel> | undefined;
  #ticketById: DataLoader<string, TicketModel> | undefined;
  #activitiesByTicket: DataLoader<TicketModel, ActivityModel[], string> | undefined;
  #tagsByTicket: DataLoader<TicketModel, TagModel[], string> | undefined;
  #pages: Map<string, Promise<ProviderPage>> | undefined;

  constructor(private readonly deps: LoaderDeps) {}

  get ticketDetailById(): DataLoader<string, TicketModel> {
    return (this.#ticketDetailById ??= createTicketDetailLoader(this.deps));
  }

  get ticketById(): DataLoader<string, TicketModel> {
    return (this.#ticketById ??= createTicketByIdLoader(this.ticketDetailById));
  }

  get activitiesByTicket(): DataLoader<TicketModel, ActivityModel[], string> {
    return (this.#activitiesByTicket ??= createActivitiesLoader(this.deps, this.ticketDetailById));
  }

  get tagsByTicket(): DataLoader<TicketModel, TagModel[], string> {
    return (this.#tagsByTicket ??= createTagsLoader(this.deps, this.ticketDetailById));
  }

  listPage(provider: TicketProvider, query: ListTicketsQuery): Promise<ProviderPage> {
    const pages = (this.#pages ??= new Map());
    const key = pageKey(provider, query);
    let page = pages.get(key);
    if (!page) {
      page = provider.listTickets(query, { signal: this.deps.signal, cache: this.deps.cache });
      // A failed page is not kept: a later feed in the same request may try again.
      page.catch(() => pages.delete(key));
      pages.set(key, page);
    }
    return page;
  }
}

export function createLoaders(deps: LoaderDeps): Loaders {
  return new RequestLoaders(deps);
}

/** After a write: every loader sees the fresh ticket, in this request and (no cache) the next. */
export function primeTicket(loaders: Loaders, ticket: TicketModel): void {
  loaders.ticketById.clear(ticket.id).prime(ticket.id, ticket);
  loaders.ticketDetailById.clear(ticket.id);
  if (ticket.activities) loaders.ticketDetailById.prime(ticket.id, ticket);
  loaders.activitiesByTicket.clear(ticket);
  loaders.tagsByTicket.clear(ticket);
}
