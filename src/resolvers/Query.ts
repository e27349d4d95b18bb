import { BadUserInputError } from '../errors.js';
import type { QueryResolvers } from '../generated/resolvers-types.js';
import { decodeId } from '../ids.js';
import { loadFeed } from '../feed/merge.js';
import { cursorKeyFor } from '../feed/cursor.js';
import { checkFirst, parseFeedFilter, pathOf } from './arguments.js';
import { membershipById, tagById } from './Membership.js';
import { toPerson } from './Person.js';

export const Query: QueryResolvers = {
  providers: (_parent, _args, ctx) => ctx.registry.status().map((status) => ({ ...status, instance: ctx.registry.has(status.key) ? ctx.registry.get(status.key) : undefined })),

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
        cursorKey: cursorKeyFor(ctx.config),
      },
    ),
};
