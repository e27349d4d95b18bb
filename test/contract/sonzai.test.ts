import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SonzaiSettings } from '../../src/providers/sonzai/settings.js';
import { SonzaiProvider } from '../../src/providers/sonzai/client.js';
import { sonzaiCommentSchema, sonzaiErrorSchema, sonzaiTicketDetailSchema, sonzaiTicketListSchema, sonzaiTicketSchema } from '../../src/providers/sonzai/wire.js';
import { UpstreamError } from '../../src/upstream/errors.js';
import { BadUserInputError } from '../../src/errors.js';
import type { ActivityModel } from '../../src/model/activity.js';
import type { TicketModel } from '../../src/model/ticket.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createPeople } from '../../src/simkit/people.js';
import { generateSonzaiData, issueSonzaiToken } from '../../src/providers/sonzai/simulator/index.js';
import { Secret } from '../../src/secret.js';
import { testDeps } from '../helpers/settings.js';
import { pageTickets } from '../../src/upstream/rows.js';

const SEED = 42;
const TICKETS = 60;

let sandbox: Sandbox;
let settings: SonzaiSettings;
let provider: SonzaiProvider;
/** The same generated data the simulator holds: who owns which ticket. */
const data = generateSonzaiData({ seed: SEED, tickets: TICKETS, people: createPeople(SEED) });
const colleagueTicket = data.tickets.find((t) => t.created_by === data.colleagues[0]!.id)!;
const strangerTicket = data.tickets.find((t) => t.created_by === data.strangers[0]!.id)!;

