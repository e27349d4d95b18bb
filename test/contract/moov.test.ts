import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MoovSettings } from '../../src/providers/moov/settings.js';
import { MoovProvider } from '../../src/providers/moov/client.js';
import {
  moovCreateTicketErrorSchema,
  moovGenericErrorSchema,
  moovMessageListSchema,
  moovTicketListSchema,
  moovTicketSchema,
  moovUpdateTicketErrorSchema,
} from '../../src/providers/moov/wire.js';
import type { ProviderFilter } from '../../src/upstream/provider.js';
import { UpstreamError } from '../../src/upstream/errors.js';
import { TicketgraphError } from '../../src/errors.js';
import type { TicketModel } from '../../src/model/ticket.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { moovSandboxCredentials } from '../../src/providers/moov/simulator/index.js';
import { Secret } from '../../src/secret.js';
import { testDeps } from '../helpers/settings.js';
import { pageTickets } from '../../src/upstream/rows.js';

const SEED = 42;
const TICKETS = 60;
const ctx = {};

let sandbox: Sandbox;
let settings: MoovSettings;
let moov: MoovProvider;

beforeAll(async () => {
  sandbox = await startSandbox({ providers: ['moov'], tickets: TICKETS, seed: SEED });
  settings = sandbox.settings('moov');
  moov = new MoovProvider(settings, testDeps());
});

afterEach(() => {
  sandbox.setFault('moov', null);
  sandbox.resetRequests();
});

afterAll(async () => {
  await sandbox.close();
});

async function walk(provider: MoovProvider, filter: ProviderFilter, limit = 7): Promise<Map<string, TicketModel[]>> {
  const bySource = new Map<string, TicketModel[]>();
  for (const source of provider.listSources(filter)) {
    const tickets: TicketModel[] = [];
    let cursor: string | null = null;
    do {
      const page = await provider.listTickets({ source, cursor, limit, filter }, ctx);
      expect(pageTickets(page).length).toBeLessThanOrEqual(limit);
      tickets.push(...pageTickets(page));
      cursor = page.next;
    } while (cursor !== null);
    bySource.set(source, tickets);
  }
  return bySource;
}

async function caught(promise: Promise<unknown>): Promise<TicketgraphError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TicketgraphError);
  return error as TicketgraphError;
}

/** The first ticket of the first account in list order. */
async function anyTicket(filter: ProviderFilter = {}): Promise<TicketModel> {
  const source = moov.listSources(filter)[0] as string;
  const page = await moov.listTickets({ source, cursor: null, limit: 5, filter }, ctx);
  const ticket = pageTickets(page)[0];
  if (!ticket) throw new Error('sandbox has no ticket');
  return ticket;
}

const raw = (path: string, init: RequestInit = {}) => {
  const { Authorization, 'X-Moov-Version': version } = sandbox.credentials('moov');
  return fetch(`${sandbox.url('moov')}${path}`, {
    ...init,
    headers: { Authorization: Authorization as string, 'X-Moov-Version': version as string, 'content-type': 'application/json', ...init.headers },
  });
};

