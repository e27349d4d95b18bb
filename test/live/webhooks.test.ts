import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signMoov } from '../../src/live/moov-webhook.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { redisSubscribers, sseSubscribe, startGateway, startRedis, until, type Gateway, type RedisServer } from './support.js';

const SECRET = 'whsec-test-0123456789abcdef';

const CHANGES = /* GraphQL */ `
  subscription ($filter: TicketFilter) {
    ticketChanged(filter: $filter) {
      kind source occurredAt
      ticket { id providerId provider status }
      activity { kind ... on CommentActivity { body } }
    }
  }
`;
type Change = { ticketChanged: { kind: string; source: string; ticket: { id: string; providerId: string; status: string }; activity: { kind: string; body?: string } | null } };

function signedHeaders(overrides: { timestamp?: string; nonce?: string; secret?: string } = {}): Record<string, string> {
  const timestamp = overrides.timestamp ?? new Date().toISOString();
  const nonce = overrides.nonce ?? randomUUID();
  const webhookID = 'wh-test';
  return {
    'content-type': 'application/json',
    'x-timestamp': timestamp,
    'x-nonce': nonce,
    'x-webhook-id': webhookID,
    'x-signature': signMoov(overrides.secret ?? SECRET, timestamp, nonce, webhookID),
  };
}

