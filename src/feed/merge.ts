import type { ProviderFilter, TicketProvider } from '../upstream/provider.js';
import { isUpstreamError, UpstreamError } from '../upstream/errors.js';
import { BadUserInputError } from '../errors.js';
import { decodeId } from '../ids.js';
import type { TicketFilterFields } from '../model/filter.js';
import { normaliseEmail } from '../model/membership.js';
import type { Edge, PageRow, TicketConnectionModel } from '../model/page.js';
import type { ProviderKey } from '../model/provider.js';
import type { TicketModel } from '../model/ticket.js';
import type { ProviderOutcomes } from '../outcomes.js';
import type { Loaders } from '../loaders/index.js';
import { hashFilter, openCursor, sealCursor, type CompactMemo, type SourcePosition } from './cursor.js';

/** The feed filter after argument parsing: ids decoded, emails lower-cased. */
export interface FeedFilter extends TicketFilterFields {
  providers?: ProviderKey[] | undefined;
  assignee?: PersonMatch | undefined;
  requester?: PersonMatch | undefined;
}

/** Membership ids (per provider) and emails; a ticket matches either. */
export interface PersonMatch {
  ids: Map<ProviderKey, Set<string>>;
  emails: Set<string>;
}

export function parsePersonMatch(values: readonly string[], argument: string): PersonMatch {
  const match: PersonMatch = { ids: new Map(), emails: new Set() };
  for (const value of values) {
    if (value.includes('@')) match.emails.add(normaliseEmail(value));
    else {
      const { provider, nativeId } = decodeId(value, 'Membership', argument);
      const set = match.ids.get(provider) ?? new Set<string>();
      set.add(nativeId);
      match.ids.set(provider, set);
    }
  }
  return match;
}

function personMatches(match: PersonMatch, person: TicketModel['assignee']): boolean {
  if (!person) return false;
  if (person.email && match.emails.has(normaliseEmail(person.email))) return true;
  return match.ids.get(person.provider)?.has(person.nativeId) ?? false;
}

/** Whether the person filter can match anything at this provider. */
function personPossible(match: PersonMatch | undefined, provider: ProviderKey): boolean {
  return !match || match.emails.size > 0 || match.ids.has(provider);
}

export function matchesFilter(ticket: TicketModel, filter: FeedFilter): boolean {
  if (filter.statuses && !filter.statuses.includes(ticket.status)) return false;
  if (filter.assignee && !personMatches(filter.assignee, ticket.assignee)) return false;
  if (filter.requester && !personMatches(filter.requester, ticket.requester)) return false;
  if (filter.search) {
    const needle = filter.search.toLowerCase();
    const haystack = `${ticket.title ?? ''}\n${ticket.description ?? ''}`.toLowerCase();
    if (!haystack.includes(needle)) return false;
  }
  const created = ticket.createdAt.getTime();
  const updated = ticket.updatedAt.getTime();
  if (filter.createdAfter && created <= filter.createdAfter.getTime()) return false;
  if (filter.createdBefore && created >= filter.createdBefore.getTime()) return false;
  if (filter.updatedAfter && updated <= filter.updatedAfter.getTime()) return false;
  if (filter.updatedBefore && updated >= filter.updatedBefore.getTime()) return false;
  return true;
}

function providerFilter(filter: FeedFilter, key: ProviderKey): ProviderFilter {
  return {
    statuses: filter.statuses,
    assigneeNativeIds: filter.assignee ? [...(filter.assignee.ids.get(key) ?? [])] : undefined,
    assigneeEmails: filter.assignee ? [...filter.assignee.emails] : undefined,
    requesterNativeIds: filter.requester ? [...(filter.requester.ids.get(key) ?? [])] : undefined,
    requesterEmails: filter.requester ? [...filter.requester.emails] : undefined,
    search: filter.search,
    createdAfter: filter.createdAfter,
    createdBefore: filter.createdBefore,
    updatedAfter: filter.updatedAfter,
    updatedBefore: filter.updatedBefore,
  };
}

/** Sort key of the feed: updatedAt, then global id, both descending. */
type Key = readonly [number, string];
/** > 0 when a comes first in the feed; rows carry their key (rows.ts), so no tuple is built per comparison. */
function compareRows(a: PageRow, b: PageRow): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt - b.updatedAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
/** Whether the row comes after the cursor's key in the feed. */
const isAfter = (row: PageRow, key: Key): boolean => row.updatedAt < key[0] || (row.updatedAt === key[0] && row.id < key[1]);

/** Whether the filter needs the mapped ticket (anything besides the provider list). */
function filtersTickets(filter: FeedFilter): boolean {
  return Boolean(filter.statuses || filter.assignee || filter.requester || filter.search || filter.createdAfter || filter.createdBefore || filter.updatedAfter || filter.updatedBefore);
}

