import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ZaiaSettings } from '../../src/providers/zaia/settings.js';
import type { TicketgraphError } from '../../src/errors.js';
import { ZaiaProvider } from '../../src/providers/zaia/client.js';
import {
  zaiaChatListSchema,
  zaiaErrorSchema,
  zaiaTicketDetailsListSchema,
  zaiaTicketDetailsSchema,
  zaiaTicketingTeamListSchema,
  type ZaiaChat,
  type ZaiaTicketDetails,
} from '../../src/providers/zaia/wire.js';
import type { ProviderFilter } from '../../src/upstream/provider.js';
import type { TicketModel } from '../../src/model/ticket.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ZAIA_SANDBOX_API_KEY, zaiaSandboxTags } from '../../src/providers/zaia/simulator/index.js';
import { Secret } from '../../src/secret.js';
import { testDeps } from '../helpers/settings.js';
import { pageTickets } from '../../src/upstream/rows.js';

const TICKETS = 60;
const SEED = 42;
const ctx = {};
const MISSING = '0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f';

let sandbox: Sandbox;
let settings: ZaiaSettings;
let zaia: ZaiaProvider;

/** The one `authorization` value the simulator of this run accepts. */
let authorization: string;

// Zaia's auth form is a guess the seed leaves open: the whole contract runs against a simulator
// speaking each form, with the client left to find the form out (ZAIA_AUTH_SCHEME unset).
describe.each(['raw', 'bearer'] as const)('zaia contract, simulator taking the %s form', (form) => {
  beforeAll(async () => {
    sandbox = await startSandbox({ providers: ['zaia'], tickets: TICKETS, seed: SEED, forms: { zaiaAuth: form } });
    authorization = form === 'bearer' ? `Bearer ${ZAIA_SANDBOX_API_KEY}` : ZAIA_SANDBOX_API_KEY;
    settings = sandbox.settings('zaia');
    zaia = new ZaiaProvider(settings, testDeps());
  });
  afterAll(async () => {
    await sandbox.close();
  });
  afterEach(() => {
    sandbox.setFault('zaia', null);
    sandbox.resetRequests();
  });

  /** Straight to the simulator, for endpoints the datasource does not call. */
  async function get(path: string, auth = authorization): Promise<{ status: number; body: unknown; headers: Headers }> {
    const response = await fetch(`${sandbox.url('zaia')}${path}`, { headers: { authorization: auth } });
    return { status: response.status, body: (await response.json()) as unknown, headers: response.headers };
  }

  async function rows(query: string): Promise<ZaiaTicketDetails[]> {
    const { status, body } = await get(`/api/v1/tickets/details?${query}`);
    expect(status).toBe(200);
    return zaiaTicketDetailsListSchema.parse(body);
  }

  async function walk(source: string, filter: ProviderFilter = {}, limit = 7): Promise<TicketModel[]> {
    const all: TicketModel[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 100; guard++) {
      const page = await zaia.listTickets({ source, cursor, limit, filter }, ctx);
      expect(pageTickets(page).length).toBeLessThanOrEqual(limit);
      expect(page.totalCount).toBeNull();
      all.push(...pageTickets(page));
      cursor = page.next;
      if (cursor === null) return all;
    }
    throw new Error('paging did not end');
  }

  async function firstWithStatus(status: string, extra = ''): Promise<ZaiaTicketDetails> {
    const [row] = await rows(`status=${status}&includeRemoved=true&pageSize=1${extra}`);
    if (!row) throw new Error(`no ${status} ticket in the sandbox`);
    return row;
  }

  async function rejection(promise: Promise<unknown>): Promise<TicketgraphError> {
    try {
      await promise;
    } catch (error) {
      return error as TicketgraphError;
    }
    throw new Error('expected a rejection');
  }

  describe('zaia reads', () => {
    it('uses one source per wire status, as the filter allows', () => {
      expect(zaia.listSources({})).toEqual(['pending', 'ongoing', 'completed']);
      expect(zaia.listSources({ statuses: ['IN_PROGRESS', 'WAITING'] })).toEqual(['ongoing']);
      expect(zaia.listSources({ statuses: ['RESOLVED'] })).toEqual([]);
    });

    it('walks every page of every source: each ticket exactly once, newest first', async () => {
      const seen: string[] = [];
      for (const source of zaia.listSources({})) {
        const tickets = await walk(source);
        expect(tickets.length).toBeGreaterThan(0);
        expect(tickets.every((t) => t.providerStatus === source)).toBe(true);
        for (let i = 1; i < tickets.length; i++) {
          const [a, b] = [tickets[i - 1] as TicketModel, tickets[i] as TicketModel];
          expect(a.updatedAt.getTime() > b.updatedAt.getTime() || (a.updatedAt.getTime() === b.updatedAt.getTime() && a.nativeId > b.nativeId)).toBe(true);
        }
        seen.push(...tickets.map((t) => t.nativeId));
      }
      expect(seen.length).toBe(TICKETS);
      expect(new Set(seen).size).toBe(TICKETS);
    });

    it('keeps the page size of the cursor when a later call asks for another limit', async () => {
      const first = await zaia.listTickets({ source: 'completed', cursor: null, limit: 5, filter: {} }, ctx);
      expect(first.next).toBe('2:5');
      const second = await zaia.listTickets({ source: 'completed', cursor: first.next, limit: 50, filter: {} }, ctx);
      const direct = await rows('status=completed&includeRemoved=true&pageNumber=2&pageSize=5');
      expect(pageTickets(second).map((t) => t.nativeId)).toEqual(direct.map((r) => r.id));
    });

    it('rejects a cursor it did not issue', async () => {
      const error = await rejection(zaia.listTickets({ source: 'pending', cursor: 'abc', limit: 5, filter: {} }, ctx));
      expect(error.code).toBe('BAD_USER_INPUT');
    });

    it('gets one ticket with every documented field, nulls included', async () => {
      const row = await firstWithStatus('completed');
      const ticket = await zaia.getTicket(row.id, ctx);
      expect(ticket).toMatchObject({ nativeId: row.id, status: 'CLOSED', providerStatus: 'completed', title: row.summary });
      expect(ticket.closedAt).toEqual(new Date(row.completedAt as string));
      // raw is the body as received: the schema's fields and the documented ones it does not read.
      expect(Object.keys(ticket.raw as object).sort()).toEqual(
        [...Object.keys(zaiaTicketDetailsSchema.shape), 'workspaceId', 'chatIsRemoved', 'pendingChatMessages', 'responderVersionId', 'responderVersionNumber'].sort(),
      );
      expect(ticket.activities?.[0]?.kind).toBe('CREATED');
      expect(sandbox.requests('zaia')).toEqual({ listTickets: 1, getTicket: 1 });
    });

    it('pushes the assignee filter down', async () => {
      const row = await firstWithStatus('ongoing');
      const assignee = row.assigneeId as string;
      const tickets = await walk('ongoing', { assigneeNativeIds: [assignee] }, 100);
      expect(tickets.length).toBeGreaterThan(0);
      expect(tickets.every((t) => t.assignee?.nativeId === assignee)).toBe(true);
    });

    it('pushes the search down', async () => {
      const row = await firstWithStatus('completed');
      const word = (row.summary.split(' ')[3] ?? row.summary).replace(/\W/g, '');
      const tickets = await walk('completed', { search: word }, 100);
      expect(tickets.length).toBeGreaterThan(0);
      expect(tickets.some((t) => t.nativeId === row.id)).toBe(true);
    });

    it('filters by tag, chat and responder in the simulator', async () => {
      const tagged = await rows(
        `status=completed&includeRemoved=true&pageSize=100${zaiaSandboxTags(SEED)
          .map((t) => `&tagIds=${t.id}`)
          .join('')}`,
      );
      const all = await rows('status=completed&includeRemoved=true&pageSize=100');
      expect(tagged.length).toBeGreaterThan(0);
      expect(tagged.length).toBeLessThan(all.length);
      const one = all[0] as ZaiaTicketDetails;
      expect((await rows(`status=completed&includeRemoved=true&chatIds[]=${one.chatId}`)).every((r) => r.chatId === one.chatId)).toBe(true);
      expect((await rows(`status=completed&includeRemoved=true&pageSize=100&responderIds=${one.responderId}`)).every((r) => r.responderId === one.responderId)).toBe(true);
    });

    it('hides tickets of removed chats unless includeRemoved is set', async () => {
      await rows('status=completed&pageSize=100');
      // The flag is documented but not read by the client (wire.ts): read it from the body.
      const hidden = (await get('/api/v1/tickets/details?status=completed&pageSize=100')).body as { chatIsRemoved: boolean }[];
      expect(hidden.every((r) => !r.chatIsRemoved)).toBe(true);
    });

    it('answers validation errors with the assumed error shape', async () => {
      for (const query of ['', 'status=closed', 'status=pending&pageSize=101', 'status=pending&pageNumber=0', 'status=pending&assigneeIds=nope']) {
        const { status, body } = await get(`/api/v1/tickets/details?${query}`);
        expect(status).toBe(400);
        expect(zaiaErrorSchema.parse(body).statusCode).toBe(400);
      }
    });

    it('serves ticketing teams and chats with page-number paging, in the documented shapes', async () => {
      const teams = zaiaTicketingTeamListSchema.parse((await get('/api/v1/ticketing-teams?pageSize=100')).body);
      expect(teams.length).toBeGreaterThan(0);
      const chats: ZaiaChat[] = [];
      for (let page = 1; page < 100; page++) {
        const batch = zaiaChatListSchema.parse((await get(`/api/v1/chats?pageNumber=${page}&pageSize=25`)).body);
        chats.push(...batch);
        if (batch.length < 25) break;
      }
      expect(new Set(chats.map((c) => c.id)).size).toBe(chats.length);
      expect(chats.length).toBeGreaterThan(TICKETS / 2);
    });

    it('fails with NOT_FOUND for an unknown id', async () => {
      const error = await rejection(zaia.getTicket(MISSING, ctx));
      expect(error.code).toBe('NOT_FOUND');
      expect(error.extensions.status).toBe(404);
    });
  });

  describe('zaia writes', () => {
    const teamAndChat = async () => {
      const teams = zaiaTicketingTeamListSchema.parse((await get('/api/v1/ticketing-teams')).body);
      const chats = zaiaChatListSchema.parse((await get('/api/v1/chats?pageSize=5')).body);
      return { team: teams[0] as { id: string; name: string }, chat: chats[0] as ZaiaChat };
    };
    const someAssignee = async () => (await firstWithStatus('ongoing')).assigneeId as string;

    it('creates a ticket on a chat and returns the full ticket', async () => {
      const { team, chat } = await teamAndChat();
      const assignee = await someAssignee();
      const { ticket, activity } = await zaia.createTicket({ title: 'ignored', description: 'ignored', chatId: chat.id, teamId: team.id, assigneeNativeId: assignee }, ctx);
      expect(ticket).toMatchObject({ status: 'OPEN', providerStatus: 'pending', team: { id: team.id, name: team.name } });
      expect(ticket.assignee?.nativeId).toBe(assignee);
      expect((ticket.raw as ZaiaTicketDetails).chatId).toBe(chat.id);
      expect(ticket.title).toEqual(expect.any(String));
      expect(activity?.kind).toBe('CREATED');
      const first = await zaia.listTickets({ source: 'pending', cursor: null, limit: 5, filter: {} }, ctx);
      expect(pageTickets(first)[0]?.nativeId).toBe(ticket.nativeId);
    });

    it('refuses to create without a chat or an assignee, before any call', async () => {
      const noChat = await rejection(zaia.createTicket({ title: 't', description: 'd', assigneeNativeId: MISSING }, ctx));
      expect(noChat).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { argument: 'chatId' } });
      const noAssignee = await rejection(zaia.createTicket({ title: 't', description: 'd', chatId: MISSING }, ctx));
      expect(noAssignee).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { argument: 'assigneeNativeId' } });
      expect(sandbox.totalRequests('zaia')).toBe(0);
    });

    it('answers BAD_USER_INPUT when the chat does not exist', async () => {
      const error = await rejection(zaia.createTicket({ title: 't', description: 'd', chatId: MISSING, assigneeNativeId: await someAssignee() }, ctx));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.message).toContain('chatId');
    });

    it('completes a ticket as the acting user, and refuses to complete it twice', async () => {
      const row = await firstWithStatus('ongoing');
      const { ticket, activity } = await zaia.closeTicket(row.id, ctx);
      expect(ticket.status).toBe('CLOSED');
      expect(ticket.closedAt).not.toBeNull();
      expect(activity).toMatchObject({ kind: 'STATUS_CHANGE', to: 'CLOSED' });
      expect((await zaia.getTicket(row.id, ctx)).status).toBe('CLOSED');
      expect((await rejection(zaia.closeTicket(row.id, ctx))).code).toBe('CONFLICT');
    });

    it('completes as the assignee when no acting user is configured', async () => {
      const withoutUser = new ZaiaProvider({ ...settings, actingUserId: null }, testDeps());
      const row = await firstWithStatus('ongoing');
      expect((await withoutUser.closeTicket(row.id, ctx)).ticket.status).toBe('CLOSED');
      const unassigned = (await rows('status=pending&includeRemoved=true&pageSize=100')).find((r) => r.assigneeId === null);
      if (!unassigned) throw new Error('no unassigned pending ticket');
      expect((await rejection(withoutUser.closeTicket(unassigned.id, ctx))).code).toBe('BAD_USER_INPUT');
    });

    it('takes over a pending ticket: ongoing, with the new assignee', async () => {
      const row = await firstWithStatus('pending');
      const assignee = await someAssignee();
      const { ticket, activity } = await zaia.takeOverTicket(row.id, assignee, ctx);
      expect(ticket).toMatchObject({ status: 'IN_PROGRESS', providerStatus: 'ongoing' });
      expect(activity).toMatchObject({ kind: 'STATUS_CHANGE', from: 'OPEN', to: 'IN_PROGRESS' });
      expect((await zaia.takeOverTicket(row.id, assignee, ctx)).activity).toBeNull();
      expect(ticket.assignee?.nativeId).toBe(assignee);
      expect(ticket.activities?.map((a) => a.kind)).toEqual(['CREATED', 'STATUS_CHANGE']);
    });

    it('reassigns a ticket, and refuses to unassign', async () => {
      const row = await firstWithStatus('ongoing');
      const other = (await rows('status=ongoing&includeRemoved=true&pageSize=100')).find((r) => r.assigneeId && r.assigneeId !== row.assigneeId);
      const { ticket } = await zaia.assignTicket(row.id, other?.assigneeId as string, ctx);
      expect(ticket.assignee?.nativeId).toBe(other?.assigneeId);
      expect((await zaia.getTicket(row.id, ctx)).assignee?.nativeId).toBe(other?.assigneeId);
      expect((await rejection(zaia.assignTicket(row.id, null, ctx))).code).toBe('BAD_USER_INPUT');
      expect((await rejection(zaia.assignTicket(row.id, MISSING, ctx))).code).toBe('BAD_USER_INPUT');
    });

    it('adds and removes a tag, visible through the tag filter', async () => {
      const tag = zaiaSandboxTags(SEED)[0] as { id: string };
      const untagged = await rows(`status=pending&includeRemoved=true&pageSize=100`);
      const taggedNow = new Set((await rows(`status=pending&includeRemoved=true&pageSize=100&tagIds=${tag.id}`)).map((r) => r.id));
      const row = untagged.find((r) => !taggedNow.has(r.id)) as ZaiaTicketDetails;

      const added = await zaia.addTicketTag(row.id, tag.id, ctx);
      expect(added.ticket.tags).toBeUndefined();
      expect(added.activity).toMatchObject({ kind: 'TAG_CHANGE', added: [{ nativeId: tag.id, name: null }], removed: [] });
      expect((await rows(`status=pending&includeRemoved=true&pageSize=100&tagIds=${tag.id}`)).some((r) => r.id === row.id)).toBe(true);
      expect((await rejection(zaia.addTicketTag(row.id, tag.id, ctx))).code).toBe('CONFLICT');
      expect((await rejection(zaia.addTicketTag(row.id, MISSING, ctx))).code).toBe('BAD_USER_INPUT');

      const removed = await zaia.removeTicketTag(row.id, tag.id, ctx);
      expect(removed.activity).toMatchObject({ kind: 'TAG_CHANGE', added: [], removed: [{ nativeId: tag.id }] });
      expect((await rows(`status=pending&includeRemoved=true&pageSize=100&tagIds=${tag.id}`)).some((r) => r.id === row.id)).toBe(false);
      expect((await rejection(zaia.removeTicketTag(row.id, tag.id, ctx))).code).toBe('NOT_FOUND');
    });
  });

  describe('zaia failures', () => {
    let someId: string;
    beforeAll(async () => {
      someId = (await firstWithStatus('completed')).id;
    });

    it('maps a refused API key to PROVIDER_AUTH_FAILED without leaking it', async () => {
      const wrong = 'zaia-wrong-key-do-not-leak';
      const bad = new ZaiaProvider({ ...settings, apiKey: new Secret(wrong) }, testDeps());
      const error = await rejection(bad.getTicket(someId, ctx));
      expect(error.code).toBe('PROVIDER_AUTH_FAILED');
      expect(JSON.stringify(error)).not.toContain(wrong);
      expect(error.message).not.toContain(wrong);
      expect(String(error.stack)).not.toContain(wrong);
      const { status, body } = await get(`/api/v1/tickets/${someId}/details`, wrong);
      expect(status).toBe(401);
      expect(zaiaErrorSchema.parse(body).statusCode).toBe(401);
    });

    it('issue 17: the simulator takes exactly its one form of the authorization header', async () => {
      const other = form === 'bearer' ? ZAIA_SANDBOX_API_KEY : `Bearer ${ZAIA_SANDBOX_API_KEY}`;
      expect((await get(`/api/v1/tickets/${someId}/details`)).status).toBe(200);
      expect((await get(`/api/v1/tickets/${someId}/details`, other)).status).toBe(401);
    });

    it('issue 17: with ZAIA_AUTH_SCHEME unset, tries the bare key first, falls back once on a 401 and keeps what worked', async () => {
      const fresh = new ZaiaProvider({ ...settings, authScheme: null }, testDeps());
      expect(fresh.authScheme).toEqual({ scheme: 'raw', settled: false });
      expect((await fresh.getTicket(someId, ctx)).nativeId).toBe(someId);
      expect(sandbox.requests('zaia')).toEqual({ getTicket: form === 'raw' ? 1 : 2 });
      expect(fresh.authScheme).toEqual({ scheme: form, settled: true });
      sandbox.resetRequests();
      await fresh.getTicket(someId, ctx);
      await fresh.listTickets({ source: 'pending', cursor: null, limit: 3, filter: {} }, ctx);
      expect(sandbox.requests('zaia')).toEqual({ getTicket: 1, listTickets: 1 });
    });

    it('issue 17: the fallback covers a write too (a 401 changes nothing upstream), sending it once per form', async () => {
      const fresh = new ZaiaProvider({ ...settings, authScheme: null }, testDeps());
      const row = await firstWithStatus('ongoing');
      const other = (await rows('status=ongoing&includeRemoved=true&pageSize=100')).find((r) => r.assigneeId && r.assigneeId !== row.assigneeId);
      sandbox.resetRequests();
      const { ticket } = await fresh.assignTicket(row.id, other?.assigneeId as string, ctx);
      expect(ticket.assignee?.nativeId).toBe(other?.assigneeId);
      expect(sandbox.requests('zaia')).toEqual({ assignTicket: form === 'raw' ? 1 : 2, getTicket: 1 });
    });

    it('issue 17: ZAIA_AUTH_SCHEME set sends only that form: right, one call; wrong, PROVIDER_AUTH_FAILED without a second try', async () => {
      const right = new ZaiaProvider({ ...settings, authScheme: form }, testDeps());
      expect((await right.getTicket(someId, ctx)).nativeId).toBe(someId);
      expect(sandbox.requests('zaia')).toEqual({ getTicket: 1 });
      sandbox.resetRequests();
      const wrong = new ZaiaProvider({ ...settings, authScheme: form === 'raw' ? 'bearer' : 'raw' }, testDeps());
      expect((await rejection(wrong.getTicket(someId, ctx))).code).toBe('PROVIDER_AUTH_FAILED');
      expect(sandbox.requests('zaia')).toEqual({ getTicket: 1 });
    });

    it('issue 17: a key refused in both forms is PROVIDER_AUTH_FAILED, and nothing is learned from it', async () => {
      const bad = new ZaiaProvider({ ...settings, apiKey: new Secret('zaia-wrong-key'), authScheme: null }, testDeps());
      expect((await rejection(bad.getTicket(someId, ctx))).code).toBe('PROVIDER_AUTH_FAILED');
      expect(sandbox.requests('zaia')).toEqual({ getTicket: 2 });
      expect(bad.authScheme).toEqual({ scheme: 'raw', settled: false });
    });

    it('issue 17: a status Zaia refuses is BAD_USER_INPUT naming ZAIA_STATUS_VALUES, on the list and on create', async () => {
      const statusValues = Object.freeze({ open: 'unanswered', ongoing: 'in_progress', completed: 'finished' });
      const custom = new ZaiaProvider({ ...settings, statusValues }, testDeps());
      expect(custom.listSources({})).toEqual(['unanswered', 'in_progress', 'finished']);
      const list = await rejection(custom.listTickets({ source: 'unanswered', cursor: null, limit: 5, filter: {} }, ctx));
      expect(list).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { provider: 'zaia', status: 400, setting: 'ZAIA_STATUS_VALUES' } });
      expect(list.message).toMatch(/status "unanswered".*ZAIA_STATUS_VALUES.*now unanswered,in_progress,finished/);
      const chats = zaiaChatListSchema.parse((await get('/api/v1/chats?pageSize=1')).body);
      const create = await rejection(
        custom.createTicket({ title: 't', description: 'd', chatId: (chats[0] as ZaiaChat).id, assigneeNativeId: (await firstWithStatus('ongoing')).assigneeId as string }, ctx),
      );
      expect(create).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { setting: 'ZAIA_STATUS_VALUES' } });
      expect(create.message).toContain('status "unanswered"');
    });

    it('issue 17: the default (inferred) values are the ones the simulator speaks, so nothing is refused', async () => {
      expect(zaia.listSources({})).toEqual(['pending', 'ongoing', 'completed']);
      const page = await zaia.listTickets({ source: 'pending', cursor: null, limit: 5, filter: {} }, ctx);
      expect(pageTickets(page).length).toBeGreaterThan(0);
    });

    it('ends in RATE_LIMITED when every attempt gets a 429', async () => {
      sandbox.setFault('zaia', { status: 429, rate: 1, retryAfter: 0 });
      const error = await rejection(zaia.getTicket(someId, ctx));
      expect(error.code).toBe('RATE_LIMITED');
      expect(sandbox.requests('zaia').getTicket).toBe(3);
      const { status, headers, body } = await get(`/api/v1/tickets/${someId}/details`);
      expect(status).toBe(429);
      expect(headers.get('retry-after')).toBe('0');
      expect(zaiaErrorSchema.parse(body).statusCode).toBe(429);
      sandbox.setFault('zaia', null);
      expect((await zaia.getTicket(someId, ctx)).nativeId).toBe(someId);
    });

    it('honours a rate budget by waiting for Retry-After, then succeeds', async () => {
      sandbox.setFault('zaia', { rateLimitPerSecond: 2 });
      const results = await Promise.all([0, 1, 2].map(() => zaia.getTicket(someId, ctx)));
      expect(results.map((t) => t.nativeId)).toEqual([someId, someId, someId]);
      expect(sandbox.requests('zaia').getTicket).toBeGreaterThan(3);
    });

    it('times out on a hanging upstream', async () => {
      const quick = new ZaiaProvider(settings, testDeps({ retryLimit: 0 }));
      sandbox.setFault('zaia', { hang: true });
      expect((await rejection(quick.getTicket(someId, ctx))).code).toBe('UPSTREAM_TIMEOUT');
    });

    it('retries a 503 on reads, then ends in UPSTREAM_UNAVAILABLE', async () => {
      sandbox.setFault('zaia', { status: 503 });
      const error = await rejection(zaia.listTickets({ source: 'pending', cursor: null, limit: 10, filter: {} }, ctx));
      expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(sandbox.requests('zaia').listTickets).toBe(3);
      expect(JSON.stringify(error)).not.toContain(ZAIA_SANDBOX_API_KEY);
      expect(error.message).not.toContain(ZAIA_SANDBOX_API_KEY);
    });

    it('does not retry writes (POST, PATCH) under a 503', async () => {
      sandbox.setFault('zaia', { status: 503 });
      const create = await rejection(zaia.createTicket({ title: 't', description: 'd', chatId: MISSING, assigneeNativeId: MISSING }, ctx));
      expect(create.code).toBe('UPSTREAM_UNAVAILABLE');
      const close = await rejection(zaia.closeTicket(someId, ctx));
      expect(close.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(sandbox.requests('zaia')).toEqual({ createTicket: 1, closeTicket: 1 });
    });

    it('reports a drifted payload as UPSTREAM_BAD_RESPONSE with the field path', async () => {
      sandbox.setFault('zaia', { drift: true });
      const one = await rejection(zaia.getTicket(someId, ctx));
      expect(one).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', extensions: { path: 'createdAt' } });
      const list = await rejection(zaia.listTickets({ source: 'completed', cursor: null, limit: 5, filter: {} }, ctx));
      expect(list).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', extensions: { path: '0.createdAt' } });
    });

    it('reports a body that is not JSON as UPSTREAM_BAD_RESPONSE', async () => {
      sandbox.setFault('zaia', { malformed: true });
      expect((await rejection(zaia.getTicket(someId, ctx))).code).toBe('UPSTREAM_BAD_RESPONSE');
    });
  });
});
