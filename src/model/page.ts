import type { TicketModel } from './ticket.js';

/**
 * One row of a provider's list page: the feed's sort key, read and checked when the page
 * arrives, and the ticket, validated and mapped only when asked for (src/upstream/rows.ts).
 */
export interface PageRow {
  /** `updatedAt` in ms since the epoch, as the mapped ticket will have it. */
  readonly updatedAt: number;
  /** Global id, as the mapped ticket will have it. */
  readonly id: string;
  /** Validated and mapped on first call; throws UPSTREAM_BAD_RESPONSE for a row that breaks its schema. */
  ticket(): TicketModel;
}

/** One page of one provider source, in that provider's own paging style. */
export interface ProviderPage {
  rows: PageRow[];
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
