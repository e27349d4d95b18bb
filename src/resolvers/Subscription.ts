import { filter, pipe } from 'graphql-yoga';
import type { Context } from '../context.js';
import { deadlineSignal } from '../upstream/deadline.js';
import type { SubscriptionResolvers } from '../generated/resolvers-types.js';
import type { TicketChangeEvent } from '../live/events.js';
import { matchesFilter } from '../feed/merge.js';
import { createLoaders } from '../loaders/index.js';
import { READ_THROUGH } from '../upstream/provider.js';
import { ProviderOutcomes } from '../outcomes.js';
import { parseFeedFilter } from './arguments.js';

/** The previous event's deadline, released when the next event starts. */
const releases = new WeakMap<object, () => void>();

/**
 * A subscription keeps one context for its whole life, so each event gets fresh loaders
 * (a ticket that changed twice must not be answered from the first event's DataLoader
 * cache) and a deadline of its own for the upstream calls its selection needs. Events of
 * one subscription are executed one after the other, so replacing them here is safe.
 */
function freshRequestState(ctx: Context): void {
  releases.get(ctx)?.();
  const parent = (ctx as Context & { request?: Request }).request?.signal;
  const { signal, release } = deadlineSignal(ctx.config.requestDeadlineMs, parent);
  releases.set(ctx, release);
  ctx.signal = signal;
  ctx.outcomes = new ProviderOutcomes();
  // An event says the ticket just changed: its fields are read through the read cache, never from before the change.
  ctx.loaders = createLoaders({ registry: ctx.registry, outcomes: ctx.outcomes, signal, concurrency: ctx.config.concurrency, cache: READ_THROUGH });
}

export const Subscription: SubscriptionResolvers = {
  ticketChanged: {
    // The filter is parsed before the stream opens, so a bad id is a BAD_USER_INPUT answer, not a stream.
    subscribe: (_parent, args, ctx) => {
      const wanted = parseFeedFilter(args.filter);
      const providers = wanted.providers;
      return pipe(
        ctx.live.subscribe(),
        filter((event: TicketChangeEvent) => (!providers || providers.includes(event.ticket.provider)) && matchesFilter(event.ticket, wanted)),
      );
    },
    resolve: (event: TicketChangeEvent, _args: unknown, ctx: Context) => {
      freshRequestState(ctx);
      return event;
    },
  },
};