/**
 * The cursor (sealed in cursor.ts): the key of the last ticket returned, and for each
 * provider source, by its place in the feed's source list, the position of the upstream
 * page that holds its next unreturned ticket, in that provider's own paging style (cursor
 * token, page number, offset). `false` marks a source walked to its end. Items at or above
 * the last key are skipped on re-reading a page, which keeps offset-paged providers free of
 * duplicates when tickets are created during a walk.
 */
export function filterHash(filter: FeedFilter): Buffer {
  const json = JSON.stringify(filter, (_key, value: unknown) => {
    if (value instanceof Map) return [...value].map(([k, v]) => [k, [...(v as Set<string>)].sort()]).sort();
    if (value instanceof Set) return [...(value as Set<string>)].sort();
    return value;
  });
  return hashFilter(json);
}

interface SourceState {
  provider: TicketProvider;
  /** Place in the feed's source list. */
  index: number;
  source: string;
  /** Position of the page in `buffer` (null: first page). */
  position: string | null;
  next: string | null;
  /** Rows of the page at `position` not yet returned, feed order. */
  buffer: PageRow[];
  done: boolean;
  failed: boolean;
  fetches: number;
  total: number | null;
}

export interface FeedArgs {
  filter: FeedFilter;
  first: number;
  after: string | null | undefined;
}

export interface FeedDeps {
  providers: readonly TicketProvider[];
  loaders: Loaders;
  outcomes: ProviderOutcomes;
  path: readonly (string | number)[];
  /** Seals and opens cursors (cursorKeyFor in cursor.ts). */
  cursorKey: Buffer;
}

/** Upper bound of upstream pages per source in one request, for filters pushed down nowhere. */
const MAX_FETCHES_PER_SOURCE = 10;

