import type { TicketStatus } from '../model/ticket.js';

/**
 * A provider's status table, and its inverse for list filters. Every provider keeps one
 * table (raw → normalised); an unseen raw value is UNKNOWN and the raw stays in
 * `providerStatus`.
 */
export interface StatusTable<R extends string> {
  map(raw: string | null | undefined): TicketStatus;
  /** The raw values that stand for one normalised status. */
  rawFor(status: TicketStatus): R[];
  /**
   * The raw values covering a status filter, for a list endpoint that filters by one raw
   * status per call; null when the filter cannot be pushed down (no filter, or UNKNOWN,
   * which stands for values nobody can name).
   */
  upstream(statuses: readonly TicketStatus[] | undefined): R[] | null;
}

export function statusTable<R extends string>(table: Readonly<Record<R, TicketStatus>>, options: { exclude?: readonly string[] } = {}): StatusTable<R> {
  const raws = (Object.keys(table) as R[]).filter((raw) => !options.exclude?.includes(raw));
  const rawFor = (status: TicketStatus) => raws.filter((raw) => table[raw] === status);
  return {
    map: (raw) => (raw != null && Object.hasOwn(table, raw) ? table[raw as R] : 'UNKNOWN'),
    rawFor,
    // In table order, whatever the filter's order: the same filter gives the same sources.
    upstream: (statuses) => (!statuses?.length || statuses.includes('UNKNOWN') ? null : raws.filter((raw) => statuses.includes(table[raw]))),
  };
}
