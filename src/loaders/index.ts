import type DataLoader from 'dataloader';
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
}

export function createLoaders(deps: LoaderDeps): Loaders {
  const ticketDetailById = createTicketDetailLoader(deps);
  return {
    ticketDetailById,
    ticketById: createTicketByIdLoader(ticketDetailById),
    activitiesByTicket: createActivitiesLoader(deps, ticketDetailById),
    tagsByTicket: createTagsLoader(deps, ticketDetailById),
  };
}

/** After a write: every loader sees the fresh ticket, in this request and (no cache) the next. */
export function primeTicket(loaders: Loaders, ticket: TicketModel): void {
  loaders.ticketById.clear(ticket.id).prime(ticket.id, ticket);
  loaders.ticketDetailById.clear(ticket.id);
  if (ticket.activities) loaders.ticketDetailById.prime(ticket.id, ticket);
  loaders.activitiesByTicket.clear(ticket);
  loaders.tagsByTicket.clear(ticket);
}
