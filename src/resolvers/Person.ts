import { BadUserInputError } from '../errors.js';
import type { MembershipResolvers, PersonResolvers } from '../generated/resolvers-types.js';
import { loadFeed } from '../feed/merge.js';
import { cursorKeyFor } from '../feed/cursor.js';
import { isEmail, normaliseEmail } from '../model/membership.js';
import { checkFirst, parseFeedFilter, pathOf } from './arguments.js';

export function toPerson(email: string): { email: string } {
  const normalised = normaliseEmail(email);
  if (!isEmail(normalised) || normalised.length > 320) {
    throw new BadUserInputError('email is not an email address', { argument: 'email' });
  }
  return { email: normalised };
}

export const Person: PersonResolvers = {
  __resolveReference: (reference) => toPerson(reference.email),
  tickets: (person, args, ctx, info) => {
    const filter = parseFeedFilter(args.filter);
    const match = { ids: new Map(), emails: new Set([person.email]) };
    return loadFeed(
      {
        filter: args.role === 'ASSIGNEE' ? { ...filter, assignee: match } : { ...filter, requester: match },
        first: checkFirst(args.first, ctx.config.maxPageSize),
        after: args.after,
      },
      { providers: ctx.registry.providers, loaders: ctx.loaders, outcomes: ctx.outcomes, path: pathOf(info.path), cursorKey: cursorKeyFor(ctx.config) },
    );
  },
};

export const MembershipPerson: Pick<MembershipResolvers, 'person'> = {
  person: (membership) => (membership.email && isEmail(membership.email) ? toPerson(membership.email) : null),
};
