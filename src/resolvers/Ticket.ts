import { BadUserInputError } from '../errors.js';
import type { TicketResolvers } from '../generated/resolvers-types.js';
import type { Context } from '../context.js';
import type { ActivityModel } from '../model/activity.js';
import type { TicketModel } from '../model/ticket.js';
import type { ActivityConnectionModel } from '../model/page.js';
import { checkFirst } from './arguments.js';

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

/**
 * A list summary of a provider whose single read carries more (HostUp v2 and Sonzai lists
 * leave out the body and close time): such fields come from the detail read when asked,
 * through the same per-request loader as the timeline, so they cost at most one call per
 * ticket, shared.
 */
function fromDetail<K extends 'description' | 'closedAt'>(field: K) {
  return (ticket: TicketModel, _args: unknown, ctx: Context): TicketModel[K] | Promise<TicketModel[K]> => {
    const value = ticket[field];
    if (value !== null || ticket.activities !== undefined) return value;
    if (field === 'closedAt' && ticket.status !== 'CLOSED' && ticket.status !== 'RESOLVED') return value;
    if (ctx.registry.get(ticket.provider).timeline !== 'detail') return value;
    return ctx.loaders.ticketDetailById.load(ticket.id).then((detail) => detail[field]);
  };
}

export const Ticket: TicketResolvers = {
  description: fromDetail('description'),
  closedAt: fromDetail('closedAt'),
  __resolveReference: (reference, ctx) => ctx.loaders.ticketById.load(reference.id),
  providerId: (ticket) => ticket.nativeId,
  tags: (ticket, _args, ctx) => ticket.tags ?? ctx.loaders.tagsByTicket.load(ticket),
  activities: async (ticket, { first, after }, ctx) => {
    const count = checkFirst(first, MAX_ACTIVITIES, 50);
    const all = ticket.activities ?? (await ctx.loaders.activitiesByTicket.load(ticket));
    return paginateActivities(all, count, after);
  },
};