// Sonzai's paging dialect is left open by the seed (it shows items per page + offset; production
// answers a cursor): the whole contract runs against a simulator speaking each one (issue 17).
describe.each(['offset', 'cursor'] as const)('sonzai contract, simulator paging by %s', (paging) => {
  beforeAll(async () => {
    sandbox = await startSandbox({ providers: ['sonzai'], tickets: TICKETS, seed: SEED, forms: { sonzaiPaging: paging } });
    settings = sandbox.settings('sonzai');
    provider = new SonzaiProvider(settings, testDeps());
  });

  afterEach(() => {
    sandbox.setFault('sonzai', null);
    sandbox.resetRequests();
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
    const error = await promise.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    return error as UpstreamError;
  }

  async function walk(source: string, cursor: string | null, limit: number, p = provider): Promise<{ tickets: TicketModel[]; pages: number; totals: (number | null)[] }> {
    const tickets: TicketModel[] = [];
    const totals: (number | null)[] = [];
    let pages = 0;
    let position = cursor;
    do {
      const page = await p.listTickets({ source, cursor: position, limit, filter: {} }, {});
      tickets.push(...pageTickets(page));
      totals.push(page.totalCount);
      position = page.next;
      pages++;
      if (pages > 50) throw new Error('the walk does not end');
    } while (position);
    return { tickets, pages, totals };
  }

  const firstTicket = async () => pageTickets(await provider.listTickets({ source: '', cursor: null, limit: 1, filter: {} }, {}))[0]!;

  /** Direct HTTP to the simulator, as a curl user would. */
  async function raw(method: string, path: string, options: { token?: string | null; body?: unknown } = {}) {
    const token = options.token === undefined ? settings.token.reveal() : options.token;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${settings.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
  }

  describe('SonzaiProvider against the sandbox: reads', () => {
    it('serves the API under /api/v1 with the session token', () => {
      expect(settings.baseUrl).toBe(`${sandbox.url('sonzai')}/api/v1`);
      expect(settings.token.reveal().split('.')).toHaveLength(3);
    });

    it('walks every page in the dialect the server answers: each of the caller’s tickets exactly once, updatedAt desc', async () => {
      const { tickets, pages, totals } = await walk('', null, 25);
      expect(pages).toBe(3);
      expect(tickets).toHaveLength(TICKETS);
      expect(new Set(tickets.map((t) => t.id)).size).toBe(TICKETS);
      const times = tickets.map((t) => t.updatedAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
      // The offset dialect gives a total; the cursor dialect does not.
      expect(totals).toEqual(paging === 'offset' ? [TICKETS, TICKETS, TICKETS] : [null, null, null]);
      expect(sandbox.requests('sonzai')).toEqual({ listTickets: 3 });
      // Only the caller's own tickets: the colleague's and the other tenant's are not listed.
      const ids = new Set(tickets.map((t) => t.nativeId));
      expect(ids.has(colleagueTicket.ticket_id)).toBe(false);
      expect(ids.has(strangerTicket.ticket_id)).toBe(false);
    });

    it('issue 17: leads with the seed’s dialect (limit + offset) and follows a next_cursor where the server gives one', async () => {
      const first = await provider.listTickets({ source: '', cursor: null, limit: 25, filter: {} }, {});
      expect(first.next).toMatch(paging === 'offset' ? /^o:25$/ : /^c:25:/);
      const fromOffset = await walk('', 'o:0', 25);
      const fromStart = await walk('', null, 25);
      expect(fromOffset.tickets.map((t) => t.id)).toEqual(fromStart.tickets.map((t) => t.id));
    });

    it('maps list rows with email-based people and no timeline', async () => {
      const ticket = await firstTicket();
      expect(ticket.requester).toMatchObject({ nativeId: `email:${data.user.email.toLowerCase()}`, kind: 'USER' });
      expect(ticket.activities).toBeUndefined();
      expect(ticket.description).toBeNull();
      expect(ticket.raw).toHaveProperty('ticket_id', ticket.nativeId);
    });

    it('pushes a status filter down as one source per Sonzai status', async () => {
      expect(provider.listSources({})).toEqual(['']);
      expect(provider.listSources({ statuses: ['CLOSED', 'RESOLVED'] })).toEqual(['status:resolved', 'status:closed']);
      expect(provider.listSources({ statuses: ['OPEN', 'UNKNOWN'] })).toEqual(['']);
      expect(provider.listSources({ statuses: ['WAITING'] })).toEqual([]);
      let sum = 0;
      for (const status of ['OPEN', 'IN_PROGRESS', 'RESOLVED', 'CLOSED'] as const) {
        const [source] = provider.listSources({ statuses: [status] });
        const { tickets } = await walk(source!, null, 100);
        expect(tickets.length).toBeGreaterThan(0);
        expect(tickets.every((t) => t.status === status)).toBe(true);
        sum += tickets.length;
      }
      expect(sum).toBe(TICKETS);
    });

    it('filters by type upstream (the list’s other filter)', async () => {
      const { body } = await raw('GET', '/support/tickets?type=billing&page_size=100');
      const list = sonzaiTicketListSchema.parse(body);
      expect(list.tickets!.length).toBeGreaterThan(0);
      expect(list.tickets!.every((t) => t.type === 'billing')).toBe(true);
    });

    it('reads the detail with comments and history, people matching the list', async () => {
      const { tickets } = await walk('', null, 100);
      const busy = tickets.find((t) => t.providerStatus === 'closed' && t.assignee)!;
      const full = await provider.getTicket(busy.nativeId, {});
      expect(full.id).toBe(busy.id);
      expect(full.description).toEqual(expect.any(String));
      expect(full.requester?.id).toBe(busy.requester?.id);
      expect(full.assignee?.id).toBe(busy.assignee?.id);
      expect(full.closedAt).toBeInstanceOf(Date);
      const kinds = new Set(full.activities!.map((a) => a.kind));
      expect(kinds).toContain('STATUS_CHANGE');
      expect(kinds).toContain('ASSIGNMENT_CHANGE');
      const assignments = full.activities!.filter((a): a is Extract<ActivityModel, { kind: 'ASSIGNMENT_CHANGE' }> => a.kind === 'ASSIGNMENT_CHANGE');
      expect(assignments.at(-1)!.to?.id).toBe(full.assignee?.id);
      expect((full.raw as { history: unknown[] }).history.length).toBeGreaterThan(0);
    });

    it('produces every activity kind Sonzai has over the sandbox data', async () => {
      const { tickets } = await walk('', null, 100);
      const kinds = new Set<string>();
      for (const ticket of tickets.slice(0, 30)) for (const a of (await provider.getTicket(ticket.nativeId, {})).activities!) kinds.add(a.kind);
      expect([...kinds].sort()).toEqual(['ASSIGNMENT_CHANGE', 'COMMENT', 'FIELD_CHANGE', 'STATUS_CHANGE']);
    });

    it('answers NOT_FOUND for an unknown id and for another tenant’s ticket', async () => {
      expect((await failure(provider.getTicket('00000000-0000-4000-8000-000000000000', {}))).code).toBe('NOT_FOUND');
      expect((await failure(provider.getTicket(strangerTicket.ticket_id, {}))).code).toBe('NOT_FOUND');
    });

    it('refuses malformed native ids before any call', async () => {
      await expect(provider.getTicket('a/b', {})).rejects.toBeInstanceOf(BadUserInputError);
      await expect(provider.listTickets({ source: '', cursor: 'garbage', limit: 10, filter: {} }, {})).rejects.toBeInstanceOf(BadUserInputError);
      expect(sandbox.totalRequests('sonzai')).toBe(0);
    });
  });

  describe('SonzaiProvider against the sandbox: writes', () => {
    it('creates a ticket that leads the list and reads back', async () => {
      const { ticket } = await provider.createTicket!({ title: 'Voice agent drops calls', description: 'Since Tuesday.', priority: 'HIGH' }, {});
      expect(ticket).toMatchObject({ title: 'Voice agent drops calls', description: 'Since Tuesday.', status: 'OPEN', priority: 'HIGH', type: 'support' });
      expect(ticket.requester?.email).toBe(data.user.email);
      expect(await firstTicket()).toMatchObject({ id: ticket.id });
      const again = await provider.getTicket(ticket.nativeId, {});
      expect(again).toMatchObject({ title: 'Voice agent drops calls', activities: [] });
    });

    it('lets the server default the priority', async () => {
      const { ticket } = await provider.createTicket!({ title: 'Invoice', description: 'Twice charged', type: 'billing' }, {});
      expect(ticket).toMatchObject({ priority: 'MEDIUM', providerPriority: 'medium', type: 'billing' });
    });

    it('maps a 422 to BAD_USER_INPUT naming our field', async () => {
      const error = await failure(provider.createTicket!({ title: '  ', description: 'x' }, {}));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.extensions.fields).toEqual(['title']);
      expect(error.message).toContain('title');
    });

    it('closes a ticket; the history shows it; closing again is a CONFLICT', async () => {
      const { tickets } = await walk('status:open', null, 100);
      const target = tickets[0]!;
      const { ticket } = await provider.closeTicket!(target.nativeId, {});
      expect(ticket).toMatchObject({ id: target.id, status: 'CLOSED', providerStatus: 'closed' });
      expect(ticket.closedAt).toBeInstanceOf(Date);
      const again = await provider.getTicket(target.nativeId, {});
      expect(again.status).toBe('CLOSED');
      expect(again.activities!.at(-1)).toMatchObject({ kind: 'STATUS_CHANGE', from: 'OPEN', to: 'CLOSED', author: { id: target.requester!.id } });
      const error = await failure(provider.closeTicket!(target.nativeId, {}));
      expect(error.code).toBe('CONFLICT');
    });

    it('refuses to close a colleague’s ticket with FORBIDDEN', async () => {
      expect((await failure(provider.closeTicket!(colleagueTicket.ticket_id, {}))).code).toBe('FORBIDDEN');
      expect((await failure(provider.closeTicket!(strangerTicket.ticket_id, {}))).code).toBe('NOT_FOUND');
    });

    it('adds a public comment, visible on re-read', async () => {
      const target = await firstTicket();
      const { ticket, activity } = await provider.addComment!(target.nativeId, { body: 'Any update?', internal: false }, {});
      expect(activity).toMatchObject({ kind: 'COMMENT', body: 'Any update?', internal: false, ticketId: target.id, author: { id: target.requester!.id } });
      expect(ticket.activities!.at(-1)).toEqual(activity);
      expect(sandbox.requests('sonzai')).toMatchObject({ listTickets: 1, addComment: 1, getTicket: 1 });
    });

    it('refuses an internal comment before any call', async () => {
      const target = await firstTicket();
      sandbox.resetRequests();
      await expect(provider.addComment!(target.nativeId, { body: 'note', internal: true }, {})).rejects.toThrow(/staff-only/);
      expect(sandbox.totalRequests('sonzai')).toBe(0);
    });

    it('maps an empty comment to BAD_USER_INPUT on `body`', async () => {
      const target = await firstTicket();
      const error = await failure(provider.addComment!(target.nativeId, { body: '', internal: false }, {}));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.extensions.fields).toEqual(['body']);
    });

    it('does not retry a POST on 503 (exactly one request)', async () => {
      sandbox.setFault('sonzai', { status: 503 });
      const error = await failure(provider.createTicket!({ title: 't', description: 'd' }, {}));
      expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(sandbox.requests('sonzai')).toEqual({ createTicket: 1 });
    });
  });

  describe('SonzaiProvider against the sandbox: auth and faults', () => {
    const withToken = (token: string) => new SonzaiProvider({ ...settings, token: new Secret(token) }, testDeps());

    it.each([
      ['a token signed by someone else', () => issueSonzaiToken(7, data.user)],
      ['a project API key', () => 'sk_live_0123456789abcdef'],
      ['a token that is not a JWT', () => 'not-a-token'],
    ])('maps %s to PROVIDER_AUTH_FAILED without leaking it', async (_name, make) => {
      const token = make();
      const error = await failure(withToken(token).getTicket(data.tickets[0]!.ticket_id, {}));
      expect(error.code).toBe('PROVIDER_AUTH_FAILED');
      expect(error.status).toBe(401);
      expect(JSON.stringify(error)).not.toContain(token);
      expect(error.message).not.toContain(token);
      expect(JSON.stringify(error.extensions)).not.toContain(token);
      expect(String(error.stack)).not.toContain(token);
    });

    it('says why a project API key is refused (problem+json 401)', async () => {
      const response = await raw('GET', '/support/tickets', { token: 'sk_live_0123456789abcdef' });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(sonzaiErrorSchema.parse(response.body).detail).toMatch(/dashboard session/);
      expect((await raw('GET', '/support/tickets', { token: null })).status).toBe(401);
    });

    it('never leaks the real token in errors', async () => {
      sandbox.setFault('sonzai', { status: 500 });
      const error = await failure(provider.getTicket('x', {}));
      const token = settings.token.reveal();
      expect(JSON.stringify(error)).not.toContain(token);
      expect(error.message).not.toContain(token);
    });

    it('ends in RATE_LIMITED after the retries when every call is a 429', async () => {
      sandbox.setFault('sonzai', { status: 429, rate: 1, retryAfter: 0 });
      const error = await failure(provider.getTicket(data.tickets[0]!.ticket_id, {}));
      expect(error.code).toBe('RATE_LIMITED');
      expect(error.retryAfter).toBe(0);
      expect(sandbox.requests('sonzai')).toEqual({ getTicket: 3 });
      sandbox.setFault('sonzai', null);
      expect((await provider.getTicket(data.tickets[0]!.ticket_id, {})).nativeId).toBe(data.tickets[0]!.ticket_id);
    });

    it('gives up at once on a Retry-After beyond the cap', async () => {
      sandbox.setFault('sonzai', { status: 429, rate: 1, retryAfter: 60 });
      const error = await failure(provider.getTicket(data.tickets[0]!.ticket_id, {}));
      expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 60 });
      expect(sandbox.requests('sonzai')).toEqual({ getTicket: 1 });
    });

    it('honours Retry-After and succeeds when only some calls are limited', async () => {
      sandbox.setFault('sonzai', { status: 429, rate: 0.5, retryAfter: 0 });
      for (let i = 0; i < 3; i++) {
        const page = await provider.listTickets({ source: '', cursor: null, limit: 5, filter: {} }, {});
        expect(pageTickets(page)).toHaveLength(5);
      }
      expect(sandbox.requests('sonzai').listTickets).toBeGreaterThan(3);
    });

    it('maps a hanging upstream to UPSTREAM_TIMEOUT', async () => {
      sandbox.setFault('sonzai', { hang: true });
      const quick = new SonzaiProvider(settings, testDeps({ retryLimit: 0 }));
      expect((await failure(quick.getTicket(data.tickets[0]!.ticket_id, {}))).code).toBe('UPSTREAM_TIMEOUT');
      expect(sandbox.requests('sonzai')).toEqual({ getTicket: 1 });
    });

    it('retries a 503 and then reports UPSTREAM_UNAVAILABLE', async () => {
      sandbox.setFault('sonzai', { status: 503 });
      const error = await failure(provider.getTicket(data.tickets[0]!.ticket_id, {}));
      expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(sandbox.requests('sonzai')).toEqual({ getTicket: 3 });
    });

    it.each([
      ['a list row without ticket_id', () => provider.listTickets({ source: '', cursor: null, limit: 5, filter: {} }, {}), 'tickets.0.ticket_id'],
      ['a detail with a numeric status', () => provider.getTicket(data.tickets[0]!.ticket_id, {}), 'ticket.status'],
    ])('reports drift (%s) as UPSTREAM_BAD_RESPONSE with the path', async (_name, call, path) => {
      sandbox.setFault('sonzai', { drift: true });
      const error = await failure(call());
      expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
      expect(error.extensions.path).toBe(path);
    });

    it('reports a body that is not JSON as UPSTREAM_BAD_RESPONSE', async () => {
      sandbox.setFault('sonzai', { malformed: true });
      expect((await failure(provider.getTicket(data.tickets[0]!.ticket_id, {}))).code).toBe('UPSTREAM_BAD_RESPONSE');
    });
  });

  describe('the sonzai simulator serves what the schemas describe', () => {
    it('every success body parses', async () => {
      const list = await raw('GET', '/support/tickets');
      expect(sonzaiTicketListSchema.parse(list.body).tickets).toHaveLength(20);
      if (paging === 'cursor') expect(list.body).toHaveProperty('next_cursor');
      else expect(list.body).toMatchObject({ has_more: true, total: expect.any(Number) });
      if (paging === 'offset') {
        const offset = await raw('GET', '/support/tickets?limit=5&offset=55&status=closed');
        expect(sonzaiTicketListSchema.parse(offset.body)).toMatchObject({ has_more: false, total: expect.any(Number) });
      }
      const id = sonzaiTicketListSchema.parse(list.body).tickets![0]!.ticket_id;
      const detail = await raw('GET', `/support/tickets/${id}`);
      expect(sonzaiTicketDetailSchema.safeParse(detail.body).success).toBe(true);
      expect(detail.body).toHaveProperty('$schema', '/api/v1/schemas/TicketDetailResponse.json');
      const created = await raw('POST', '/support/tickets', { body: { title: 'a', description: 'b', type: 'bug', priority: 'low' } });
      const ticket = sonzaiTicketSchema.parse(created.body);
      expect(ticket).toMatchObject({ status: 'open', priority: 'low', type: 'bug' });
      // Documented, not read by the client (wire.ts validates only what it maps): checked on the body.
      expect(created.body).toMatchObject({ comment_count: 0, tenant_id: data.user.tenantId });
      const comment = await raw('POST', `/support/tickets/${ticket.ticket_id}/comments`, { body: { content: 'hi' } });
      expect(sonzaiCommentSchema.parse(comment.body)).toMatchObject({ is_internal: false, author_type: 'user', author_id: data.user.id });
      const closed = await raw('POST', `/support/tickets/${ticket.ticket_id}/close`);
      expect(sonzaiTicketSchema.parse(closed.body)).toMatchObject({ status: 'closed' });
      expect(closed.body).toMatchObject({ comment_count: 1 });
    });

    it('every error body is problem+json', async () => {
      const cases = [
        [await raw('GET', '/support/tickets/nope'), 404],
        // Paging errors in the dialect of this run: the offset server ignores cursor parameters.
        ...(paging === 'cursor'
          ? ([
              [await raw('GET', '/support/tickets?page_size=101'), 422],
              [await raw('GET', '/support/tickets?cursor=%%%'), 422],
              [await raw('GET', '/support/tickets?page_size=5&offset=5'), 422],
            ] as const)
          : ([
              [await raw('GET', '/support/tickets?limit=101'), 422],
              [await raw('GET', '/support/tickets?offset=-1'), 422],
              [await raw('GET', '/support/tickets?limit=0'), 422],
            ] as const)),
        [await raw('POST', '/support/tickets', { body: { title: 'x' } }), 422],
        [await raw('POST', `/support/tickets/${colleagueTicket.ticket_id}/comments`, { body: { content: 'x', is_internal: true } }), 422],
        [await raw('POST', `/support/tickets/${colleagueTicket.ticket_id}/close`), 403],
        [await raw('GET', '/support/tickets', { token: null }), 401],
      ] as const;
      for (const [response, status] of cases) {
        expect(response.status).toBe(status);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(sonzaiErrorSchema.parse(response.body).status).toBe(status);
      }
      const missing = sonzaiErrorSchema.parse(cases[4][0].body);
      expect(missing.errors).toEqual([expect.objectContaining({ location: 'body.description' })]);
    });

    it('sends 429 as problem+json with an integer Retry-After header', async () => {
      sandbox.setFault('sonzai', { status: 429, retryAfter: 2 });
      const response = await raw('GET', '/support/tickets');
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('2');
      expect(sonzaiErrorSchema.parse(response.body).status).toBe(429);
    });

    it('lets a colleague’s ticket be read by id (same tenant) but never listed', async () => {
      const detail = await raw('GET', `/support/tickets/${colleagueTicket.ticket_id}`);
      expect(detail.status).toBe(200);
      expect(sonzaiTicketDetailSchema.parse(detail.body).ticket.created_by).toBe(data.colleagues[0]!.id);
    });
  });
});
