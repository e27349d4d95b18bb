import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { redisSubscribers, sseSubscribe, startGateway, startRedis, until, type Gateway, type RedisServer } from './support.js';

/*
 * Issue 20: every event makes the read cache forget its ticket and its provider's lists, on
 * every replica. The cache is on with a TTL far beyond any test's timeout, so a fresh read
 * here can only come from the invalidation; each test waits for the event on a subscription,
 * never on time.
 */

const SECRET = 'whsec-cache-0123456789abcdef';
const TTL = { CACHE_TTL_MS: '600000' };

const CHANGES = /* GraphQL */ `
  subscription ($filter: TicketFilter) {
    ticketChanged(filter: $filter) { kind source ticket { id } }
  }
`;
type Change = { ticketChanged: { kind: string; source: string; ticket: { id: string } } };

const TICKET = /* GraphQL */ `
  query ($id: ID!) {
    ticket(id: $id) { id status updatedAt activities(first: 500) { nodes { kind ... on CommentActivity { body } } } }
  }
`;
type TicketRead = { ticket: { id: string; status: string; updatedAt: string; activities: { nodes: { kind: string; body?: string }[] } } };

const LIST = (provider: string) => /* GraphQL */ `
  { tickets(first: 100, filter: { providers: [${provider}] }) { nodes { id status updatedAt } } }
`;
type ListRead = { tickets: { nodes: { id: string; status: string; updatedAt: string }[] } };

const hits = async (gateway: Gateway) => (await gateway.metrics.cacheReads.get()).values.filter((v) => v.labels.result === 'hit').reduce((sum, v) => sum + v.value, 0);

async function readTicket(gateway: Gateway, id: string): Promise<TicketRead['ticket']> {
  const { data, errors } = await gateway.gql<TicketRead>(TICKET, { id });
  expect(errors).toBeUndefined();
  return data!.ticket;
}

async function listed(gateway: Gateway, provider: string, id: string): Promise<ListRead['tickets']['nodes'][number] | undefined> {
  const { data, errors } = await gateway.gql<ListRead>(LIST(provider));
  expect(errors).toBeUndefined();
  return data!.tickets.nodes.find((t) => t.id === id);
}

/** Reads a ticket and its provider's list twice, so both are in the cache; the second read is a hit. */
async function warm(gateway: Gateway, provider: string, id: string): Promise<TicketRead['ticket']> {
  const before = await hits(gateway);
  const first = await readTicket(gateway, id);
  await listed(gateway, provider, id);
  expect(await readTicket(gateway, id)).toEqual(first);
  await listed(gateway, provider, id);
  expect(await hits(gateway)).toBeGreaterThan(before);
  return first;
}

async function openTicket(gateway: Gateway, provider: string, notId?: string): Promise<{ id: string; providerId: string }> {
  const { data } = await gateway.gql<{ tickets: { nodes: { id: string; providerId: string }[] } }>(
    `{ tickets(first: 5, filter: { providers: [${provider}], statuses: [OPEN, IN_PROGRESS, WAITING] }) { nodes { id providerId } } }`,
  );
  return data!.tickets.nodes.find((t) => t.id !== notId)!;
}

const moovApi = (sandbox: Sandbox, path: string, init: RequestInit = {}) =>
  fetch(`${sandbox.url('moov')}${path}`, { ...init, headers: { 'content-type': 'application/json', ...sandbox.credentials('moov'), ...(init.headers as Record<string, string>) } });

/** Closes a Moov ticket at the simulator's REST API, behind ticketgraph's back. */
async function closeAtMoov(sandbox: Sandbox, providerId: string): Promise<void> {
  const [account, id] = providerId.split('/');
  const response = await moovApi(sandbox, `/accounts/${account}/tickets/${id}`, { method: 'PATCH', body: JSON.stringify({ status: 'closed' }) });
  expect(response.status).toBe(200);
  await response.body?.cancel();
}

