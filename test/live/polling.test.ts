import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveHub } from '../../src/live/hub.js';
import { startPollers } from '../../src/live/poller.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { redisSubscribers, sseSubscribe, startGateway, startRedis, until, type Gateway, type RedisServer } from './support.js';

const CHANGES = /* GraphQL */ `
  subscription ($filter: TicketFilter) {
    ticketChanged(filter: $filter) { kind source ticket { id providerId } activity { kind ... on CommentActivity { body } } }
  }
`;
type Change = { ticketChanged: { kind: string; source: string; ticket: { id: string; providerId: string }; activity: { kind: string; body?: string } | null } };

const LEASE_KEY = 'tg:live:lease:poll:hostup';

async function polledOnce(gateways: Gateway[]): Promise<void> {
  await until(async () => {
    for (const g of gateways) {
      const ok = (await g.metrics.livePolls.get()).values.find((v) => v.labels.provider === 'hostup' && v.labels.outcome === 'ok');
      if (ok && ok.value > 0) return true;
    }
    return false;
  });
}

/** Replies to a HostUp ticket at the simulator's own REST API, behind ticketgraph's back. */
async function replyAtHostup(sandbox: Sandbox, gateway: Gateway, message: string, notOn?: string): Promise<string> {
  const { data } = await gateway.gql<{ tickets: { nodes: { id: string; providerId: string }[] } }>(
    '{ tickets(first: 2, filter: { providers: [HOSTUP], statuses: [OPEN, IN_PROGRESS, WAITING] }) { nodes { id providerId } } }',
  );
  const ticket = data!.tickets.nodes.find((t) => t.id !== notOn)!;
  const response = await fetch(`${sandbox.url('hostup')}/api/v2/support/tickets/${ticket.providerId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: sandbox.credentials('hostup')['Authorization (v2)']! },
    body: JSON.stringify({ message }),
  });
  expect(response.status).toBe(201);
  return ticket.id;
}

describe('polling for live changes, two replicas and one Redis lease (issue 20)', () => {
  let redis: RedisServer;
  let sandbox: Sandbox;
  let a: Gateway;
  let b: Gateway;
  // Only HostUp is polled, on a short interval; the test waits for events, never for time.
  const env = () => ({ REDIS_URL: redis.url, CHANGES_POLL_MS: '0', CHANGES_POLL_MS_HOSTUP: '100', CHANGES_LEASE_MS: '3000' });

  beforeAll(async () => {
    redis = await startRedis();
    sandbox = await startSandbox({ tickets: 30 });
    a = await startGateway(sandbox, env());
    b = await startGateway(sandbox, env());
    await redisSubscribers(redis.client, 2);
    await polledOnce([a, b]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await sandbox?.close();
    await redis?.stop();
  });

  it('only one replica polls a provider: the lease names one of them, and only its rounds are not skipped', async () => {
    const holder = await redis.client.get(LEASE_KEY);
    expect([a.live.instanceId, b.live.instanceId]).toContain(holder);
    const skipped = async (g: Gateway) => (await g.metrics.livePolls.get()).values.find((v) => v.labels.outcome === 'skipped')?.value ?? 0;
    const other = holder === a.live.instanceId ? b : a;
    await until(async () => (await skipped(other)) > 0);
  });

  it('a reply made directly at HostUp’s REST API is heard within one poll interval, with source POLL and the reply', async () => {
    const open = await sseSubscribe<{ data: Change }>(b.url, CHANGES, { filter: { providers: ['HOSTUP'] } });
    const ticketId = await replyAtHostup(sandbox, a, 'changed behind ticketgraph’s back');
    const { data } = await open.stream.next();
    open.stream.close();
    expect(data.ticketChanged).toMatchObject({ source: 'POLL', ticket: { id: ticketId } });
    expect(data.ticketChanged.kind).toMatch(/^(COMMENTED|STATUS_CHANGED)$/);
  });

  it('the lease moves to the other replica when its holder stops, and to a new replica when the holder dies', async () => {
    const holderId = await redis.client.get(LEASE_KEY);
    const [holder, other] = holderId === a.live.instanceId ? [a, b] : [b, a];
    await holder.pollers.stop();
    await until(async () => (await redis.client.get(LEASE_KEY)) === other.live.instanceId);

    // The new holder dies without giving the lease up: it expires, and a third replica takes it.
    await other.pollers.stop({ release: false });
    const third = createLiveHub({ redisUrl: redis.url, metrics: other.metrics, log: () => {} });
    const pollers = startPollers({ registry: other.registry, live: third, metrics: other.metrics, settings: other.config.live, log: () => {} });
    try {
      await until(async () => (await redis.client.get(LEASE_KEY)) === third.instanceId);
      // And it carries on from the shared watermark: a change now is heard.
      await redisSubscribers(redis.client, 3);
      const open = await sseSubscribe<{ data: Change }>(a.url, CHANGES, { filter: { providers: ['HOSTUP'] } });
      const ticketId = await replyAtHostup(sandbox, a, 'heard after the takeover');
      const { data } = await open.stream.next();
      open.stream.close();
      expect(data.ticketChanged).toMatchObject({ source: 'POLL', ticket: { id: ticketId } });
    } finally {
      await pollers.stop();
      await third.close();
    }
  });
});

describe('polling without Redis (issue 20)', () => {
  let sandbox: Sandbox;
  let gateway: Gateway;
  beforeAll(async () => {
    sandbox = await startSandbox({ tickets: 30 });
    gateway = await startGateway(sandbox, { CHANGES_POLL_MS: '0', CHANGES_POLL_MS_HOSTUP: '100' });
    await polledOnce([gateway]);
  });
  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
  });

  it('the single process polls and its subscribers hear the change', async () => {
    const open = await sseSubscribe<{ data: Change }>(gateway.url, CHANGES);
    const ticketId = await replyAtHostup(sandbox, gateway, 'no redis here');
    const { data } = await open.stream.next();
    open.stream.close();
    expect(data.ticketChanged).toMatchObject({ source: 'POLL', ticket: { id: ticketId } });
  });

  it('a write through ticketgraph is announced once, as WRITE, not again by the poll that sees it', async () => {
    const { data } = await gateway.gql<{ tickets: { nodes: { id: string }[] } }>(
      '{ tickets(first: 1, filter: { providers: [HOSTUP], statuses: [OPEN, IN_PROGRESS, WAITING] }) { nodes { id } } }',
    );
    const ticketId = data!.tickets.nodes[0]!.id;
    const open = await sseSubscribe<{ data: Change }>(gateway.url, CHANGES);
    await gateway.gql('mutation ($input: AddCommentInput!) { addComment(input: $input) { ticket { id } } }', { input: { ticketId, body: 'through the API' } });
    const first = await open.stream.next();
    expect(first.data.ticketChanged).toMatchObject({ source: 'WRITE', kind: 'COMMENTED', ticket: { id: ticketId } });
    // Two more poll rounds, then a marker change: the next event heard must be the marker, not a POLL echo of the write.
    const rounds = async () => (await gateway.metrics.livePolls.get()).values.find((v) => v.labels.outcome === 'ok')?.value ?? 0;
    const now = await rounds();
    await until(async () => (await rounds()) >= now + 2);
    const marker = await replyAtHostup(sandbox, gateway, 'marker', ticketId);
    const next = await open.stream.next();
    open.stream.close();
    expect(next.data.ticketChanged).toMatchObject({ source: 'POLL', ticket: { id: marker } });
  });
});
