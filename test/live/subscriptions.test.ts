import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { redisSubscribers, sseSubscribe, startGateway, startRedis, until, wsClient, wsSubscribe, type Gateway, type RedisServer } from './support.js';

const KEY = 'live-test-key-0123456789';
const AUTH = { authorization: `Bearer ${KEY}` };

const CHANGES = /* GraphQL */ `
  subscription ($filter: TicketFilter) {
    ticketChanged(filter: $filter) {
      kind source occurredAt
      ticket { id provider status }
      activity { kind ... on CommentActivity { body } }
    }
  }
`;

type Change = {
  ticketChanged: { kind: string; source: string; occurredAt: string; ticket: { id: string; provider: string; status: string }; activity: { kind: string; body?: string } | null };
};

describe('Subscription.ticketChanged across two replicas sharing Redis (issue 20)', () => {
  let redis: RedisServer;
  let sandbox: Sandbox;
  let a: Gateway;
  let b: Gateway;

  const firstTicket = async (provider: string) => {
    const { data } = await a.gql<{ tickets: { nodes: { id: string }[] } }>(
      'query ($p: [Provider!]) { tickets(first: 1, filter: { providers: $p, statuses: [OPEN, IN_PROGRESS, WAITING] }) { nodes { id } } }',
      { p: [provider] },
      AUTH,
    );
    return data!.tickets.nodes[0]!.id;
  };
  const comment = (ticketId: string, body: string) =>
    a.gql<{ addComment: { activity: { id: string } | null } }>(
      'mutation ($input: AddCommentInput!) { addComment(input: $input) { activity { id } } }',
      { input: { ticketId, body } },
      AUTH,
    );

  beforeAll(async () => {
    redis = await startRedis();
    sandbox = await startSandbox({ tickets: 30 });
    const env = { REDIS_URL: redis.url, TICKETGRAPH_API_KEYS: KEY, CHANGES_POLL_MS: '0' };
    a = await startGateway(sandbox, env);
    b = await startGateway(sandbox, env);
    // Each replica's hub listens on the channel once; both must be in before anything is published.
    await redisSubscribers(redis.client, 2);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await sandbox?.close();
    await redis?.stop();
  });

  it('a subscriber on B (SSE) hears a comment written through A, with source WRITE and the comment', async () => {
    const ticketId = await firstTicket('HOSTUP');
    const open = await sseSubscribe<{ data: Change }>(b.url, CHANGES, {}, AUTH);
    expect(open.status).toBe(200);
    expect(open.contentType).toContain('text/event-stream');
    const written = await comment(ticketId, 'heard on the other replica');
    expect(written.errors).toBeUndefined();
    const { data } = await open.stream.next();
    open.stream.close();
    expect(data.ticketChanged).toMatchObject({
      kind: 'COMMENTED',
      source: 'WRITE',
      ticket: { id: ticketId, provider: 'HOSTUP' },
      activity: { kind: 'COMMENT', body: 'heard on the other replica' },
    });
    expect(new Date(data.ticketChanged.occurredAt).getTime()).not.toBeNaN();
  });

  it('refuses an SSE subscription without a key (401 UNAUTHENTICATED)', async () => {
    const response = await fetch(`${b.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: CHANGES }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('serves graphql-ws on the same path with the key in connectionParams', async () => {
    const ticketId = await firstTicket('SONZAI');
    const { client } = wsClient(b.url, { Authorization: `Bearer ${KEY}` });
    const before = b.live.subscribers();
    const stream = wsSubscribe<{ data: Change }>(client, CHANGES);
    await until(() => b.live.subscribers() > before);
    expect((await comment(ticketId, 'over websocket')).errors).toBeUndefined();
    const { data } = await stream.next();
    expect(data.ticketChanged).toMatchObject({ kind: 'COMMENTED', source: 'WRITE', ticket: { id: ticketId, provider: 'SONZAI' } });
    stream.close();
    await client.dispose();
  });

  it('closes a graphql-ws connection without a key, or with a wrong one, with 4403 before any operation', async () => {
    for (const params of [undefined, { 'X-API-Key': 'not-the-key-at-all-000' }]) {
      const { client, closed } = wsClient(b.url, params);
      const stream = wsSubscribe(client, CHANGES);
      await expect(stream.next()).rejects.toBeDefined();
      expect((await closed).code).toBe(4403);
      await client.dispose();
    }
  });

  it('refuses over graphql-ws what the HTTP input guard refuses (variables with a lone surrogate), with BAD_USER_INPUT', async () => {
    const { client } = wsClient(b.url, { Authorization: `Bearer ${KEY}` });
    const stream = wsSubscribe(client, CHANGES, { filter: { search: 'bad \ud800 input' } });
    // Answered as over HTTP: a result with the error, then the end of the operation.
    const result = await stream.next();
    expect(JSON.stringify(result)).toContain('BAD_USER_INPUT');
    await client.dispose();
  });

  it('accepts WebSocket upgrades on /graphql only', async () => {
    const { default: WebSocket } = await import('ws');
    const socket = new WebSocket(`${b.url.replace(/^http/, 'ws')}/other`, 'graphql-transport-ws');
    const status = await new Promise<number>((resolve) => {
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('error', () => resolve(-1));
    });
    expect(status).not.toBe(101);
    socket.terminate();
  });

  it('a subscriber with a filter hears only matching tickets', async () => {
    const hostup = await firstTicket('HOSTUP');
    const sonzai = await firstTicket('SONZAI');
    const open = await sseSubscribe<{ data: Change }>(b.url, CHANGES, { filter: { providers: ['SONZAI'] } }, AUTH);
    // The HostUp change comes first and must be skipped; the Sonzai one is the first heard.
    expect((await comment(hostup, 'not for this subscriber')).errors).toBeUndefined();
    expect((await comment(sonzai, 'for this subscriber')).errors).toBeUndefined();
    const { data } = await open.stream.next();
    open.stream.close();
    expect(data.ticketChanged.ticket.id).toBe(sonzai);
    expect(data.ticketChanged.activity?.body).toBe('for this subscriber');
  });

  it('answers a malformed filter with BAD_USER_INPUT instead of a stream', async () => {
    const response = await fetch(`${b.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...AUTH },
      body: JSON.stringify({ query: CHANGES, variables: { filter: { assignee: ['not-an-id!'] } } }),
    });
    const text = await response.text();
    expect(text).toContain('BAD_USER_INPUT');
  });
});
