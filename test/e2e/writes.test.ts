import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { capabilitiesOf, WRITE_CAPABILITIES } from '../../src/upstream/capabilities.js';
import type { WriteOperation } from '../../src/upstream/provider.js';
import { encodeId } from '../../src/ids.js';
import { PROVIDER_KEYS, type ProviderKey } from '../../src/model/provider.js';
import { zaiaSandboxTags } from '../../src/providers/zaia/simulator/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

interface T {
  id: string;
  status: string;
  providerStatus: string | null;
  raw: Record<string, unknown>;
  assignee: { id: string; providerId: string; email: string | null } | null;
  tags: { providerId: string }[];
  activities: { nodes: { kind: string; body?: string }[] };
}
const TICKET = 'id status providerStatus raw assignee { id providerId email } tags { providerId } activities(first: 500) { nodes { kind ... on CommentActivity { body } } }';

describe('writes through GraphQL (issue 6)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    for (const key of PROVIDER_KEYS) server.sandbox.setFault(key, null);
    server.sandbox.resetRequests();
  });

  async function pick(provider: ProviderKey, statuses: string[]): Promise<T> {
    const { data, errors } = await server.gql<{ tickets: { nodes: T[] } }>(
      `query ($p: [Provider!], $s: [TicketStatus!]) { tickets(first: 1, filter: { providers: $p, statuses: $s }) { nodes { ${TICKET} } } }`,
      { p: [provider.toUpperCase()], s: statuses },
    );
    expect(errors).toBeUndefined();
    const ticket = data!.tickets.nodes[0];
    if (!ticket) throw new Error(`no ${statuses.join('/')} ticket at ${provider}`);
    return ticket;
  }

  async function read(id: string): Promise<T> {
    const { data, errors } = await server.gql<{ ticket: T }>(`query ($id: ID!) { ticket(id: $id) { ${TICKET} } }`, { id });
    expect(errors).toBeUndefined();
    return data!.ticket;
  }

  async function mutate(name: string, input: Record<string, unknown>, inputType: string) {
    return server.gql<Record<string, { ticket: T; clientMutationId: string | null; activity: { kind: string } | null } | null>>(
      `mutation ($input: ${inputType}!) { ${name}(input: $input) { clientMutationId ticket { ${TICKET} } activity { kind } } }`,
      { input },
    );
  }

  const creates: [ProviderKey, Record<string, unknown>][] = [
    ['spacebring', {}],
    ['moov', { requester: { email: 'ada.lovelace@customer.example.org', name: 'Ada' } }],
    ['hostup', { priority: 'HIGH' }],
    ['sonzai', { type: 'bug', priority: 'LOW' }],
  ];
  it.each(creates)('creates a ticket at %s, readable in a following query', async (provider, extra) => {
    const input = { clientMutationId: 'c1', provider: provider.toUpperCase(), title: `Printer on fire ${provider}`, description: 'It is on fire.\nSecond line.', ...extra };
    const { data, errors } = await mutate('createTicket', input, 'CreateTicketInput');
    expect(errors).toBeUndefined();
    expect(data!.createTicket!.clientMutationId).toBe('c1');
    const created = data!.createTicket!.ticket;
    const again = await read(created.id);
    expect(again.id).toBe(created.id);
    expect(again.status).toBe('OPEN');
  });

  it("maps a provider's validation error to BAD_USER_INPUT with the provider's field paths", async () => {
    const { data, errors } = await mutate('createTicket', { provider: 'HOSTUP', title: 't', description: 'd', department: 'no-such-department' }, 'CreateTicketInput');
    expect(data!.createTicket).toBeNull();
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', provider: 'HOSTUP', status: 400, fields: ['/departmentSlug'] });
  });

  it('creates a Zaia ticket on an existing chat, with team and assignee', async () => {
    const existing = await pick('zaia', ['OPEN', 'IN_PROGRESS', 'CLOSED']);
    const input = {
      provider: 'ZAIA',
      title: 'Handover',
      description: 'Customer asks for a human',
      chatId: existing.raw.chatId,
      teamId: existing.raw.ticketingTeamId,
      assigneeId: existing.assignee?.id ?? existing.raw.assigneeId,
    };
    const { data, errors } = await mutate('createTicket', input, 'CreateTicketInput');
    expect(errors).toBeUndefined();
    expect((await read(data!.createTicket!.ticket.id)).raw.chatId).toBe(existing.raw.chatId);
  });

  it.each(['spacebring', 'hostup', 'sonzai'] as const)('adds a comment at %s, visible in the activities', async (provider) => {
    const ticket = await pick(provider, ['OPEN', 'IN_PROGRESS', 'WAITING']);
    const body = `A reply from the e2e test at ${provider}`;
    const { errors } = await mutate('addComment', { ticketId: ticket.id, body }, 'AddCommentInput');
    expect(errors).toBeUndefined();
    const after = await read(ticket.id);
    expect(after.activities.nodes.filter((a) => a.kind === 'COMMENT').map((a) => a.body)).toContain(body);
  });

  it.each(PROVIDER_KEYS)('closes a ticket at %s; closing it again is refused by the provider', async (provider) => {
    const ticket = await pick(provider, ['OPEN', 'IN_PROGRESS', 'WAITING']);
    const { data, errors } = await mutate('closeTicket', { ticketId: ticket.id }, 'TicketActionInput');
    expect(errors).toBeUndefined();
    expect(data!.closeTicket!.ticket.status).toBe('CLOSED');
    expect((await read(ticket.id)).status).toBe('CLOSED');
    const second = await mutate('closeTicket', { ticketId: ticket.id }, 'TicketActionInput');
    expect(second.data!.closeTicket).toBeNull();
    expect(['CONFLICT', 'BAD_USER_INPUT']).toContain(second.errors?.[0]?.extensions?.code);
    expect(second.errors?.[0]?.extensions?.provider).toBe(provider.toUpperCase());
  });

  it.each(['spacebring', 'hostup'] as const)('reopens a closed ticket at %s', async (provider) => {
    const ticket = await pick(provider, ['CLOSED']);
    const { data, errors } = await mutate('reopenTicket', { ticketId: ticket.id }, 'TicketActionInput');
    expect(errors).toBeUndefined();
    expect(data!.reopenTicket!.ticket.status).not.toBe('CLOSED');
    expect((await read(ticket.id)).status).not.toBe('CLOSED');
  });

  it('sets a status at Spacebring and records the change in the timeline', async () => {
    const ticket = await pick('spacebring', ['OPEN']);
    const before = ticket.activities.nodes.length;
    const { data, errors } = await mutate('setTicketStatus', { ticketId: ticket.id, status: 'RESOLVED' }, 'SetTicketStatusInput');
    expect(errors).toBeUndefined();
    expect(data!.setTicketStatus!.ticket.status).toBe('RESOLVED');
    const after = await read(ticket.id);
    expect(after.providerStatus).toBe('solved');
    expect(after.activities.nodes.length).toBe(before + 1);
    expect(after.activities.nodes.some((a) => a.kind === 'STATUS_CHANGE')).toBe(true);
  });

  it.each(['spacebring', 'zaia'] as const)('assigns a ticket at %s to another agent', async (provider) => {
    const ticket = await pick(provider, ['OPEN', 'IN_PROGRESS']);
    const { data: page } = await server.gql<{ tickets: { nodes: { assignee: { id: string; providerId: string } | null }[] } }>(
      `{ tickets(first: 100, filter: { providers: [${provider.toUpperCase()}] }) { nodes { assignee { id providerId } } } }`,
    );
    const other = page!.tickets.nodes.map((n) => n.assignee).find((a) => a && a.providerId !== ticket.assignee?.providerId)!;
    const { errors } = await mutate('assignTicket', { ticketId: ticket.id, assigneeId: other.id }, 'AssignTicketInput');
    expect(errors).toBeUndefined();
    expect((await read(ticket.id)).assignee?.providerId).toBe(other.providerId);
  });

  it('takes a Zaia ticket over', async () => {
    const ticket = await pick('zaia', ['OPEN']);
    const assignee = ticket.assignee?.id ?? String(ticket.raw.assigneeId);
    const { data, errors } = await mutate('takeOverTicket', { ticketId: ticket.id, assigneeId: assignee }, 'TakeOverTicketInput');
    expect(errors).toBeUndefined();
    expect(data!.takeOverTicket!.ticket.raw).toBeDefined();
    expect((await read(ticket.id)).status).toBe('IN_PROGRESS');
  });

  it('tags and untags a Zaia ticket (tag ids as Tag ids or Zaia ids); an unknown tag is refused', async () => {
    const ticket = await pick('zaia', ['OPEN', 'IN_PROGRESS']);
    const tag = zaiaSandboxTags(42)[0]!;
    server.sandbox.resetRequests();
    const added = await mutate('addTicketTag', { ticketId: ticket.id, tagId: encodeId('Tag', 'zaia', tag.id) }, 'TicketTagInput');
    expect(added.errors).toBeUndefined();
    const again = await mutate('addTicketTag', { ticketId: ticket.id, tagId: tag.id }, 'TicketTagInput');
    expect(again.errors?.[0]?.extensions?.provider).toBe('ZAIA');
    const removed = await mutate('removeTicketTag', { ticketId: ticket.id, tagId: tag.id }, 'TicketTagInput');
    expect(removed.errors).toBeUndefined();
    const unknown = await mutate('addTicketTag', { ticketId: ticket.id, tagId: '00000000-0000-4000-8000-000000000000' }, 'TicketTagInput');
    expect(['NOT_FOUND', 'BAD_USER_INPUT']).toContain(unknown.errors?.[0]?.extensions?.code);
  });

  const MUTATIONS: Record<WriteOperation, [string, string, (ticketId: string) => Record<string, unknown>]> = {
    createTicket: ['createTicket', 'CreateTicketInput', () => ({ title: 't', description: 'd' })],
    addComment: ['addComment', 'AddCommentInput', (ticketId) => ({ ticketId, body: 'hello' })],
    closeTicket: ['closeTicket', 'TicketActionInput', (ticketId) => ({ ticketId })],
    reopenTicket: ['reopenTicket', 'TicketActionInput', (ticketId) => ({ ticketId })],
    setTicketStatus: ['setTicketStatus', 'SetTicketStatusInput', (ticketId) => ({ ticketId, status: 'CLOSED' })],
    assignTicket: ['assignTicket', 'AssignTicketInput', (ticketId) => ({ ticketId, assigneeId: null })],
    takeOverTicket: ['takeOverTicket', 'TakeOverTicketInput', (ticketId) => ({ ticketId, assigneeId: 'someone' })],
    addTicketTag: ['addTicketTag', 'TicketTagInput', (ticketId) => ({ ticketId, tagId: 'tag' })],
    removeTicketTag: ['removeTicketTag', 'TicketTagInput', (ticketId) => ({ ticketId, tagId: 'tag' })],
  };

  it('refuses every write a provider lacks with UNSUPPORTED_BY_PROVIDER and no upstream call', async () => {
    let pairs = 0;
    for (const provider of PROVIDER_KEYS) {
      const capabilities = capabilitiesOf(server.registry.get(provider));
      for (const [operation, capability] of Object.entries(WRITE_CAPABILITIES) as [WriteOperation, string][]) {
        if (capabilities.includes(capability as never)) continue;
        pairs++;
        const [name, type, input] = MUTATIONS[operation];
        const ticketId = encodeId('Ticket', provider, provider === 'moov' ? 'acc/ticket' : 'x');
        const vars = operation === 'createTicket' ? { provider: provider.toUpperCase(), ...input(ticketId) } : input(ticketId);
        server.sandbox.resetRequests();
        const { data, errors } = await server.gql(`mutation ($input: ${type}!) { ${name}(input: $input) { clientMutationId } }`, { input: vars });
        expect(data).toEqual({ [name]: null });
        expect(errors?.[0]?.extensions).toEqual({ code: 'UNSUPPORTED_BY_PROVIDER', provider: provider.toUpperCase(), operation });
        expect(server.sandbox.totalRequests()).toBe(0);
      }
    }
    // Moov alone lacks comment, reopen, status, assign, take over and tags.
    expect(pairs).toBeGreaterThanOrEqual(20);
  });

  const sonzaiTicket = encodeId('Ticket', 'sonzai', '00000000-0000-4000-8000-000000000001');
  it.each([
    ['an empty title', 'createTicket', 'CreateTicketInput', { provider: 'SONZAI', title: '   ', description: 'd' }, 'input.title'],
    ['an over-long description', 'createTicket', 'CreateTicketInput', { provider: 'SONZAI', title: 't', description: 'x'.repeat(10_001) }, 'input.description'],
    ['a bad requester email', 'createTicket', 'CreateTicketInput', { provider: 'MOOV', title: 't', description: 'd', requester: { email: 'nope' } }, 'input.requester.email'],
    ['an empty comment', 'addComment', 'AddCommentInput', { ticketId: sonzaiTicket, body: '' }, 'input.body'],
    ['an over-long comment', 'addComment', 'AddCommentInput', { ticketId: sonzaiTicket, body: 'x'.repeat(10_001) }, 'input.body'],
    ['a malformed ticket id', 'closeTicket', 'TicketActionInput', { ticketId: 'garbage!' }, 'input.ticketId'],
    ['a ticket id of an unknown provider', 'closeTicket', 'TicketActionInput', { ticketId: Buffer.from('Ticket:jira:1').toString('base64url') }, 'input.ticketId'],
    ['a tag id with a slash', 'addTicketTag', 'TicketTagInput', { ticketId: encodeId('Ticket', 'zaia', 'x'), tagId: '../../admin' }, 'input.tagId'],
    [
      'an assignee of another provider',
      'assignTicket',
      'AssignTicketInput',
      { ticketId: encodeId('Ticket', 'zaia', 'x'), assigneeId: encodeId('Membership', 'moov', 'email:a@b.c') },
      'input.assigneeId',
    ],
    ['the UNKNOWN status', 'setTicketStatus', 'SetTicketStatusInput', { ticketId: encodeId('Ticket', 'spacebring', 'x'), status: 'UNKNOWN' }, 'input.status'],
  ])('refuses %s with BAD_USER_INPUT naming the field, before any upstream call', async (_what, name, type, input, field) => {
    const { data, errors } = await server.gql(`mutation ($input: ${type}!) { ${name}(input: $input) { clientMutationId } }`, { input });
    expect(data).toEqual({ [name]: null });
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: field });
    expect(server.sandbox.totalRequests()).toBe(0);
  });

  it('does not retry a write under 503, and says so with UPSTREAM_UNAVAILABLE', async () => {
    server.sandbox.setFault('sonzai', { status: 503 });
    const { errors } = await mutate('createTicket', { provider: 'SONZAI', title: 't', description: 'd' }, 'CreateTicketInput');
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: 'SONZAI', status: 503 });
    expect(server.sandbox.totalRequests('sonzai')).toBe(1);
  });

  it('reports a write that times out as UPSTREAM_TIMEOUT with an unknown outcome', async () => {
    server.sandbox.setFault('moov', { hang: true });
    const { errors } = await mutate('createTicket', { provider: 'MOOV', title: 't', description: 'd', requester: { email: 'a@b.co' } }, 'CreateTicketInput');
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', provider: 'MOOV' });
    expect(errors?.[0]?.message).toMatch(/outcome of the write is unknown/);
    expect(server.sandbox.totalRequests('moov')).toBe(1);
  });

  it('primes the request loaders: a read after a write in the same request sees the change', async () => {
    const ticket = await pick('sonzai', ['OPEN', 'IN_PROGRESS']);
    const { data, errors } = await server.gql<{ closeTicket: { ticket: { status: string } }; again: { status: string } }>(
      'mutation ($id: ID!) { closeTicket(input: { ticketId: $id }) { ticket { status } } }',
      { id: ticket.id },
    );
    expect(errors).toBeUndefined();
    expect(data!.closeTicket.ticket.status).toBe('CLOSED');
  });
});
