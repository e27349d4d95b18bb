import { randomUUID } from 'node:crypto';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import type { Metrics } from '../metrics.js';
import { redact } from '../secret.js';
import { eventSerializer, type TicketChangeEvent } from './events.js';
import { connectRedis } from './redis.js';
import { memoryState, redisState, type LiveState } from './state.js';

/** The Redis channel (and in-process topic) every change travels on. */
export const CHANGES_TOPIC = 'ticketgraph:ticketChanged';

type Topics = { [CHANGES_TOPIC]: [TicketChangeEvent] };

export type NewChange = Omit<TicketChangeEvent, 'eventId'> & { eventId?: string };

export type TicketChangedListener = (ticketId: string, event: TicketChangeEvent) => void;

export type BeforeAnnounceHook = (event: TicketChangeEvent) => Promise<void>;

/**
 * The live feed of one replica: where changes are announced and where subscriptions
 * listen. With Redis, an announcement on any replica reaches the subscribers of every
 * replica once (pub/sub), and what dedupes it is shared; without, it all stays in process.
 */
export interface LiveHub {
  /** Distinguishes this replica's poller leases from the others'. */
  readonly instanceId: string;
  readonly state: LiveState;
  /** True when changes fan out through Redis. */
  readonly shared: boolean;
  /**
   * Announces a change. A change from a webhook or a poll is announced only when it is
   * newer than what was already announced for that ticket (a write, then the provider's
   * webhook of it, then a poll that sees it, make one event). Never throws: a feed that
   * cannot be reached is logged, and the write that caused it still succeeds.
   */
  publish(change: NewChange): Promise<boolean>;
  /** Every change from the moment of the call on, from every replica. */
  subscribe(): AsyncIterable<TicketChangeEvent>;
  /** Open subscriptions on this replica (health, metrics and tests waiting for a subscriber). */
  subscribers(): number;
  /**
   * Called on every replica for every change, whichever replica saw it, at about the time
   * its subscribers hear it (no order between the two).
   */
  onTicketChanged(listener: TicketChangedListener): () => void;
  /**
   * Awaited on the announcing replica before a change leaves it, so whatever a hook does
   * has happened before any subscriber on any replica hears the change. The read cache
   * forgets the ticket here (its versions are shared through Redis): a client that reads
   * on hearing an event reads fresh, on whichever replica. A failing hook is logged and
   * the change is still announced.
   */
  beforeAnnounce(hook: BeforeAnnounceHook): () => void;
  close(): Promise<void>;
}

export interface LiveHubOptions {
  redisUrl: string | null;
  metrics: Metrics;
  log?: (message: string) => void;
}

export function createLiveHub(options: LiveHubOptions): LiveHub {
  const log = options.log ?? ((message: string) => console.warn(`ticketgraph: ${message}`));
  let publisher: Redis | null = null;
  let subscriber: Redis | null = null;
  let pubsub: PubSub<Topics>;
  let state: LiveState;
  if (options.redisUrl) {
    publisher = connectRedis(options.redisUrl, 'live-publish');
    subscriber = connectRedis(options.redisUrl, 'live-subscribe');
    let reported = false;
    for (const client of [publisher, subscriber]) {
      // ioredis reconnects by itself; without a listener its errors would crash the process.
      client.on('error', (error: Error) => {
        if (!reported) log(`redis (live feed) unreachable: ${redact(error.message)}; reconnecting`);
        reported = true;
      });
      client.on('ready', () => {
        reported = false;
      });
    }
    pubsub = createPubSub<Topics>({
      eventTarget: createRedisEventTarget({ publishClient: publisher, subscribeClient: subscriber, serializer: eventSerializer }),
    });
    state = redisState(publisher);
  } else {
    pubsub = createPubSub<Topics>();
    state = memoryState();
  }

  const listeners = new Set<TicketChangedListener>();
  const hooks = new Set<BeforeAnnounceHook>();
  let open = 0;
  const own = pubsub.subscribe(CHANGES_TOPIC);
  const pump = (async () => {
    for await (const event of own) {
      for (const listener of listeners) {
        try {
          listener(event.ticket.id, event);
        } catch (error) {
          log(`onTicketChanged listener failed: ${redact(error instanceof Error ? error.message : String(error))}`);
        }
      }
    }
  })();

  return {
    instanceId: randomUUID(),
    state,
    shared: publisher !== null,
    async publish(change) {
      const event: TicketChangeEvent = { ...change, eventId: change.eventId ?? randomUUID() };
      try {
        const newer = await state.advance(event.ticket.id, event.ticket.updatedAt.getTime());
        // A write is announced even when the provider did not move updatedAt: the client made a change.
        if (!newer && event.source !== 'WRITE') return false;
        await Promise.all(
          [...hooks].map((hook) =>
            hook(event).catch((error: unknown) => log(`before announcing ${event.ticket.id}: ${redact(error instanceof Error ? error.message : String(error))}`)),
          ),
        );
        options.metrics.liveEvents.inc({ source: event.source, kind: event.kind });
        // The redis event target's own dispatch does not await PUBLISH, so a failure there
        // would be an unhandled rejection; publish on the same channel here instead.
        if (publisher) await publisher.publish(CHANGES_TOPIC, eventSerializer.stringify(event));
        else pubsub.publish(CHANGES_TOPIC, event);
        return true;
      } catch (error) {
        log(`live change of ${event.ticket.id} not announced: ${redact(error instanceof Error ? error.message : String(error))}`);
        return false;
      }
    },
    subscribe() {
      // yoga's pubsub attaches its listener on the first next(); starting it here means a
      // change published right after a client's subscription was accepted is not missed.
      const source = pubsub.subscribe(CHANGES_TOPIC);
      const first = source.next();
      open++;
      let closed = false;
      const done = async () => {
        if (closed) return;
        closed = true;
        open--;
        await source.return?.();
      };
      return (async function* () {
        try {
          let result = await first;
          while (!result.done) {
            yield result.value;
            result = await source.next();
          }
        } finally {
          await done();
        }
      })();
    },
    subscribers: () => open,
    onTicketChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    beforeAnnounce(hook) {
      hooks.add(hook);
      return () => hooks.delete(hook);
    },
    async close() {
      await own.return?.();
      await pump.catch(() => undefined);
      await Promise.all([publisher?.quit().catch(() => undefined), subscriber?.quit().catch(() => undefined)]);
    },
  };
}
