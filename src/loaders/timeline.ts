import DataLoader from 'dataloader';
import { mapBounded } from '../upstream/limit.js';
import type { ActivityModel } from '../model/activity.js';
import type { TagModel } from '../model/tag.js';
import type { TicketModel } from '../model/ticket.js';
import { batchSpan } from '../request-context.js';
import type { LoaderDeps } from './ticket-by-id.js';

/**
 * A ticket's activities, for tickets whose payload did not carry them (list summaries).
 * Providers that embed the timeline in the single read go through the detail loader
 * (one call per ticket, shared with any other field that needs the detail); providers
 * with a separate timeline call make that call; row-derived timelines cost nothing.
 */
export function createActivitiesLoader(deps: LoaderDeps, detail: DataLoader<string, TicketModel>): DataLoader<TicketModel, ActivityModel[], string> {
  return new DataLoader<TicketModel, ActivityModel[], string>(
    batchSpan('activitiesByTicket', async (tickets) => {
      const results = new Array<ActivityModel[] | Error>(tickets.length);
      const separate = new Map<string, { index: number; ticket: TicketModel }[]>();
      await Promise.all(
        tickets.map(async (ticket, index) => {
          if (ticket.activities) {
            results[index] = ticket.activities;
            return;
          }
          const provider = deps.registry.get(ticket.provider);
          if (provider.timeline === 'separate' && provider.listActivities) {
            const group = separate.get(ticket.provider) ?? [];
            group.push({ index, ticket });
            separate.set(ticket.provider, group);
            return;
          }
          if (provider.timeline === 'detail') {
            results[index] = await detail.load(ticket.id).then(
              (full) => full.activities ?? [],
              (error: Error) => error,
            );
            return;
          }
          results[index] = [];
        }),
      );
      await Promise.all(
        [...separate].map(async ([key, group]) => {
          const provider = deps.registry.get(group[0]!.ticket.provider);
          const lists = await mapBounded(group, deps.concurrency, ({ ticket }) => provider.listActivities!(ticket, { signal: deps.signal, cache: deps.cache }));
          lists.forEach((list, i) => {
            results[group[i]!.index] = list;
            if (list instanceof Error) deps.outcomes.failed(group[i]!.ticket.provider, list);
            else deps.outcomes.ok(group[i]!.ticket.provider);
          });
          void key;
        }),
      );
      return results;
    }),
    { cacheKeyFn: (ticket) => ticket.id, maxBatchSize: 100 },
  );
}

/** A ticket's tags, where the payload did not carry them. */
export function createTagsLoader(deps: LoaderDeps, detail: DataLoader<string, TicketModel>): DataLoader<TicketModel, TagModel[], string> {
  return new DataLoader<TicketModel, TagModel[], string>(
    batchSpan('tagsByTicket', async (tickets) =>
      mapBounded(tickets, deps.concurrency, async (ticket) => {
        if (ticket.tags) return ticket.tags;
        const provider = deps.registry.get(ticket.provider);
        if (provider.listTags) return provider.listTags(ticket, { signal: deps.signal, cache: deps.cache });
        if (provider.timeline === 'detail') return (await detail.load(ticket.id)).tags ?? [];
        return [];
      }),
    ),
    { cacheKeyFn: (ticket) => ticket.id, maxBatchSize: 100 },
  );
}