describe('Moov webhooks at POST /webhooks/moov (issue 20)', () => {
  let redis: RedisServer;
  let sandbox: Sandbox;
  let a: Gateway;
  let b: Gateway;
  const moovApi = (path: string, init: RequestInit = {}) =>
    fetch(`${sandbox.url('moov')}${path}`, { ...init, headers: { 'content-type': 'application/json', ...sandbox.credentials('moov'), ...(init.headers as Record<string, string>) } });
  const openMoovTicket = async () => {
    const { data } = await a.gql<{ tickets: { nodes: { id: string; providerId: string }[] } }>(
      '{ tickets(first: 1, filter: { providers: [MOOV], statuses: [OPEN, IN_PROGRESS, WAITING] }) { nodes { id providerId } } }',
    );
    return data!.tickets.nodes[0]!;
  };
  const deliveries = async (gateway: Gateway, outcome: string) => (await gateway.metrics.webhookDeliveries.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;

  beforeAll(async () => {
    redis = await startRedis();
    sandbox = await startSandbox({ tickets: 30 });
    // Polling off: what is heard here comes from the webhook alone.
    const env = { REDIS_URL: redis.url, MOOV_WEBHOOK_SECRET: SECRET, CHANGES_POLL_MS: '0' };
    a = await startGateway(sandbox, env);
    b = await startGateway(sandbox, env);
    await redisSubscribers(redis.client, 2);
    const registered = await moovApi('/__sandbox/webhooks', { method: 'PUT', body: JSON.stringify({ url: `${a.url}/webhooks/moov`, secret: SECRET }) });
    expect(registered.status).toBe(200);
  });
  afterAll(async () => {
    await sandbox?.close();
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it('a ticket closed directly at Moov’s REST API is heard on the other replica with source WEBHOOK', async () => {
    const ticket = await openMoovTicket();
    const open = await sseSubscribe<{ data: Change }>(b.url, CHANGES, { filter: { providers: ['MOOV'] } });
    const closed = await moovApi(`/accounts/${ticket.providerId.split('/')[0]}/tickets/${ticket.providerId.split('/')[1]}`, {
      method: 'PATCH',
      body: JSON.stringify({ status: 'closed' }),
    });
    expect(closed.status).toBe(200);
    const { data } = await open.stream.next();
    open.stream.close();
    expect(data.ticketChanged).toMatchObject({ kind: 'STATUS_CHANGED', source: 'WEBHOOK', ticket: { id: ticket.id, status: 'CLOSED' } });
    expect(await deliveries(a, 'accepted')).toBeGreaterThanOrEqual(1);
  });

  it('a message from Moov’s staff arrives as COMMENTED with the message', async () => {
    const ticket = await openMoovTicket();
    const open = await sseSubscribe<{ data: Change }>(b.url, CHANGES, { filter: { providers: ['MOOV'] } });
    const [account, id] = ticket.providerId.split('/');
    const staff = await moovApi(`/__sandbox/tickets/${account}/${id}/messages`, { method: 'POST', body: JSON.stringify({ body: 'We are looking into it' }) });
    expect(staff.status).toBe(201);
    const { data } = await open.stream.next();
    open.stream.close();
    expect(data.ticketChanged).toMatchObject({ kind: 'COMMENTED', source: 'WEBHOOK', ticket: { id: ticket.id }, activity: { kind: 'COMMENT', body: 'We are looking into it' } });
  });

  it('refuses a forged delivery (wrong secret) with 401 and counts it', async () => {
    const before = await deliveries(a, 'forged');
    const response = await fetch(`${a.url}/webhooks/moov`, {
      method: 'POST',
      headers: signedHeaders({ secret: 'not-the-secret' }),
      body: JSON.stringify({ eventID: randomUUID(), type: 'ticket.created', data: { accountID: 'x', ticketID: 'y' }, createdOn: new Date().toISOString() }),
    });
    expect(response.status).toBe(401);
    expect(await deliveries(a, 'forged')).toBe(before + 1);
  });

  it('refuses a delivery without signature headers with 400', async () => {
    const response = await fetch(`${a.url}/webhooks/moov`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(400);
  });

  it('refuses a stale delivery (timestamp older than the window) with 400', async () => {
    const response = await fetch(`${a.url}/webhooks/moov`, {
      method: 'POST',
      headers: signedHeaders({ timestamp: new Date(Date.now() - 3600_000).toISOString() }),
      body: JSON.stringify({ eventID: randomUUID(), type: 'event.test', data: { ping: true }, createdOn: new Date().toISOString() }),
    });
    expect(response.status).toBe(400);
    expect(await deliveries(a, 'stale')).toBe(1);
  });

  it('refuses a replayed delivery (same signed headers) with 409, on either replica', async () => {
    const headers = signedHeaders();
    const body = JSON.stringify({ eventID: randomUUID(), type: 'event.test', data: { ping: true }, createdOn: new Date().toISOString() });
    expect((await fetch(`${a.url}/webhooks/moov`, { method: 'POST', headers, body })).status).toBe(200);
    expect((await fetch(`${b.url}/webhooks/moov`, { method: 'POST', headers, body })).status).toBe(409);
    expect(await deliveries(b, 'replayed')).toBe(1);
  });

  it('handles an event once across replicas: the same eventID, freshly signed, is a duplicate on the other replica', async () => {
    const ticket = await openMoovTicket();
    const [accountID, ticketID] = ticket.providerId.split('/');
    const body = JSON.stringify({ eventID: randomUUID(), type: 'ticket.updated', data: { accountID, ticketID, status: 'in-progress' }, createdOn: new Date().toISOString() });
    expect((await fetch(`${a.url}/webhooks/moov`, { method: 'POST', headers: signedHeaders(), body })).status).toBe(200);
    const again = await fetch(`${b.url}/webhooks/moov`, { method: 'POST', headers: signedHeaders(), body });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ outcome: 'duplicate' });
  });

  it('answers 400 to a signed body that is not an event envelope, and 405 to a GET', async () => {
    expect((await fetch(`${a.url}/webhooks/moov`, { method: 'POST', headers: signedHeaders(), body: 'not json' })).status).toBe(400);
    expect((await fetch(`${a.url}/webhooks/moov`)).status).toBe(405);
  });

  it('the simulator retries a delivery the gateway refused until one is accepted', async () => {
    const ticket = await openMoovTicket();
    const [account, id] = ticket.providerId.split('/');
    // Registered with a wrong secret first: deliveries are refused (401) and retried.
    await moovApi('/__sandbox/webhooks', { method: 'PUT', body: JSON.stringify({ url: `${a.url}/webhooks/moov`, secret: 'wrong-secret-for-now' }) });
    const before = (await (await moovApi('/__sandbox/webhooks')).json()) as { attempts: number; delivered: number };
    const open = await sseSubscribe<{ data: Change }>(b.url, CHANGES, { filter: { providers: ['MOOV'] } });
    await moovApi(`/__sandbox/tickets/${account}/${id}/messages`, { method: 'POST', body: JSON.stringify({ body: 'after a retry' }) });
    await until(async () => ((await (await moovApi('/__sandbox/webhooks')).json()) as { attempts: number }).attempts > before.attempts);
    await moovApi('/__sandbox/webhooks', { method: 'PUT', body: JSON.stringify({ url: `${a.url}/webhooks/moov`, secret: SECRET }) });
    const { data } = await open.stream.next();
    open.stream.close();
    expect(data.ticketChanged).toMatchObject({ kind: 'COMMENTED', source: 'WEBHOOK', activity: { body: 'after a retry' } });
  });
});
