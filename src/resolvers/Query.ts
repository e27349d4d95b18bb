import { BadUserInputError } from '../errors.js';
import type { QueryResolvers, TicketFilter } from '../generated/resolvers-types.js';
import { decodeId } from '../ids.js';
import { loadFeed, parsePersonMatch, type FeedFilter } from '../loaders/feed.js';
import { membershipById, tagById } from './Membership.js';
import { toPerson } from './Person.js';


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

export const Query: QueryResolvers = {
  providers: (_parent, _args, ctx) =>
    ctx.registry.status().map((status) => ({ ...status, instance: ctx.registry.has(status.key) ? ctx.registry.get(status.key) : undefined })),

  node: async (_parent, { id }, ctx) => {
    const decoded = decodeId(id);
    switch (decoded.type) {
      case 'Ticket':
        return ctx.loaders.ticketById.load(id);
      case 'Membership':
        return membershipById(id, ctx);
      case 'Tag':
        return tagById(id, ctx);
      default:
        // Activities are not Nodes: no provider reads one activity alone; refetch its ticket's timeline.
        throw new BadUserInputError(`node() resolves Ticket, Membership and Tag ids; ${decoded.type} ids are not Node ids`, { argument: 'id' });
    }
  },

  ticket: (_parent, { id }, ctx) => {
    decodeId(id, 'Ticket');
    return ctx.loaders.ticketById.load(id);
  },

  person: (_parent, { email }) => toPerson(email),

  tickets: (_parent, args, ctx, info) =>
    loadFeed(
      { filter: parseFeedFilter(args.filter), first: checkFirst(args.first, ctx.config.maxPageSize), after: args.after },
      {
        providers: ctx.registry.providers,
        loaders: ctx.loaders,
        outcomes: ctx.outcomes,
        path: pathOf(info.path),
      },
    ),
};

export function pathOf(path: { prev: unknown; key: string | number } | undefined): (string | number)[] {
  const out: (string | number)[] = [];
  let current = path as { prev: unknown; key: string | number } | undefined;
  while (current) {
    out.unshift(current.key);
    current = current.prev as typeof current;
  }
  return out;
}
