import { BadUserInputError } from '../errors.js';
import { parsePersonMatch, type FeedFilter } from '../feed/merge.js';
import type { TicketFilter } from '../generated/resolvers-types.js';

/*
 * Argument checks shared by the Query and Person resolvers; their own file so that neither
 * resolver imports the other's module for them (that was the Query ⇄ Person import cycle).
 */

export function parseFeedFilter(filter: TicketFilter | null | undefined): FeedFilter {
  if (!filter) return {};
  const search = filter.search?.trim();
  if (search !== undefined && search.length > 200) throw new BadUserInputError('filter.search is longer than 200 characters', { argument: 'filter.search' });
  for (const list of [filter.assignee, filter.requester]) {
    if (list && list.length > 100) throw new BadUserInputError('A person filter takes at most 100 values', { argument: 'filter' });
  }
  return {
    providers: filter.providers ?? undefined,
    statuses: filter.statuses ?? undefined,
    assignee: filter.assignee ? parsePersonMatch(filter.assignee, 'filter.assignee') : undefined,
    requester: filter.requester ? parsePersonMatch(filter.requester, 'filter.requester') : undefined,
    search: search || undefined,
    createdAfter: filter.createdAfter ?? undefined,
    createdBefore: filter.createdBefore ?? undefined,
    updatedAfter: filter.updatedAfter ?? undefined,
    updatedBefore: filter.updatedBefore ?? undefined,
  };
}

export function checkFirst(first: number | null | undefined, max: number, fallback = 20): number {
  const value = first ?? fallback;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new BadUserInputError(`first must be between 0 and ${max}`, { argument: 'first', max });
  }
  return value;
}

export function pathOf(path: { prev: unknown; key: string | number } | undefined): (string | number)[] {
  const out: (string | number)[] = [];
  let current = path as { prev: unknown; key: string | number } | undefined;
  while (current) {
    out.unshift(current.key);
    current = current.prev as typeof current;
  }
  return out;
}
