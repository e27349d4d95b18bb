import type { z } from 'zod';
import type { ProviderPage, PageRow } from '../model/page.js';
import type { TicketModel } from '../model/ticket.js';
import type { ProviderHttp } from './http.js';

export type { PageRow } from '../model/page.js';

/** A row whose ticket is already mapped (writes, caches, fakes). */
export function readyRow(ticket: TicketModel): PageRow {
  return { updatedAt: ticket.updatedAt.getTime(), id: ticket.id, ticket: () => ticket };
}

/** Every row of the page validated and mapped: for readers that use them all (polling, caches, tests). */
export function pageTickets(page: Pick<ProviderPage, 'rows'>): TicketModel[] {
  return page.rows.map((row) => row.ticket());
}

/** How one provider reads the rows of its list pages. */
export interface RowReader<K extends z.ZodType, S extends z.ZodType> {
  /** Only the fields the feed order is made of (the id and what updatedAt is derived from). */
  keySchema: K;
  /** The feed key from those fields: the same functions the mapper uses, so the two agree. */
  key(fields: z.output<K>, index: number): { id: string; updatedAt: Date };
  /** The whole row, as the mapper reads it. */
  rowSchema: S;
  toTicket(row: z.output<S>, raw: unknown, index: number): TicketModel;
}

/**
 * The rows of one list page. A feed reads up to ten pages of up to 100 rows to merge the
 * top N, and most rows never reach its page: each row's merge key is validated at once
 * (a row without a valid id or time fails the whole page, as a broken page always did),
 * and the rest of the row is validated and mapped only when the row is used, at most once.
 * A row that breaks its schema then throws UPSTREAM_BAD_RESPONSE with its path
 * (`items.3.title`), through the client's one parse point.
 */
export function readRows<K extends z.ZodType, S extends z.ZodType>(
  http: Pick<ProviderHttp, 'parse'>,
  operation: string,
  /** Where the rows sit in the body, for error paths: `items`, `data`, or '' for a bare array. */
  at: string,
  rawRows: readonly unknown[],
  reader: RowReader<K, S>,
): PageRow[] {
  const rows: PageRow[] = new Array<PageRow>(rawRows.length);
  for (let index = 0; index < rawRows.length; index++) {
    const raw = rawRows[index];
    const path = at === '' ? [index] : [at, index];
    const key = reader.key(http.parse(operation, reader.keySchema, raw, path), index);
    let ticket: TicketModel | undefined;
    rows[index] = {
      updatedAt: key.updatedAt.getTime(),
      id: key.id,
      ticket: () => (ticket ??= reader.toTicket(http.parse(operation, reader.rowSchema, raw, path), raw, index)),
    };
  }
  return rows;
}
