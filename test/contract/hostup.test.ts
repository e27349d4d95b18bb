import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HostupSettings } from '../../src/providers/hostup/settings.js';
import { hostup } from '../../src/providers/hostup/index.js';
import { HostupV1Provider } from '../../src/providers/hostup/client-v1.js';
import { HostupV2Provider } from '../../src/providers/hostup/client-v2.js';
import type { TicketProvider } from '../../src/upstream/provider.js';
import {
  hostupV1DepartmentsEnvelopeSchema,
  hostupV1ErrorSchema,
  hostupV1RateLimitSchema,
  hostupV1TicketEnvelopeSchema,
  hostupV2DepartmentListSchema,
  hostupV2MessageSchema,
  hostupV2ProblemSchema,
  hostupV2TicketListSchema,
  hostupV2TicketSchema,
} from '../../src/providers/hostup/wire.js';
import { UpstreamError } from '../../src/upstream/errors.js';
import { capabilitiesOf } from '../../src/upstream/capabilities.js';
import type { TicketModel } from '../../src/model/ticket.js';
import { HOSTUP_SANDBOX_KEY, HOSTUP_SANDBOX_READONLY_KEY } from '../../src/providers/hostup/simulator/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { Secret } from '../../src/secret.js';
import { testDeps } from '../helpers/settings.js';
import { pageTickets } from '../../src/upstream/rows.js';

let sandbox: Sandbox;
let settings: HostupSettings;
let v2: HostupV2Provider;
let v1: HostupV1Provider;
const ctx = {};

beforeAll(async () => {
  sandbox = await startSandbox({ providers: ['hostup'], tickets: 60 });
  settings = sandbox.settings('hostup');
  v2 = new HostupV2Provider(settings, testDeps());
  v1 = new HostupV1Provider({ ...settings, generation: 'v1' }, testDeps());
});
afterAll(async () => {
  await sandbox?.close();
});
afterEach(() => {
  sandbox.setFault('hostup', null);
  sandbox.resetRequests();
});

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UpstreamError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

async function walk(provider: TicketProvider, source: string, limit: number): Promise<TicketModel[]> {
  const all: TicketModel[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const result = await provider.listTickets({ source, cursor, limit, filter: {} }, ctx);
    all.push(...pageTickets(result));
    cursor = result.next;
    if (!cursor) break;
  }
  return all;
}

const requests = () => sandbox.requests('hostup');
const url = (path: string) => `${sandbox.url('hostup')}${path}`;
const bearer = { authorization: `Bearer ${HOSTUP_SANDBOX_KEY}`, 'content-type': 'application/json' };
const apiKey = { 'x-api-key': HOSTUP_SANDBOX_KEY, 'content-type': 'application/json' };

