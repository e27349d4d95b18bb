import type { TicketModel } from './ticket.js';

/** One page of one provider source, in that provider's own paging style. */
export interface ProviderPage {
  tickets: TicketModel[];
  /** Opaque position of the next page in the provider's own style; null on the last page. */
  next: string | null;
  /** Total number of tickets matching, where the provider reports one. */
  totalCount: number | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface PageInfoModel {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface TicketConnectionModel {
  edges: Edge<TicketModel>[];
  nodes: TicketModel[];
  pageInfo: PageInfoModel;
  totalCount: number | null;
}

export interface ActivityConnectionModel {
  edges: Edge<import('./activity.js').ActivityModel>[];
  nodes: import('./activity.js').ActivityModel[];
  pageInfo: PageInfoModel;
  totalCount: number;
}