export async function loadFeed(args: FeedArgs, deps: FeedDeps): Promise<TicketConnectionModel> {
  const { filter, first } = args;
  const hash = filterHash(filter);
  const cursor = args.after ? openCursor(args.after, deps.cursorKey) : null;
  if (cursor && !cursor.filter.equals(hash)) {
    throw new BadUserInputError('Invalid after: the cursor belongs to a feed with another filter', { argument: 'after' });
  }
  const lastKey: Key | null = cursor?.key ?? null;

  /** Every source of the feed in a fixed order; the cursor holds positions by index in it. */
  const listed: { provider: TicketProvider; source: string }[] = [];
  for (const provider of deps.providers) {
    if (filter.providers && !filter.providers.includes(provider.key)) continue;
    if (!personPossible(filter.assignee, provider.key) || !personPossible(filter.requester, provider.key)) continue;
    // A provider that cannot list (HostUp v1) is named in extensions.providers, not dropped in silence.
    if (provider.lists === false) {
      deps.outcomes.unsupported(provider.key);
      continue;
    }
    for (const source of provider.listSources(providerFilter(filter, provider.key))) listed.push({ provider, source });
  }
  // Same filter, other source list: the configuration changed (accounts, locations) since the cursor was issued.
  if (cursor && cursor.positions.length !== listed.length) {
    throw new BadUserInputError('Invalid after: the cursor was issued for another provider configuration', { argument: 'after' });
  }
  const sources: SourceState[] = [];
  listed.forEach(({ provider, source }, index) => {
    const position = cursor ? cursor.positions[index] : null;
    if (position === false) return;
    sources.push({ provider, index, source, position: position ?? null, next: null, buffer: [], done: false, failed: false, fetches: 0, total: null });
  });

  const pageSize = (s: SourceState) => Math.min(s.provider.maxPageSize, Math.max(first + 1, 25));
  // Without a filter on ticket fields, a row is validated and mapped only if it reaches the
  // page (rows.ts): the merge runs on the keys. A filter reads the tickets: all are mapped.
  const eager = filtersTickets(filter);

  /** The source's page is broken: the source ends here, and the request names the provider once. */
  const fail = (s: SourceState, error: unknown): void => {
    s.failed = true;
    s.done = true;
    s.buffer = [];
    const upstream = isUpstreamError(error)
      ? error
      : new UpstreamError('UPSTREAM_BAD_RESPONSE', `${s.provider.key} failed to list tickets`, { provider: s.provider.key, operation: 'listTickets' }, { cause: error });
    // One error per provider, however many of its sources failed.
    if (!deps.outcomes.partialErrors.some((e) => e.error.provider === s.provider.key)) deps.outcomes.partial(upstream, deps.path);
  };

  const fetchPage = async (s: SourceState): Promise<void> => {
    s.fetches++;
    try {
      const page = await deps.loaders.listPage(s.provider, {
        source: s.source,
        cursor: s.position,
        limit: pageSize(s),
        filter: providerFilter(filter, s.provider.key),
      });
      deps.outcomes.ok(s.provider.key);
      if (s.fetches === 1) s.total = page.totalCount;
      let rows = lastKey ? page.rows.filter((row) => isAfter(row, lastKey)) : page.rows.slice();
      if (eager) {
        for (const row of page.rows) deps.loaders.ticketById.prime(row.id, row.ticket());
        rows = rows.filter((row) => matchesFilter(row.ticket(), filter));
      }
      s.buffer = rows.sort((a, b) => compareRows(b, a));
      s.next = page.next;
      if (s.buffer.length === 0 && !s.next) s.done = true;
    } catch (error) {
      // The only user input a provider sees here is the cursor's position: a datasource that
      // refuses it is refusing the cursor, not failing.
      if (error instanceof BadUserInputError) {
        throw new BadUserInputError(`Invalid after: the cursor's position for ${s.provider.key} is not valid`, { argument: 'after' });
      }
      fail(s, error);
    }
  };

  /** Fills an empty buffer from the following pages; a source with no next page is done. */
  const refill = async (s: SourceState): Promise<void> => {
    while (!s.done && s.buffer.length === 0) {
      if (s.next === null && s.fetches > 0) {
        s.done = true;
        return;
      }
      if (s.fetches >= MAX_FETCHES_PER_SOURCE) return;
      if (s.fetches > 0) s.position = s.next;
      await fetchPage(s);
    }
  };

  await Promise.all(sources.map((s) => fetchPage(s).then(() => refill(s))));

  const positionOf = (s: SourceState): SourcePosition => {
    if (s.failed) return s.position;
    if (s.buffer.length > 0) return s.position;
    if (s.done) return false;
    return s.next ?? s.position;
  };

  /** Sources absent from `sources` were done when the cursor was issued. */
  const positions = (): SourcePosition[] => {
    const out: SourcePosition[] = listed.map(() => false);
    for (const s of sources) out[s.index] = positionOf(s);
    return out;
  };

  const memo: CompactMemo = new Map();
  const edges: Edge<TicketModel>[] = [];
  /** Per edge: its source and which of that source's fetches its row came from. */
  const origins: { source: SourceState; fetch: number }[] = [];
  let hasNextPage = false;
  for (;;) {
    let best: SourceState | undefined;
    let bestRow: PageRow | undefined;
    for (const s of sources) {
      const head = s.buffer[0];
      if (head && (!bestRow || compareRows(head, bestRow) > 0)) {
        best = s;
        bestRow = head;
      }
    }
    if (!best) {
      // Sources cut short by the fetch bound still have pages: the feed goes on.
      hasNextPage = sources.some((s) => !s.done && !s.failed);
      break;
    }
    if (edges.length === first) {
      hasNextPage = true;
      break;
    }
    const row = best.buffer.shift() as PageRow;
    let ticket: TicketModel;
    try {
      ticket = row.ticket();
    } catch (error) {
      // As if the page had failed when it was read: none of its rows is returned, and the
      // cursors of the others are unchanged (a failed source keeps the position of that page).
      const source = best;
      for (let i = edges.length - 1; i >= 0; i--) {
        const origin = origins[i];
        if (origin?.source === source && origin.fetch === source.fetches) {
          edges.splice(i, 1);
          origins.splice(i, 1);
        }
      }
      fail(source, error);
      continue;
    }
    if (!eager) deps.loaders.ticketById.prime(row.id, ticket);
    origins.push({ source: best, fetch: best.fetches });
    if (best.buffer.length === 0) await refill(best);
    edges.push({ node: ticket, cursor: sealCursor({ filter: hash, key: [row.updatedAt, row.id], positions: positions() }, deps.cursorKey, memo) });
  }

  const totals = sources.map((s) => s.total);
  const totalCount =
    !cursor && sources.length > 0 && totals.every((t) => t !== null) && !sources.some((s) => s.failed) && fullyPushedDown(filter, sources)
      ? (totals as number[]).reduce((a, b) => a + b, 0)
      : null;

  return {
    edges,
    nodes: edges.map((e) => e.node),
    totalCount,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: Boolean(cursor),
      startCursor: edges[0]?.cursor ?? null,
      // A page that found nothing within the fetch bound still gives a cursor to go on from.
      endCursor: edges.at(-1)?.cursor ?? (hasNextPage ? sealCursor({ filter: hash, key: lastKey, positions: positions() }, deps.cursorKey, memo) : null),
    },
  };
}

/** A provider's total counts what its own filters matched: only exact when nothing was filtered after fetching. */
function fullyPushedDown(filter: FeedFilter, sources: SourceState[]): boolean {
  return sources.every(
    ({ provider: { pushdown } }) =>
      (!filter.statuses || pushdown.statuses) &&
      (!filter.assignee || (pushdown.assignee && filter.assignee.emails.size === 0)) &&
      (!filter.requester || (pushdown.requester && filter.requester.emails.size === 0)) &&
      (!filter.search || pushdown.search) &&
      !filter.createdAfter &&
      !filter.createdBefore &&
      !filter.updatedAfter &&
      !filter.updatedBefore,
  );
}
