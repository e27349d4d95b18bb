import { BadUserInputError } from '../errors.js';
import type { TicketResolvers } from '../generated/resolvers-types.js';
import type { ActivityModel } from '../model/activity.js';
import type { ActivityConnectionModel } from '../model/page.js';
import { checkFirst } from './Query.js';

const MAX_ACTIVITIES = 500;

function offsetCursor(index: number): string {
  return Buffer.from(`activity:${index}`, 'utf8').toString('base64url');
}

function decodeOffset(after: string): number {
  const match = /^activity:(\d{1,6})$/.exec(Buffer.from(after, 'base64url').toString('utf8'));
  if (!match) throw new BadUserInputError('Invalid after: not an activity cursor', { argument: 'after' });
  return Number(match[1]);
}

/** Timelines are small and arrive whole from every provider: paging is a slice. */
export function paginateActivities(all: readonly ActivityModel[], first: number, after: string | null | undefined): ActivityConnectionModel {
  const sorted = [...all].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const start = after ? decodeOffset(after) + 1 : 0;
  const slice = sorted.slice(start, start + first);
  const edges = slice.map((node, i) => ({ node, cursor: offsetCursor(start + i) }));
  return {
    edges,
    nodes: slice,
    totalCount: sorted.length,
    pageInfo: {
      hasNextPage: start + first < sorted.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

export const Ticket: TicketResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.ticketById.load(reference.id),
  providerId: (ticket) => ticket.nativeId,
  tags: (ticket, _args, ctx) => ticket.tags ?? ctx.loaders.tagsByTicket.load(ticket),
  activities: async (ticket, { first, after }, ctx) => {
    const count = checkFirst(first, MAX_ACTIVITIES, 50);
    const all = ticket.activities ?? (await ctx.loaders.activitiesByTicket.load(ticket));
    return paginateActivities(all, count, after);
  },
};