describe('MoovProvider reads', () => {
  it('lists one source per sandbox account', () => {
    expect(settings.accountIds).toHaveLength(2);
    expect(moov.listSources({})).toEqual(settings.accountIds);
  });

  it('walks every page of every account: all tickets exactly once, newest update first', async () => {
    const bySource = await walk(moov, {});
    const all = [...bySource.values()].flat();
    expect(all).toHaveLength(TICKETS);
    expect(new Set(all.map((t) => t.id)).size).toBe(TICKETS);
    for (const [accountId, tickets] of bySource) {
      expect(tickets.length).toBeGreaterThan(0);
      expect(tickets.every((t) => t.nativeId.startsWith(`${accountId}/`))).toBe(true);
      const times = tickets.map((t) => t.updatedAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
    }
    expect(new Set(all.map((t) => t.status))).toEqual(new Set(['OPEN', 'IN_PROGRESS', 'WAITING', 'CLOSED']));
    expect(sandbox.requests('moov').listTickets).toBeGreaterThan(2);
  });

  it('pushes a status filter down, one source per Moov status', async () => {
    const filter: ProviderFilter = { statuses: ['OPEN', 'WAITING'] };
    expect(moov.listSources(filter)).toHaveLength(4);
    const filtered = [...(await walk(moov, filter, 50)).values()].flat();
    const everything = [...(await walk(moov, {}, 100)).values()].flat();
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((t) => t.status === 'OPEN' || t.status === 'WAITING')).toBe(true);
    expect(filtered.map((t) => t.id).sort()).toEqual(
      everything
        .filter((t) => t.status === 'OPEN' || t.status === 'WAITING')
        .map((t) => t.id)
        .sort(),
    );
  });

  it('asks nothing for a status Moov does not have, and everything when UNKNOWN is wanted', () => {
    expect(moov.listSources({ statuses: ['RESOLVED'] })).toEqual([]);
    expect(moov.listSources({ statuses: ['OPEN', 'UNKNOWN'] })).toEqual(settings.accountIds);
  });

  it('gets a ticket by its native id, raw body kept', async () => {
    const listed = await anyTicket();
    const ticket = await moov.getTicket(listed.nativeId, ctx);
    expect(ticket).toEqual({ ...listed, raw: ticket.raw });
    expect(ticket.raw).toEqual(listed.raw);
    expect(moovTicketSchema.safeParse(ticket.raw).success).toBe(true);
    expect(ticket.requester?.kind).toBe('CONTACT');
    expect(ticket.tags).toEqual([]);
    expect(ticket.description).toBeNull();
    expect(sandbox.requests('moov')).toEqual({ listTickets: 1, getTicket: 1 });
  });

  it('reads the messages thread as COMMENT activities, the first by the requester', async () => {
    const ticket = await anyTicket();
    const activities = await moov.listActivities(ticket, ctx);
    expect(activities.length).toBeGreaterThan(0);
    expect(activities.every((a) => a.kind === 'COMMENT' && a.ticketId === ticket.id)).toBe(true);
    expect(activities[0]?.author?.id).toBe(ticket.requester?.id);
    const times = activities.map((a) => a.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('answers NOT_FOUND for an unknown ticket', async () => {
    const [accountId] = settings.accountIds as [string];
    const error = await caught(moov.getTicket(`${accountId}/00000000-0000-4000-8000-000000000000`, ctx));
    expect(error.code).toBe('NOT_FOUND');
    expect(typeof error.extensions.requestId).toBe('string');
  });

  it('answers NOT_FOUND for an account outside MOOV_ACCOUNT_IDS without calling Moov (issue 13)', async () => {
    sandbox.resetRequests();
    const error = await caught(moov.getTicket('00000000-0000-4000-8000-000000000000/x', ctx));
    expect(error.code).toBe('NOT_FOUND');
    expect(sandbox.requests('moov')).toEqual({});
  });

  it('refuses a malformed native id without calling Moov', async () => {
    for (const nativeId of ['no-slash', 'a/b/c', '/b']) {
      expect((await caught(moov.getTicket(nativeId, ctx))).code).toBe('BAD_USER_INPUT');
      expect((await caught(moov.closeTicket(nativeId, ctx))).code).toBe('BAD_USER_INPUT');
    }
    expect(sandbox.totalRequests('moov')).toBe(0);
  });
});

describe('MoovProvider writes', () => {
  it('creates a ticket in the first account by default; the description is the first message', async () => {
    const { ticket } = await moov.createTicket(
      { title: 'Payout delayed', description: 'Our payout of Friday has not arrived.', requesterEmail: 'Ops@Example.com', requesterName: 'Ops Team' },
      ctx,
    );
    expect(ticket.nativeId.startsWith(`${settings.accountIds[0]}/`)).toBe(true);
    expect(ticket).toMatchObject({ title: 'Payout delayed', status: 'OPEN', providerStatus: 'new', closedAt: null });
    expect(ticket.requester).toMatchObject({ kind: 'CONTACT', email: 'Ops@Example.com', name: 'Ops Team', nativeId: 'email:ops@example.com' });
    const reread = await moov.getTicket(ticket.nativeId, ctx);
    expect(reread.title).toBe('Payout delayed');
    const [first] = await moov.listActivities(reread, ctx);
    expect(first).toMatchObject({ kind: 'COMMENT', body: 'Our payout of Friday has not arrived.' });
    expect(first?.author?.id).toBe(ticket.requester?.id);
    const page = await moov.listTickets({ source: settings.accountIds[0] as string, cursor: null, limit: 1, filter: {} }, ctx);
    expect(pageTickets(page)[0]?.id).toBe(ticket.id);
    expect(sandbox.requests('moov').createTicket).toBe(1);
  });

  it('creates in the account given as scope', async () => {
    const scope = settings.accountIds[1] as string;
    const { ticket } = await moov.createTicket({ title: 'Second account', description: 'x', requesterEmail: 'a@example.com', scope }, ctx);
    expect(ticket.nativeId.startsWith(`${scope}/`)).toBe(true);
  });

  it('refuses a create without requester email before calling Moov', async () => {
    const error = await caught(moov.createTicket({ title: 'No contact', description: 'x' }, ctx));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(sandbox.totalRequests('moov')).toBe(0);
  });

  it("maps Moov's 422 to BAD_USER_INPUT with our field names", async () => {
    const error = await caught(moov.createTicket({ title: ' ', description: 'x', requesterEmail: 'not-an-email' }, ctx));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.fields).toEqual(['title', 'requesterEmail']);
    expect(error.message).toContain('requesterEmail: must be a valid email address');
  });

  it('closes a ticket (visible on re-read); closing it again is a CONFLICT', async () => {
    const open = await anyTicket({ statuses: ['OPEN'] });
    const { ticket } = await moov.closeTicket(open.nativeId, ctx);
    expect(ticket).toMatchObject({ id: open.id, status: 'CLOSED', providerStatus: 'closed' });
    expect(ticket.closedAt).toBeInstanceOf(Date);
    expect((await moov.getTicket(open.nativeId, ctx)).status).toBe('CLOSED');
    const again = await caught(moov.closeTicket(open.nativeId, ctx));
    expect(again.code).toBe('CONFLICT');
    expect(sandbox.requests('moov').updateTicket).toBe(2);
  });
});

describe('MoovProvider auth and versioning', () => {
  it('fails with PROVIDER_AUTH_FAILED on a wrong secret key, without leaking either key', async () => {
    const wrong = 'sk_wrong_but_secret_value';
    const auth = settings.auth;
    if (auth.kind !== 'basic') throw new Error('sandbox settings use Basic auth');
    const bad = new MoovProvider({ ...settings, auth: { ...auth, secretKey: new Secret(wrong) } }, testDeps());
    const error = await caught(bad.listTickets({ source: settings.accountIds[0] as string, cursor: null, limit: 5, filter: {} }, ctx));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.code).toBe('PROVIDER_AUTH_FAILED');
    const text = `${JSON.stringify(error)} ${error.message} ${String(error.stack)}`;
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(auth.publicKey.reveal());
    expect(text).not.toContain(auth.secretKey.reveal());
  });

  it('accepts a bearer token; a read-only token reads but may not close (FORBIDDEN)', async () => {
    const creds = moovSandboxCredentials(SEED);
    const full = new MoovProvider({ ...settings, auth: { kind: 'bearer', token: new Secret(creds.token) } }, testDeps());
    expect((await full.getTicket((await anyTicket()).nativeId, ctx)).provider).toBe('moov');
    const readOnly = new MoovProvider({ ...settings, auth: { kind: 'bearer', token: new Secret(creds.readOnlyToken) } }, testDeps());
    const ticket = await readOnly.getTicket((await anyTicket({ statuses: ['IN_PROGRESS'] })).nativeId, ctx);
    expect((await caught(readOnly.closeTicket(ticket.nativeId, ctx))).code).toBe('FORBIDDEN');
    const bogus = new MoovProvider({ ...settings, auth: { kind: 'bearer', token: new Secret('moov_at_bogus') } }, testDeps());
    expect((await caught(bogus.getTicket(ticket.nativeId, ctx))).code).toBe('PROVIDER_AUTH_FAILED');
  });

  it('sends the pinned X-Moov-Version: a malformed one gets 404, an unknown well-formed one falls back', async () => {
    const nativeId = (await anyTicket()).nativeId;
    const malformed = new MoovProvider({ ...settings, apiVersion: 'v2025-07' }, testDeps());
    expect((await caught(malformed.getTicket(nativeId, ctx))).code).toBe('NOT_FOUND');
    const future = new MoovProvider({ ...settings, apiVersion: 'v2099.01.00' }, testDeps());
    expect((await future.getTicket(nativeId, ctx)).nativeId).toBe(nativeId);
  });
});

describe('MoovProvider under faults', () => {
  it('ends in RATE_LIMITED after its retries on a steady 429, then recovers when it clears', async () => {
    const nativeId = (await anyTicket()).nativeId;
    sandbox.resetRequests();
    sandbox.setFault('moov', { status: 429, rate: 1, retryAfter: 0 });
    const error = await caught(moov.getTicket(nativeId, ctx));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.extensions.retryAfter).toBe(0);
    expect(sandbox.requests('moov').getTicket).toBe(3);
    sandbox.setFault('moov', null);
    expect((await moov.getTicket(nativeId, ctx)).nativeId).toBe(nativeId);
  });

  it('rides out an intermittent 429 by retrying after Retry-After', async () => {
    const nativeId = (await anyTicket()).nativeId;
    sandbox.resetRequests();
    sandbox.setFault('moov', { status: 429, rate: 0.5, retryAfter: 0 });
    const patient = new MoovProvider(settings, testDeps({ retryLimit: 6 }));
    for (let i = 0; i < 6; i++) expect((await patient.getTicket(nativeId, ctx)).nativeId).toBe(nativeId);
    expect(sandbox.requests('moov').getTicket).toBeGreaterThan(6);
  });

  it('honours a rate budget: the 429 with Retry-After 1 is waited out', async () => {
    const nativeId = (await anyTicket()).nativeId;
    sandbox.resetRequests();
    sandbox.setFault('moov', { rateLimitPerSecond: 1 });
    await moov.getTicket(nativeId, ctx);
    await moov.getTicket(nativeId, ctx);
    expect(sandbox.requests('moov').getTicket).toBe(3);
  });

  it('maps a 503 to UPSTREAM_UNAVAILABLE after retrying the GET', async () => {
    sandbox.setFault('moov', { status: 503 });
    const error = await caught(moov.listTickets({ source: settings.accountIds[0] as string, cursor: null, limit: 5, filter: {} }, ctx));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(sandbox.requests('moov').listTickets).toBe(3);
  });

  it('never retries the POST create or the PATCH close', async () => {
    const nativeId = (await anyTicket({ statuses: ['IN_PROGRESS'] })).nativeId;
    sandbox.resetRequests();
    sandbox.setFault('moov', { status: 503 });
    expect((await caught(moov.createTicket({ title: 't', description: 'd', requesterEmail: 'a@example.com' }, ctx))).code).toBe('UPSTREAM_UNAVAILABLE');
    expect((await caught(moov.closeTicket(nativeId, ctx))).code).toBe('UPSTREAM_UNAVAILABLE');
    expect(sandbox.requests('moov')).toEqual({ createTicket: 1, updateTicket: 1 });
  });

  it('times out a hanging Moov with UPSTREAM_TIMEOUT', async () => {
    const nativeId = (await anyTicket()).nativeId;
    sandbox.setFault('moov', { hang: true });
    const quick = new MoovProvider(settings, testDeps({ retryLimit: 0 }));
    expect((await caught(quick.getTicket(nativeId, ctx))).code).toBe('UPSTREAM_TIMEOUT');
  });

  it('reports a drifted payload as UPSTREAM_BAD_RESPONSE with the path of the bad field', async () => {
    const ticket = await anyTicket();
    sandbox.setFault('moov', { drift: true });
    const cases: [Promise<unknown>, string][] = [
      [moov.getTicket(ticket.nativeId, ctx), 'ticketID'],
      // A list row is validated when it is used (src/upstream/rows.ts): here, all of them.
      [moov.listTickets({ source: settings.accountIds[0] as string, cursor: null, limit: 5, filter: {} }, ctx).then(pageTickets), 'items.0.status'],
      [moov.listActivities(ticket, ctx), '0.sentOn'],
    ];
    for (const [promise, path] of cases) {
      const error = await caught(promise);
      expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
      expect(error.extensions.path).toBe(path);
    }
  });

  it('reports a body that is not JSON as UPSTREAM_BAD_RESPONSE', async () => {
    const nativeId = (await anyTicket()).nativeId;
    sandbox.setFault('moov', { malformed: true });
    expect((await caught(moov.getTicket(nativeId, ctx))).code).toBe('UPSTREAM_BAD_RESPONSE');
  });
});

