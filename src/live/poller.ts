import { pageTickets } from '../upstream/rows.js';
import { READ_THROUGH, type TicketProvider } from '../upstream/provider.js';
import type { Registry } from '../providers/registry.js';
import type { Metrics } from '../metrics.js';
import type { ActivityModel } from '../model/activity.js';
import { PROVIDER_KEYS, type ProviderKey } from '../model/provider.js';
import type { TicketModel } from '../model/ticket.js';
import { redact } from '../secret.js';
import { kindOfActivity, type TicketChangeKind } from './events.js';
import type { LiveHub } from './hub.js';

/** What the poller remembers of a ticket, to say what changed. */
interface Snapshot {
  /** updatedAt, epoch ms */
  u: number;
  s: string;
  /** assignee global id */
  a: string | null;
  /** tag ids, where the list carries them */
  t: string[] | null;
}

const snapshotOf = (ticket: TicketModel): Snapshot => ({
  u: ticket.updatedAt.getTime(),
  s: ticket.status,
  a: ticket.assignee?.id ?? null,
  t: ticket.tags ? ticket.tags.map((tag) => tag.id).sort() : null,
});

/** Pages read per source and round at most: a burst beyond it is caught up over the next rounds. */
const MAX_PAGES = 5;
const PAGE_SIZE = 50;
/** Timelines read per round at most, to name the kind of a change the ticket row does not show. */
const MAX_TIMELINES = 10;

/** The slice of the live settings the pollers read (config.ts composes it into LiveSettings). */
export interface PollSettings {
  /**
   * Poll interval per provider in ms; 0 turns polling off for that provider.
   * @default 5000 on the sandbox, 30000 live, 0 for Moov when its webhooks are on (MOOV_WEBHOOK_SECRET, or Moov on the sandbox)
   */
  pollMs: Record<ProviderKey, number>;
  /** How long a replica's poller lease lives without renewal (a dead holder's lease expires after it). @default max(3 × the longest poll interval, 3000) */
  leaseMs: number;
}

export interface PollerDeps {
  registry: Registry;
  live: LiveHub;
  metrics: Metrics;
  settings: PollSettings;
  log?: (message: string) => void;
}

export interface Pollers {
  /** Providers this process polls (when it holds their lease). */
  readonly providers: readonly ProviderKey[];
  /** Stops polling; by default gives the leases up so another replica takes over at its next tick. */
  stop(options?: { release?: boolean }): Promise<void>;
}

/**
 * Polling, for the providers without webhooks: each list read newest-updated first down to
 * the stored watermark, and each ticket newer than the poller's snapshot of it announced
 * with the kind the difference shows. Only the replica holding a provider's lease polls it
 * (Redis `SET NX PX`, renewed at each round); a lease not renewed expires, and the next
 * replica to tick takes it. Watermarks and snapshots live in the shared state, so the new
 * holder continues where the old one stopped. The calls go through the registry, so
 * they are paced and circuit-broken like every other call to that provider.
 */
