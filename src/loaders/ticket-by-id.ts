import DataLoader from 'dataloader';
import { mapBounded } from '../upstream/limit.js';
import type { Registry } from '../providers/registry.js';
import type { CacheHints } from '../upstream/provider.js';
import { isUpstreamError } from '../upstream/errors.js';
import { decodeId } from '../ids.js';
import type { ProviderKey } from '../model/provider.js';
import type { TicketModel } from '../model/ticket.js';
import type { ProviderOutcomes } from '../outcomes.js';
import { batchSpan } from '../request-context.js';

export interface LoaderDeps {
  registry: Registry;
  outcomes: ProviderOutcomes;
  signal: AbortSignal;
  /** The request's cache hints, passed with every provider read. */
  cache?: CacheHints | undefined;
  /** Upstream calls in flight per provider. */
  concurrency: number;
}

/**
 * Ticket ids by provider, each with its position in `ids` so results go back in key order.
 * Throws BAD_USER_INPUT on the first malformed id (the loader then decodes key by key).
 */
export function groupByProvider(ids: readonly string[]): Map<ProviderKey, { index: number; nativeId: string }[]> {
  const groups = new Map<ProviderKey, { index: number; nativeId: string }[]>();
  ids.forEach((id, index) => {
    const { provider, nativeId } = decodeId(id, 'Ticket');
    const group = groups.get(provider) ?? [];
    group.push({ index, nativeId });
    groups.set(provider, group);
  });
  return groups;
}

/**
 * Groups keys by provider and reads each provider's share with bounded concurrency:
 * none of the five APIs can fetch several tickets by id in one call (no ids filter on
 * any list endpoint), so N distinct tickets cost N single reads, never more.
 * Returns values in key order, an Error in place of each key that failed.
 */
export function createTicketDetailLoader(deps: LoaderDeps): DataLoader<string, TicketModel> {
  const loader: DataLoader<string, TicketModel> = new DataLoader<string, TicketModel>(
    batchSpan('ticketDetailById', async (ids) => {
      const results = new Array<TicketModel | Error>(ids.length);
      let groups: Map<ProviderKey, { index: number; nativeId: string }[]>;
      try {
        groups = groupByProvider(ids);
      } catch {
        // A malformed id fails itself only: decode each key on its own.
        groups = new Map();
        ids.forEach((id, index) => {
          try {
            const { provider, nativeId } = decodeId(id, 'Ticket');
            const group = groups.get(provider) ?? [];
            group.push({ index, nativeId });
            groups.set(provider, group);
          } catch (error) {
            results[index] = error as Error;
          }
        });
      }
      await Promise.all(
        [...groups].map(async ([key, group]) => {
          let provider;
          try {
            provider = deps.registry.get(key);
          } catch (error) {
            for (const { index } of group) results[index] = error as Error;
            return;
          }
          const tickets = await mapBounded(group, deps.concurrency, ({ nativeId }) => provider.getTicket(nativeId, { signal: deps.signal, cache: deps.cache }));
          tickets.forEach((ticket, i) => {
            const { index } = group[i] as { index: number };
            results[index] = ticket;
            if (ticket instanceof Error) {
              deps.outcomes.failed(key, ticket);
              // A transient failure must not stick in this request's cache: a later load retries.
              if (isUpstreamError(ticket) && ticket.transient) queueMicrotask(() => loader.clear(ids[index] as string));
            } else deps.outcomes.ok(key);
          });
        }),
      );
      return results;
    }),
    { maxBatchSize: 100 },
  );
  return loader;
}

/**
 * By id, accepting the summaries a list call primed: `ticket(id)` after `tickets` costs
 * nothing. Misses go to the detail loader, so the two never read the same ticket twice.
 */
export function createTicketByIdLoader(detail: DataLoader<string, TicketModel>): DataLoader<string, TicketModel> {
  return new DataLoader<string, TicketModel>((ids) => Promise.all(ids.map((id) => detail.load(id).catch((error: Error) => error))), {
    batch: false,
  });
}