describe('moov simulator', () => {
  it('serves every endpoint in the shapes the schemas describe, each with an x-request-id', async () => {
    const [accountId] = settings.accountIds as [string];
    const base = `/accounts/${accountId}/tickets`;
    const list = await raw(`${base}?count=3`);
    expect(list.status).toBe(200);
    expect(list.headers.get('x-request-id')).toBeTruthy();
    const page = moovTicketListSchema.parse(await list.json());
    expect(page.items).toHaveLength(3);
    expect(page.nextPage?.cursor).toBeTruthy();
    const second = moovTicketListSchema.parse(await (await raw(`${base}?count=3&cursor=${page.nextPage?.cursor ?? ''}`)).json());
    expect(second.items.map((t) => t.ticketID)).not.toContain(page.items[0]?.ticketID);

    const id = page.items[0]?.ticketID as string;
    moovTicketSchema.parse(await (await raw(`${base}/${id}`)).json());
    moovMessageListSchema.parse(await (await raw(`${base}/${id}/messages`)).json());

    const created = await raw(base, { method: 'POST', body: JSON.stringify({ title: 'T', body: 'B', contact: { email: 'c@example.com' }, foreignID: 'crm-x', author: 'Bot' }) });
    expect(created.status).toBe(200);
    const ticket = moovTicketSchema.parse(await created.json());
    expect(ticket).toMatchObject({ status: 'new', foreignID: 'crm-x' });
    const byForeignId = moovTicketListSchema.parse(await (await raw(`${base}?foreignID=crm-x`)).json());
    expect(byForeignId.items.map((t) => t.ticketID)).toEqual([ticket.ticketID]);
    const messages = moovMessageListSchema.parse(await (await raw(`${base}/${ticket.ticketID}/messages`)).json());
    expect(messages).toEqual([{ author: 'Bot', body: 'B', sentOn: ticket.createdOn }]);

    const badCreate = await raw(base, { method: 'POST', body: JSON.stringify({ contact: {} }) });
    expect(badCreate.status).toBe(422);
    expect(moovCreateTicketErrorSchema.parse(await badCreate.json())).toEqual({
      title: 'cannot be blank',
      body: 'cannot be blank',
      contact: { email: 'cannot be blank' },
    });
    const badStatus = await raw(`${base}/${ticket.ticketID}`, { method: 'PATCH', body: JSON.stringify({ status: 'new' }) });
    expect(badStatus.status).toBe(422);
    expect(moovUpdateTicketErrorSchema.parse(await badStatus.json()).status).toBeTruthy();
    const closed = await raw(`${base}/${ticket.ticketID}`, { method: 'PATCH', body: JSON.stringify({ status: 'closed' }) });
    expect(moovTicketSchema.parse(await closed.json()).closedOn).toBeTruthy();
    const conflict = await raw(`${base}/${ticket.ticketID}`, { method: 'PATCH', body: JSON.stringify({ status: 'closed' }) });
    expect(conflict.status).toBe(409);
    expect(moovGenericErrorSchema.parse(await conflict.json()).error).toMatch(/closed/);
  });

  it('answers bad list parameters with 400 {error}', async () => {
    const base = `/accounts/${settings.accountIds[0] as string}/tickets`;
    for (const query of ['count=0', 'count=1000', 'status=open', 'cursor=nonsense']) {
      const response = await raw(`${base}?${query}`);
      expect(response.status).toBe(400);
      moovGenericErrorSchema.parse(await response.json());
    }
  });

  it('answers 401, 404 and 429 with no body but with their headers', async () => {
    const unauthorized = await fetch(`${sandbox.url('moov')}/accounts/${settings.accountIds[0] as string}/tickets`);
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('x-request-id')).toBeTruthy();
    expect(await unauthorized.text()).toBe('');
    const missing = await raw('/accounts/nope/tickets');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-request-id')).toBeTruthy();
    sandbox.setFault('moov', { status: 429, retryAfter: 2 });
    const limited = await raw(`/accounts/${settings.accountIds[0] as string}/tickets`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.headers.get('x-request-id')).toBeTruthy();
  });
});