describe('HostupProvider v2 reads', () => {
  it('defaults to v2 and declares its shape', () => {
    expect(settings.generation).toBe('v2');
    expect(hostup.createClient(settings, testDeps())).toBeInstanceOf(HostupV2Provider);
    expect(v2.timeline).toBe('detail');
    expect(v2.maxPageSize).toBe(100);
    expect(v2.pushdown).toEqual({ statuses: true, assignee: false, requester: false, search: false, dates: false });
  });

  it('walks every page: all tickets exactly once, updatedAt desc', async () => {
    const all = await walk(v2, '', 7);
    expect(all).toHaveLength(60);
    expect(new Set(all.map((t) => t.nativeId)).size).toBe(60);
    expect(all.every((t) => t.nativeId.startsWith('tkt_') && t.activities === undefined && Array.isArray(t.tags))).toBe(true);
    for (let i = 1; i < all.length; i++) {
      expect((all[i - 1] as TicketModel).updatedAt.getTime()).toBeGreaterThanOrEqual((all[i] as TicketModel).updatedAt.getTime());
    }
    expect(requests().listTickets).toBe(9);
  });

  it('serves a mix of every status', async () => {
    const all = await walk(v2, '', 100);
    expect(new Set(all.map((t) => t.providerStatus))).toEqual(new Set(['open', 'answered', 'customer_reply', 'in_progress', 'on_hold', 'closed', 'unknown']));
  });

  it('pushes a status filter down as one stream per v2 status', async () => {
    expect(v2.listSources({})).toEqual(['']);
    expect(v2.listSources({ statuses: ['OPEN', 'CLOSED'] })).toEqual(['status:open', 'status:customer_reply', 'status:closed']);
    expect(v2.listSources({ statuses: ['RESOLVED'] })).toEqual([]);
    expect(v2.listSources({ statuses: ['OPEN', 'UNKNOWN'] })).toEqual(['']);

    const all = await walk(v2, '', 100);
    const open = [...(await walk(v2, 'status:open', 5)), ...(await walk(v2, 'status:customer_reply', 5))];
    expect(open.every((t) => t.status === 'OPEN')).toBe(true);
    expect(new Set(open.map((t) => t.nativeId))).toEqual(new Set(all.filter((t) => t.status === 'OPEN').map((t) => t.nativeId)));
  });

  it('gets a ticket with its messages, and by number too (migration)', async () => {
    const [first] = pageTickets(await v2.listTickets({ source: '', cursor: null, limit: 1, filter: {} }, ctx));
    const ticket = await v2.getTicket(first?.nativeId ?? '', ctx);
    expect(ticket).toMatchObject({ id: first?.id, nativeId: first?.nativeId, title: first?.title, tags: [], assignee: null });
    expect(ticket.description).toEqual(expect.any(String));
    expect(ticket.activities?.[0]?.kind).toBe('CREATED');
    expect(ticket.team?.id).toEqual(expect.any(String));
    const byNumber = await v2.getTicket(ticket.number ?? '', ctx);
    expect(byNumber.nativeId).toBe(ticket.nativeId);
    expect(requests().getTicket).toBe(2);
  });

  it('answers NOT_FOUND for an unknown id', async () => {
    const error = await failure(v2.getTicket('tkt_00000000000000000000000000', ctx));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.extensions.requestId).toMatch(/^req_/);
  });
});

describe('HostupProvider v2 writes', () => {
  it('creates a ticket in the given department', async () => {
    const { ticket, activity } = await v2.createTicket(
      { title: 'DNS not updating', description: 'The A record still points to the old IP.', priority: 'HIGH', department: 'domain-names' },
      ctx,
    );
    expect(ticket).toMatchObject({ title: 'DNS not updating', status: 'OPEN', priority: 'HIGH', team: { id: 'domain-names' } });
    expect(activity?.kind).toBe('CREATED');
    const again = await v2.getTicket(ticket.nativeId, ctx);
    expect(again.description).toBe('The A record still points to the old IP.');
    expect(requests()).toEqual({ createTicket: 1, getTicket: 1 });
  });

  it('files into the first listed department when none is given, and sends criticalReason with critical', async () => {
    const { ticket } = await v2.createTicket({ title: 'Everything is down', description: 'All sites answer 502.', priority: 'CRITICAL' }, ctx);
    expect(ticket).toMatchObject({ priority: 'CRITICAL', team: { id: 'general-web-hosting' } });
    expect(requests()).toEqual({ listDepartments: 1, createTicket: 1 });
  });

  it('turns a validation problem into BAD_USER_INPUT with the field pointers', async () => {
    const error = await failure(v2.createTicket({ title: 'x', description: 'y', department: 'no-such-dept' }, ctx));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.fields).toEqual(['/departmentSlug']);
  });

  it('replies, closes, refuses replies while closed, and reopens', async () => {
    const { ticket } = await v2.createTicket({ title: 'Mail bounce', description: 'Mail to my domain bounces.', department: 'general-web-hosting' }, ctx);
    const reply = await v2.addComment(ticket.nativeId, { body: 'It started yesterday.', internal: false }, ctx);
    expect(reply.activity).toMatchObject({ kind: 'COMMENT', body: 'It started yesterday.', internal: false });
    expect(reply.ticket.providerStatus).toBe('customer_reply');
    expect(reply.ticket.activities?.some((a) => a.id === reply.activity?.id)).toBe(true);

    const closed = await v2.closeTicket(ticket.nativeId, ctx);
    expect(closed.ticket).toMatchObject({ status: 'CLOSED', closedAt: expect.any(Date) });
    expect((await v2.getTicket(ticket.nativeId, ctx)).status).toBe('CLOSED');
    expect((await failure(v2.closeTicket(ticket.nativeId, ctx))).code).toBe('CONFLICT');
    expect((await failure(v2.addComment(ticket.nativeId, { body: 'hello?', internal: false }, ctx))).code).toBe('CONFLICT');

    const reopened = await v2.reopenTicket(ticket.nativeId, ctx);
    expect(reopened.ticket).toMatchObject({ status: 'OPEN', closedAt: null });
    expect((await failure(v2.reopenTicket(ticket.nativeId, ctx))).code).toBe('CONFLICT');
  });

  it('refuses internal comments without calling HostUp', async () => {
    await expect(v2.addComment('tkt_x', { body: 'note', internal: true }, ctx)).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('customer-side'),
    });
    expect(sandbox.totalRequests('hostup')).toBe(0);
  });

  it('moves a written ticket to the top of the list', async () => {
    const all = await walk(v2, '', 100);
    const last = all.at(-1) as TicketModel;
    await v2.addComment(last.nativeId, { body: 'bump', internal: false }, ctx).catch(() => v2.reopenTicket(last.nativeId, ctx));
    const [top] = pageTickets(await v2.listTickets({ source: '', cursor: null, limit: 1, filter: {} }, ctx));
    expect(top?.nativeId).toBe(last.nativeId);
  });
});

