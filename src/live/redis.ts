import { Redis } from 'ioredis';

/**
 * One ioredis connection. Pub/sub needs a connection of its own (a subscribed connection
 * can run no other command), so callers open one per role. Commands fail after two
 * reconnect attempts instead of queueing forever: a live event that cannot be shared is
 * logged and dropped, never allowed to hold a mutation's answer.
 */
export function connectRedis(url: string, role: string): Redis {
  return new Redis(url, { connectionName: `ticketgraph-${role}`, maxRetriesPerRequest: 2, lazyConnect: false });
}