export function startPollers(deps: PollerDeps): Pollers {
  const log = deps.log ?? ((message: string) => console.warn(`ticketgraph: ${message}`));
  const state = deps.live.state;
  const providers = PROVIDER_KEYS.filter((key) => deps.settings.pollMs[key] > 0 && deps.registry.has(key));
  const timers = new Map<ProviderKey, NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  async function describe(
    provider: TicketProvider,
    ticket: TicketModel,
    before: Snapshot | null,
    budget: { timelines: number },
  ): Promise<{ kind: TicketChangeKind; activity: ActivityModel | null }> {
    const after = snapshotOf(ticket);
    if (!before) return { kind: 'CREATED', activity: null };
    if (before.s !== after.s) return { kind: 'STATUS_CHANGED', activity: null };
    if (before.a !== after.a) return { kind: 'ASSIGNED', activity: null };
    if (before.t && after.t && before.t.join() !== after.t.join()) return { kind: 'TAGGED', activity: null };
    // The row does not show what changed: the newest activity since the last snapshot does.
    if (budget.timelines <= 0) return { kind: 'UPDATED', activity: null };
    budget.timelines--;
    let timeline: ActivityModel[] | undefined = ticket.activities;
    if (!timeline && provider.timeline === 'separate' && provider.listActivities) timeline = await provider.listActivities(ticket, { cache: READ_THROUGH });
    else if (!timeline && provider.timeline === 'detail') timeline = (await provider.getTicket(ticket.nativeId, { cache: READ_THROUGH })).activities;
    const newest = (timeline ?? []).filter((activity) => activity.createdAt.getTime() > before.u).at(-1);
    return newest ? { kind: kindOfActivity(newest), activity: newest } : { kind: 'UPDATED', activity: null };
  }

  async function pollSource(key: ProviderKey, provider: TicketProvider, source: string): Promise<void> {
    const base = `poll:${key}:${source}`;
    const watermark = await state.read<number>(`${base}:watermark`);
    const budget = { timelines: MAX_TIMELINES };
    let newest = watermark ?? 0;
    let cursor: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await provider.listTickets({ source, cursor, limit: Math.min(PAGE_SIZE, provider.maxPageSize), filter: {} }, { cache: READ_THROUGH });
      let reachedWatermark = false;
      for (const ticket of pageTickets(result)) {
        const updated = ticket.updatedAt.getTime();
        newest = Math.max(newest, updated);
        // Equal to the watermark may still be unseen (two changes in one millisecond): the snapshot decides.
        if (watermark !== null && updated < watermark) {
          reachedWatermark = true;
          continue;
        }
        const snapKey = `poll:${key}:snap:${ticket.id}`;
        const before = await state.read<Snapshot>(snapKey);
        if (before && before.u >= updated) continue;
        await state.write(snapKey, snapshotOf(ticket));
        if (watermark === null) {
          // The first round only learns the current state: nothing before it is news.
          await state.advance(ticket.id, updated);
          continue;
        }
        const { kind, activity } = await describe(provider, ticket, before, budget);
        await deps.live.publish({ eventId: `poll:${ticket.id}@${updated}`, kind, source: 'POLL', ticket, activity, occurredAt: ticket.updatedAt });
      }
      // The first round reads one page; later rounds read down to the watermark.
      if (watermark === null || reachedWatermark || !result.next) break;
      cursor = result.next;
    }
    if (newest > (watermark ?? -1)) await state.write(`${base}:watermark`, newest);
  }

  async function round(key: ProviderKey): Promise<void> {
    if (!(await state.lease(`poll:${key}`, deps.live.instanceId, deps.settings.leaseMs))) {
      deps.metrics.livePolls.inc({ provider: key, outcome: 'skipped' });
      return;
    }
    const provider = deps.registry.get(key);
    try {
      for (const [index, source] of provider.listSources({}).entries()) {
        if (stopped) return;
        // Renewed before each list, so a slow round keeps its lease; lost means another replica polls now.
        if (index > 0 && !(await state.lease(`poll:${key}`, deps.live.instanceId, deps.settings.leaseMs))) return;
        await pollSource(key, provider, source);
      }
      deps.metrics.livePolls.inc({ provider: key, outcome: 'ok' });
    } catch (error) {
      deps.metrics.livePolls.inc({ provider: key, outcome: 'failed' });
      log(`polling ${key} failed: ${redact(error instanceof Error ? error.message : String(error))}`);
    }
  }

  const schedule = (key: ProviderKey, delay: number) => {
    if (stopped) return;
    timers.set(
      key,
      setTimeout(() => {
        const run = round(key)
          .catch((error: unknown) => log(`polling ${key}: ${redact(error instanceof Error ? error.message : String(error))}`))
          .finally(() => {
            running.delete(run);
            schedule(key, deps.settings.pollMs[key]);
          });
        running.add(run);
      }, delay),
    );
  };
  for (const key of providers) schedule(key, 0);

  return {
    providers,
    async stop(options = {}) {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      await Promise.allSettled([...running]);
      if (options.release !== false) {
        await Promise.allSettled(providers.map((key) => state.release(`poll:${key}`, deps.live.instanceId)));
      }
    },
  };
}