describe('HostupProvider v1', () => {
  it('is the client the settings pick with generation v1 (and v2 the one they pick with v2)', () => {
    expect(hostup.createClient({ ...settings, generation: 'v1' }, testDeps())).toBeInstanceOf(HostupV1Provider);
    expect(hostup.createClient({ ...settings, generation: 'v2' }, testDeps())).toBeInstanceOf(HostupV2Provider);
    expect(v1.apiVersion).toMatch(/^v1 /);
    expect(v2.apiVersion).toMatch(/^v2 /);
  });

  it('exposes only the reads and createTicket', () => {
    expect(typeof v1.createTicket).toBe('function');
    const client: TicketProvider = v1;
    expect(client.addComment).toBeUndefined();
    expect(client.closeTicket).toBeUndefined();
    expect(client.reopenTicket).toBeUndefined();
    expect('addComment' in v1).toBe(false);
    expect(typeof v2.addComment).toBe('function');
    expect(v1.pushdown.statuses).toBe(false);
  });

  it('has no list: says so (no LIST_TICKETS, lists false, no sources) and answers an empty last page, without a call', async () => {
    expect(v1.lists).toBe(false);
    expect(capabilitiesOf(v1)).not.toContain('LIST_TICKETS');
    expect(capabilitiesOf(v1)).toContain('READ_TAGS');
    expect(capabilitiesOf(v2)).toContain('LIST_TICKETS');
    expect(capabilitiesOf(v2)).not.toContain('READ_TAGS');
    expect((v1 as TicketProvider).listSources({ statuses: ['OPEN'] })).toEqual([]);
    expect(await (v1 as TicketProvider).listTickets({ source: '', cursor: null, limit: 50, filter: {} }, ctx)).toEqual({ rows: [], next: null, totalCount: null });
    expect(sandbox.totalRequests('hostup')).toBe(0);
  });

  it('reads the same ticket by number, in the HostBill dialect', async () => {
    const all = await walk(v2, '', 100);
    const withOwner = await Promise.all(all.slice(0, 10).map((t) => v1.getTicket(t.number ?? '', ctx)));
    const sample = withOwner.find((t) => t.assignee) ?? withOwner[0];
    const same = all.find((t) => t.number === sample?.number);
    expect(sample).toMatchObject({ nativeId: same?.number, title: same?.title, status: same?.status, priority: same?.priority });
    expect(sample?.requester?.nativeId).toMatch(/^client:\d+$/);
    expect(sample?.requester?.email).toMatch(/@/);
    expect(sample?.activities?.[0]?.kind).toBe('CREATED');
    expect(withOwner.some((t) => t.assignee?.kind === 'AGENT')).toBe(true);
    expect(requests()['v1.getTicket']).toBe(10);
  });

  it('refuses a tkt_ id without calling, and answers NOT_FOUND for an unknown number', async () => {
    await expect(v1.getTicket('tkt_01hxa3b4c5d6e7f8g9h0j1k2m3', ctx)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(sandbox.totalRequests('hostup')).toBe(0);
    const error = await failure(v1.getTicket('999', ctx));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.extensions.requestId).toEqual(expect.any(String));
  });

  it('creates with a numeric dept_id, visible through v2 as well', async () => {
    const { ticket } = await v1.createTicket({ title: 'Invoice twice', description: 'I was charged twice.', department: '4', priority: 'LOW' }, ctx);
    expect(ticket).toMatchObject({ title: 'Invoice twice', status: 'OPEN', providerStatus: 'Open', priority: 'LOW', team: { id: '4', name: 'Billing' } });
    expect(ticket.nativeId).toMatch(/^\d+$/);
    const viaV2 = await v2.getTicket(ticket.nativeId, ctx);
    expect(viaV2).toMatchObject({ title: 'Invoice twice', number: ticket.nativeId, team: { id: 'billing' } });
    await expect(v1.createTicket({ title: 'x', description: 'y', department: 'billing' }, ctx)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('creates in the first department when none is given', async () => {
    const { ticket } = await v1.createTicket({ title: 'Hello', description: 'Question.' }, ctx);
    expect(ticket.team?.id).toBe('1');
    expect(requests()).toEqual({ 'v1.listDepartments': 1, 'v1.createTicket': 1 });
  });
});

describe('HostupProvider auth and faults', () => {
  const number = async () => pageTickets(await v2.listTickets({ source: '', cursor: null, limit: 1, filter: {} }, ctx))[0] as TicketModel;

  it.each(['v1', 'v2'] as const)('%s: a wrong key ends in PROVIDER_AUTH_FAILED and never leaks the key', async (generation) => {
    const ticket = await number();
    const provider = hostup.createClient({ ...settings, generation, apiKey: new Secret('hu_wrong_key_0000') }, testDeps());
    const error = await failure(provider.getTicket(ticket.number ?? '', ctx));
    expect(error.code).toBe('PROVIDER_AUTH_FAILED');
    expect(error.status).toBe(401);
    for (const text of [error.message, JSON.stringify(error), JSON.stringify(error.extensions)]) {
      expect(text).not.toContain('hu_wrong_key_0000');
      expect(text).not.toContain(HOSTUP_SANDBOX_KEY);
    }
  });

  it('a read-only key may read but not write (FORBIDDEN)', async () => {
    const provider = hostup.createClient({ ...settings, apiKey: new Secret(HOSTUP_SANDBOX_READONLY_KEY) }, testDeps());
    const ticket = await number();
    await expect(provider.getTicket(ticket.nativeId, ctx)).resolves.toMatchObject({ nativeId: ticket.nativeId });
    const error = await failure(provider.closeTicket?.(ticket.nativeId, ctx) ?? Promise.resolve());
    expect(error.code).toBe('FORBIDDEN');
  });

  it('v2: a 429 with Retry-After is retried, then ends in RATE_LIMITED', async () => {
    const ticket = await number();
    sandbox.resetRequests();
    sandbox.setFault('hostup', { status: 429, rate: 1, retryAfter: 0 });
    const error = await failure(v2.getTicket(ticket.nativeId, ctx));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfter).toBe(0);
    expect(requests().getTicket).toBe(3);
  });

  it('v1: the retry hint in the 429 body is honoured, then RATE_LIMITED', async () => {
    const ticket = await number();
    sandbox.resetRequests();
    sandbox.setFault('hostup', { status: 429, rate: 1, retryAfter: 0 });
    const error = await failure(v1.getTicket(ticket.number ?? '', ctx));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfter).toBe(0);
    expect(requests()['v1.getTicket']).toBe(3);
  });

  it.each(['v1', 'v2'] as const)('%s: a retry hint beyond the cap ends at once in RATE_LIMITED', async (generation) => {
    const ticket = await number();
    sandbox.resetRequests();
    sandbox.setFault('hostup', { status: 429, rate: 1, retryAfter: 60 });
    const provider = generation === 'v1' ? v1 : v2;
    const error = await failure(provider.getTicket(generation === 'v1' ? (ticket.number ?? '') : ticket.nativeId, ctx));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 60 });
    expect(sandbox.totalRequests('hostup')).toBe(1);
  });

  it('a per-second budget is honoured by waiting out Retry-After, then succeeds', async () => {
    const all = pageTickets(await v2.listTickets({ source: '', cursor: null, limit: 3, filter: {} }, ctx));
    sandbox.resetRequests();
    sandbox.setFault('hostup', { rateLimitPerSecond: 2 });
    const tickets = await Promise.all(all.map((t) => v2.getTicket(t.nativeId, ctx)));
    expect(tickets.map((t) => t.nativeId)).toEqual(all.map((t) => t.nativeId));
    expect(requests().getTicket).toBeGreaterThan(3);
  });

  it('a hanging upstream ends in UPSTREAM_TIMEOUT', async () => {
    const ticket = await number();
    sandbox.setFault('hostup', { hang: true });
    expect((await failure(v2.getTicket(ticket.nativeId, ctx))).code).toBe('UPSTREAM_TIMEOUT');
  });

  it('a 503 is retried, then ends in UPSTREAM_UNAVAILABLE', async () => {
    const ticket = await number();
    sandbox.resetRequests();
    sandbox.setFault('hostup', { status: 503 });
    expect((await failure(v2.getTicket(ticket.nativeId, ctx))).code).toBe('UPSTREAM_UNAVAILABLE');
    expect(requests().getTicket).toBe(3);
  });

  it('a POST under a 503 is not retried', async () => {
    sandbox.setFault('hostup', { status: 503 });
    const error = await failure(v2.createTicket({ title: 't', description: 'd', department: 'vps' }, ctx));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(requests()).toEqual({ createTicket: 1 });
    sandbox.resetRequests();
    await failure(v1.createTicket({ title: 't', description: 'd', department: '3' }, ctx));
    expect(requests()).toEqual({ 'v1.createTicket': 1 });
  });

  it.each([
    ['v2 get', (t: TicketModel) => v2.getTicket(t.nativeId, ctx), 'status'],
    // A list row is validated when it is used (src/upstream/rows.ts): here, all of them.
    ['v2 list', () => v2.listTickets({ source: '', cursor: null, limit: 5, filter: {} }, ctx).then(pageTickets), 'data.0.status'],
    ['v1 get', (t: TicketModel) => v1.getTicket(t.number ?? '', ctx), 'data.ticket.date'],
  ] as const)('drift on %s ends in UPSTREAM_BAD_RESPONSE with the path', async (_name, call, path) => {
    const ticket = await number();
    sandbox.setFault('hostup', { drift: true });
    const error = await failure(call(ticket));
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(error.extensions.path).toBe(path);
  });

  it('a malformed body ends in UPSTREAM_BAD_RESPONSE', async () => {
    sandbox.setFault('hostup', { malformed: true });
    expect((await failure(v2.listTickets({ source: '', cursor: null, limit: 5, filter: {} }, ctx))).code).toBe('UPSTREAM_BAD_RESPONSE');
  });
});