/** Replies to a HostUp ticket at the simulator's REST API, behind ticketgraph's back. */
async function replyAtHostup(sandbox: Sandbox, providerId: string, message: string): Promise<void> {
  const response = await fetch(`${sandbox.url('hostup')}/api/v2/support/tickets/${providerId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: sandbox.credentials('hostup')['Authorization (v2)']! },
    body: JSON.stringify({ message }),
  });
  expect(response.status).toBe(201);
  await response.body?.cancel();
}

describe('events invalidate the read cache, one process without Redis (issue 20)', () => {
  let sandbox: Sandbox;
  let gateway: Gateway;
  beforeAll(async () => {
    sandbox = await startSandbox({ tickets: 30 });
    gateway = await startGateway(sandbox, { ...TTL, MOOV_WEBHOOK_SECRET: SECRET, CHANGES_POLL_MS: '0' });
  });
  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
  });

  let closedUnheard = '';

  it('without an event, a change behind the gateway’s back is not seen while the entry lives (the cache is on)', async () => {
    const ticket = await openTicket(gateway, 'MOOV');
    closedUnheard = ticket.id;
    const before = await warm(gateway, 'MOOV', ticket.id);
    // No webhook registered yet: Moov tells nobody.
    await closeAtMoov(sandbox, ticket.providerId);
    expect((await readTicket(gateway, ticket.id)).status).toBe(before.status);
  });

  it('after a Moov webhook, the ticket, its timeline and the list are read fresh', async () => {
    const registered = await moovApi(sandbox, '/__sandbox/webhooks', { method: 'PUT', body: JSON.stringify({ url: `${gateway.url}/webhooks/moov`, secret: SECRET }) });
    expect(registered.status).toBe(200);
    // The cached list still shows the ticket closed unheard as open: not that one.
    const ticket = await openTicket(gateway, 'MOOV', closedUnheard);
    const before = await warm(gateway, 'MOOV', ticket.id);
    expect(before.status).not.toBe('CLOSED');
    const open = await sseSubscribe<{ data: Change }>(gateway.url, CHANGES, { filter: { providers: ['MOOV'] } });
    await closeAtMoov(sandbox, ticket.providerId);
    const { data } = await open.stream.next();
    open.stream.close();
    expect(data.ticketChanged).toMatchObject({ source: 'WEBHOOK', ticket: { id: ticket.id } });
    expect((await readTicket(gateway, ticket.id)).status).toBe('CLOSED');
    expect((await listed(gateway, 'MOOV', ticket.id))?.status).toBe('CLOSED');
  });

  it('after a write’s event, another client’s read of the ticket is fresh', async () => {
    const ticket = await openTicket(gateway, 'HOSTUP');
    await warm(gateway, 'HOSTUP', ticket.id);
    const open = await sseSubscribe<{ data: Change }>(gateway.url, CHANGES, { filter: { providers: ['HOSTUP'] } });
    const written = await gateway.gql('mutation ($input: AddCommentInput!) { addComment(input: $input) { ticket { id } } }', {
      input: { ticketId: ticket.id, body: 'written through ticketgraph' },
    });
    expect(written.errors).toBeUndefined();
    const { data } = await open.stream.next();
    open.stream.close();
    expect(data.ticketChanged).toMatchObject({ source: 'WRITE', ticket: { id: ticket.id } });
    const after = await readTicket(gateway, ticket.id);
    expect(after.activities.nodes.map((a) => a.body)).toContain('written through ticketgraph');
  });
});

describe('events invalidate the read cache on every replica, two gateways and a real Redis (issue 20)', () => {
  let redis: RedisServer;
  let sandbox: Sandbox;
  let a: Gateway;
  let b: Gateway;
  // Moov by webhook (delivered to A only), HostUp by polling (whichever replica holds the lease).
  const env = () => ({ ...TTL, REDIS_URL: redis.url, MOOV_WEBHOOK_SECRET: SECRET, CHANGES_POLL_MS: '0', CHANGES_POLL_MS_HOSTUP: '100', CHANGES_LEASE_MS: '3000' });

  beforeAll(async () => {
    redis = await startRedis();
    sandbox = await startSandbox({ tickets: 30 });
    a = await startGateway(sandbox, env());
    b = await startGateway(sandbox, env());
    await redisSubscribers(redis.client, 2);
    const registered = await moovApi(sandbox, '/__sandbox/webhooks', { method: 'PUT', body: JSON.stringify({ url: `${a.url}/webhooks/moov`, secret: SECRET }) });
    expect(registered.status).toBe(200);
    // The first poll round only learns the current state; changes after it are news.
    await until(async () => (await a.metrics.livePolls.get()).values.concat((await b.metrics.livePolls.get()).values).some((v) => v.labels.outcome === 'ok' && v.value > 0));
  });
  afterAll(async () => {
    await sandbox?.close();
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it('a webhook received by A makes B read the ticket and the list fresh', async () => {
    const ticket = await openTicket(b, 'MOOV');
    const before = await warm(b, 'MOOV', ticket.id);
    expect(before.status).not.toBe('CLOSED');
    const open = await sseSubscribe<{ data: Change }>(b.url, CHANGES, { filter: { providers: ['MOOV'] } });
    await closeAtMoov(sandbox, ticket.providerId);
    const { data } = await open.stream.next();
    open.stream.close();
    expect(data.ticketChanged).toMatchObject({ source: 'WEBHOOK', ticket: { id: ticket.id } });
    expect((await readTicket(b, ticket.id)).status).toBe('CLOSED');
    expect((await listed(b, 'MOOV', ticket.id))?.status).toBe('CLOSED');
  });

  it('a change the poller sees makes both replicas read the ticket, its timeline and the list fresh', async () => {
    const ticket = await openTicket(b, 'HOSTUP');
    const beforeA = await warm(a, 'HOSTUP', ticket.id);
    const beforeB = await warm(b, 'HOSTUP', ticket.id);
    expect(beforeB.updatedAt).toBe(beforeA.updatedAt);
    const open = await sseSubscribe<{ data: Change }>(b.url, CHANGES, { filter: { providers: ['HOSTUP'] } });
    await replyAtHostup(sandbox, ticket.providerId, 'seen by the poller');
    const { data } = await open.stream.next();
    open.stream.close();
    expect(data.ticketChanged).toMatchObject({ source: 'POLL', ticket: { id: ticket.id } });
    for (const gateway of [a, b]) {
      const after = await readTicket(gateway, ticket.id);
      expect(after.activities.nodes.map((activity) => activity.body)).toContain('seen by the poller');
      expect(Date.parse(after.updatedAt)).toBeGreaterThan(Date.parse(beforeB.updatedAt));
      expect((await listed(gateway, 'HOSTUP', ticket.id))?.updatedAt).toBe(after.updatedAt);
    }
  });
});