describe('hostup simulator wire format', () => {
  const get = async (path: string, headers: Record<string, string> = bearer) => {
    const response = await fetch(url(path), { headers });
    return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
  };
  const post = async (path: string, json: unknown, headers: Record<string, string> = bearer) => {
    const response = await fetch(url(path), { method: 'POST', headers, body: json === undefined ? undefined : JSON.stringify(json) });
    return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
  };

  it('issue 17: answers an unknown path in the dialect of the path asked, whatever the previous request spoke', async () => {
    // A v1 call first, then an unknown v2 path: problem+json, not the v1 envelope.
    expect((await get('/api/support/departments', apiKey)).status).toBe(200);
    const v2Missing = await get('/api/v2/support/nothing-here');
    expect(v2Missing.status).toBe(404);
    expect(v2Missing.headers.get('content-type')).toContain('application/problem+json');
    expect(hostupV2ProblemSchema.parse(v2Missing.body).status).toBe(404);
    // A v2 call first, then an unknown v1 path: the v1 envelope, not problem+json.
    expect((await get('/api/v2/support/departments')).status).toBe(200);
    const v1Missing = await get('/api/support/nothing-here', apiKey);
    expect(v1Missing.status).toBe(404);
    expect(hostupV1ErrorSchema.parse(v1Missing.body)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('serves every endpoint in the shapes the schemas describe', async () => {
    const list = await get('/api/v2/support/tickets?limit=2');
    expect(list.status).toBe(200);
    const page = hostupV2TicketListSchema.parse(list.body);
    const id = page.data?.[0]?.id ?? '';
    const number = page.data?.[0]?.number ?? '';
    expect(page.nextCursor).toEqual(expect.any(String));
    expect(hostupV2TicketListSchema.parse((await get(`/api/v2/support/tickets?limit=2&cursor=${page.nextCursor}&departmentSlug=vps`)).body)).toBeTruthy();
    expect(hostupV2TicketSchema.parse((await get(`/api/v2/support/tickets/${id}`)).body).messages).toBeDefined();
    expect(hostupV2DepartmentListSchema.parse((await get('/api/v2/support/departments')).body).departments.length).toBeGreaterThan(0);
    const created = await post('/api/v2/support/tickets', { departmentSlug: 'vps', subject: 's', message: 'm', priority: 'low' });
    expect(created.status).toBe(201);
    const createdId = hostupV2TicketSchema.parse(created.body).id;
    const reply = await post(`/api/v2/support/tickets/${createdId}/messages`, { message: 'more' });
    expect(reply.status).toBe(201);
    expect(hostupV2MessageSchema.parse(reply.body).id).toMatch(/^tmsg_/);
    expect(hostupV2TicketSchema.parse((await post(`/api/v2/support/tickets/${createdId}/actions/close`, undefined)).body).status).toBe('closed');
    expect(hostupV2TicketSchema.parse((await post(`/api/v2/support/tickets/${createdId}/actions/reopen`, undefined)).body).status).toBe('open');

    const v1Ticket = hostupV1TicketEnvelopeSchema.parse((await get(`/api/support/tickets/${number}`, apiKey)).body);
    expect(v1Ticket.data.ticket.ticket_number).toBe(number);
    expect(v1Ticket.data.ticket.date).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(hostupV1DepartmentsEnvelopeSchema.parse((await get('/api/support/departments', apiKey)).body).success).toBe(true);
    const v1Created = await post('/api/support/tickets', { dept_id: 2, subject: 's', body: 'b', priority: 1 }, apiKey);
    expect(v1Created.status).toBe(200);
    expect(typeof hostupV1TicketEnvelopeSchema.parse(v1Created.body).data.ticket.number).toBe('number');
  });

  it('answers errors in each generation’s own shape', async () => {
    const v2Unauthorized = await get('/api/v2/support/tickets', {});
    expect(v2Unauthorized.status).toBe(401);
    expect(v2Unauthorized.headers.get('content-type')).toContain('application/problem+json');
    expect(hostupV2ProblemSchema.parse(v2Unauthorized.body).code).toBe('unauthorized');
    // v1's key header does not open v2, nor v2's bearer v1.
    expect((await get('/api/v2/support/tickets', apiKey)).status).toBe(401);
    const v1Unauthorized = await get('/api/support/tickets/616828', bearer);
    expect(v1Unauthorized.status).toBe(401);
    expect(hostupV1ErrorSchema.parse(v1Unauthorized.body).code).toBe('INVALID_API_KEY');
    expect(hostupV1ErrorSchema.parse((await get('/api/support/tickets/1', apiKey)).body).code).toBe('TICKET_NOT_FOUND');
    expect(hostupV2ProblemSchema.parse((await get('/api/v2/support/tickets/tkt_nope')).body).code).toBe('not_found');

    const invalid = hostupV2ProblemSchema.parse((await post('/api/v2/support/tickets', { subject: 's', priority: 'critical' })).body);
    expect(invalid.code).toBe('invalid_request');
    expect(invalid.errors?.map((e) => e.pointer)).toEqual(expect.arrayContaining(['/departmentSlug', '/message']));
    const critical = hostupV2ProblemSchema.parse((await post('/api/v2/support/tickets', { departmentSlug: 'vps', subject: 's', message: 'm', priority: 'critical' })).body);
    expect(critical.errors?.[0]?.pointer).toBe('/criticalReason');
    expect(hostupV2ProblemSchema.parse((await get('/api/v2/support/tickets?limit=500')).body).errors?.[0]?.pointer).toBe('?limit');

    sandbox.setFault('hostup', { status: 429, retryAfter: 7 });
    const limited2 = await get('/api/v2/support/tickets');
    expect(limited2.headers.get('retry-after')).toBe('7');
    expect(limited2.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(hostupV2ProblemSchema.parse(limited2.body).code).toBe('rate_limited');
    const limited1 = await get('/api/support/tickets/616828', apiKey);
    expect(limited1.headers.get('retry-after')).toBeNull();
    expect(hostupV1RateLimitSchema.parse(limited1.body).retryAfter).toBe('7');
  });
});
