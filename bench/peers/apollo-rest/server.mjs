import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { RESTDataSource } from '@apollo/datasource-rest';

/*
 * Peer of `npm run bench`: the same query shapes as ticketgraph (scenarios 1, 2, 4) the way
 * Apollo's docs teach: Apollo Server 5, one RESTDataSource per provider created per request
 * in the context (so GETs are deduplicated within a request), resolvers that map the
 * payloads. The feed reads one list page per provider source and merges it by updatedAt;
 * activities come from each provider's detail (or messages) call, once per ticket.
 * Reads the sandbox description (bench/sandbox-process.ts) from SANDBOX_INFO.
 */

const info = JSON.parse(process.env.SANDBOX_INFO);
const P = info.providers;

const encodeId = (type, provider, nativeId) => Buffer.from(`${type}:${provider}:${nativeId}`, 'utf8').toString('base64url');
function decodeId(id) {
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const [type, provider, ...rest] = text.split(':');
  return { type, provider, nativeId: rest.join(':') };
}

class ProviderAPI extends RESTDataSource {
  constructor(key, options) {
    super(options);
    this.key = key;
    this.baseURL = `${P[key].baseUrl.replace(/\/+$/, '')}/`;
  }
  willSendRequest(_path, request) {
    Object.assign(request.headers, P[this.key].headers);
  }
}

class SpacebringAPI extends ProviderAPI {
  constructor(o) { super('spacebring', o); }
  listTickets(locationRef, limit) {
    return this.get('support/tickets/v1', { params: { locationRef, limit: String(limit), order: 'updateDate:desc' } });
  }
  getTicket(id) { return this.get(`support/tickets/v1/${encodeURIComponent(id)}`); }
}
class MoovAPI extends ProviderAPI {
  constructor(o) { super('moov', o); }
  listTickets(accountId, count) { return this.get(`accounts/${encodeURIComponent(accountId)}/tickets`, { params: { count: String(count) } }); }
  getTicket(accountId, ticketId) { return this.get(`accounts/${encodeURIComponent(accountId)}/tickets/${encodeURIComponent(ticketId)}`); }
  getMessages(accountId, ticketId) { return this.get(`accounts/${encodeURIComponent(accountId)}/tickets/${encodeURIComponent(ticketId)}/messages`); }
}
class HostupAPI extends ProviderAPI {
  constructor(o) { super('hostup', o); }
  listTickets(limit) { return this.get('api/v2/support/tickets', { params: { limit: String(limit) } }); }
  getTicket(id) { return this.get(`api/v2/support/tickets/${encodeURIComponent(id)}`); }
}
class ZaiaAPI extends ProviderAPI {
  constructor(o) { super('zaia', o); }
  listTickets(status, pageSize) { return this.get('api/v1/tickets/details', { params: { status, pageSize: String(pageSize), pageNumber: '1' } }); }
  getTicket(id) { return this.get(`api/v1/tickets/${encodeURIComponent(id)}/details`); }
}
class SonzaiAPI extends ProviderAPI {
  constructor(o) { super('sonzai', o); }
  listTickets(pageSize) { return this.get('support/tickets', { params: { page_size: String(pageSize) } }); }
  getTicket(id) { return this.get(`support/tickets/${encodeURIComponent(id)}`); }
}

const STATUS = {
  spacebring: { new: 'OPEN', inProgress: 'IN_PROGRESS', solved: 'RESOLVED', closed: 'CLOSED' },
  moov: { new: 'OPEN', 'in-progress': 'IN_PROGRESS', 'on-hold': 'WAITING', closed: 'CLOSED' },
  hostup: { open: 'OPEN', customer_reply: 'OPEN', in_progress: 'IN_PROGRESS', answered: 'WAITING', on_hold: 'WAITING', closed: 'CLOSED' },
  zaia: { pending: 'OPEN', ongoing: 'IN_PROGRESS', completed: 'CLOSED' },
  sonzai: { open: 'OPEN', in_progress: 'IN_PROGRESS', resolved: 'RESOLVED', closed: 'CLOSED' },
};
const status = (provider, raw) => STATUS[provider][raw] ?? 'UNKNOWN';
const person = (provider, nativeId, name, email) =>
  nativeId || email || name ? { id: encodeId('Membership', provider, nativeId ?? (email ? `email:${email}` : `name:${name}`)), name: name ?? null, email: email ?? null } : null;
const fullName = (u) => (u ? [u.name, u.surname].filter(Boolean).join(' ') || null : null);
const latest = (...dates) => new Date(Math.max(...dates.filter(Boolean).map((d) => Date.parse(d)))).toISOString();

const toTicket = {
  spacebring: (t) => ({
    provider: 'SPACEBRING', nativeId: t.id, id: encodeId('Ticket', 'spacebring', t.id), number: String(t.number),
    title: t.description?.split('\n')[0] ?? null, status: status('spacebring', t.status), updatedAt: t.updateDate,
    requester: t.userRequester ? person('spacebring', t.userRequester.id, fullName(t.userRequester), t.userRequester.email) : null,
    assignee: t.userAssignee ? person('spacebring', t.userAssignee.id, fullName(t.userAssignee), t.userAssignee.email) : null,
    tags: [],
  }),
  moov: (t, accountId) => ({
    provider: 'MOOV', nativeId: `${accountId}/${t.ticketID}`, id: encodeId('Ticket', 'moov', `${accountId}/${t.ticketID}`), number: String(t.number),
    title: t.title, status: status('moov', t.status), updatedAt: t.updatedOn,
    requester: t.contact ? person('moov', null, t.contact.name, t.contact.email) : null, assignee: null, tags: [],
  }),
  hostup: (t) => ({
    provider: 'HOSTUP', nativeId: t.id, id: encodeId('Ticket', 'hostup', t.id), number: t.number, title: t.subject,
    status: status('hostup', t.status), updatedAt: t.updatedAt, requester: person('hostup', null, t.requesterName, null), assignee: null, tags: [],
  }),
  zaia: (t) => ({
    provider: 'ZAIA', nativeId: t.id, id: encodeId('Ticket', 'zaia', t.id), number: null, title: t.summary,
    status: status('zaia', t.status), updatedAt: latest(t.createdAt, t.ongoingAt, t.completedAt),
    requester: person('zaia', t.chatOwnerId, t.ownerName, t.ownerEmail),
    assignee: t.assigneeId ? person('zaia', t.assigneeId, t.assigneeName, t.assigneeEmail) : null,
    tags: [],
    // The row is the whole timeline Zaia offers: no further call.
    activities: [{ id: encodeId('Activity', 'zaia', `${t.id}:created`), kind: 'CREATED', createdAt: t.createdAt, author: null }],
  }),
  sonzai: (t) => ({
    provider: 'SONZAI', nativeId: t.ticket_id, id: encodeId('Ticket', 'sonzai', t.ticket_id), number: null, title: t.title,
    status: status('sonzai', t.status), updatedAt: t.updated_at,
    requester: person('sonzai', t.created_by ?? null, null, t.created_by_email),
    assignee: t.assigned_to_email ? person('sonzai', t.assigned_to ?? null, null, t.assigned_to_email) : null, tags: [],
  }),
};

const typeDefs = `#graphql
  type Membership { id: ID! name: String email: String }
  type Tag { id: ID! name: String }
  type Activity { id: ID! kind: String! createdAt: String! author: Membership }
  type ActivityConnection { nodes: [Activity!]! }
  type Ticket {
    id: ID! provider: String! number: String title: String status: String! updatedAt: String!
    requester: Membership assignee: Membership tags: [Tag!]!
    activities(first: Int = 50): ActivityConnection!
  }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type TicketEdge { cursor: String! node: Ticket! }
  type TicketConnection { edges: [TicketEdge!]! pageInfo: PageInfo! }
  type Query { ticket(id: ID!): Ticket tickets(first: Int = 20): TicketConnection! }
`;

async function activitiesOf(ticket, ds) {
  if (ticket.activities) return ticket.activities;
  const act = (provider, id, kind, createdAt, author) => ({ id: encodeId('Activity', provider, id), kind, createdAt, author });
  switch (ticket.provider) {
    case 'SPACEBRING': {
      const detail = await ds.spacebring.getTicket(ticket.nativeId);
      return detail.activities.map((a) => act('spacebring', a.id, a.type === 'comment' ? 'COMMENT' : a.type === 'statusUpdated' ? 'STATUS_CHANGE' : a.type === 'assigneeUpdated' ? 'ASSIGNMENT_CHANGE' : 'CREATED', a.createDate,
        a.membership?.user ? person('spacebring', a.membership.user.id, fullName(a.membership.user), a.membership.user.email) : null));
    }
    case 'MOOV': {
      const [accountId, ticketId] = ticket.nativeId.split('/');
      const messages = await ds.moov.getMessages(accountId, ticketId);
      return messages.map((m, i) => act('moov', `${ticket.nativeId}:${i}`, 'COMMENT', m.sentOn, person('moov', null, null, m.author)));
    }
    case 'HOSTUP': {
      const detail = await ds.hostup.getTicket(ticket.nativeId);
      return (detail.messages ?? []).map((m) => act('hostup', m.id, 'COMMENT', m.sentAt, person('hostup', null, m.senderName, null)));
    }
    case 'SONZAI': {
      const { ticket: t, history } = await ds.sonzai.getTicket(ticket.nativeId);
      return [
        ...(t.comments ?? []).map((c) => act('sonzai', c.comment_id, 'COMMENT', c.created_at, person('sonzai', c.author_id, null, c.author_email))),
        ...(history ?? []).map((h) => act('sonzai', h.history_id, 'FIELD_CHANGE', h.created_at, person('sonzai', h.changed_by, null, h.changed_by_email))),
      ].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
    }
    default:
      return [];
  }
}

const resolvers = {
  Query: {
    async ticket(_, { id }, { dataSources: ds }) {
      const { provider, nativeId } = decodeId(id);
      switch (provider) {
        case 'spacebring': return toTicket.spacebring((await ds.spacebring.getTicket(nativeId)).ticket);
        case 'moov': { const [a, t] = nativeId.split('/'); return toTicket.moov(await ds.moov.getTicket(a, t), a); }
        case 'hostup': return toTicket.hostup(await ds.hostup.getTicket(nativeId));
        case 'zaia': return toTicket.zaia(await ds.zaia.getTicket(nativeId));
        case 'sonzai': return toTicket.sonzai((await ds.sonzai.getTicket(nativeId)).ticket);
        default: return null;
      }
    },
    async tickets(_, { first }, { dataSources: ds }) {
      const pages = await Promise.all([
        ...P.spacebring.settings.locationRefs.map(async (loc) => (await ds.spacebring.listTickets(loc, first)).tickets.map(toTicket.spacebring)),
        ...P.moov.settings.accountIds.map(async (acc) => (await ds.moov.listTickets(acc, first)).items.map((t) => toTicket.moov(t, acc))),
        ds.hostup.listTickets(first).then((r) => r.data.map(toTicket.hostup)),
        ...['pending', 'ongoing', 'completed'].map(async (s) => (await ds.zaia.listTickets(s, first)).map(toTicket.zaia)),
        ds.sonzai.listTickets(first).then((r) => r.tickets.map(toTicket.sonzai)),
      ]);
      const all = pages.flat().sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt) || (a.id < b.id ? 1 : -1));
      const edges = all.slice(0, first).map((node) => ({ cursor: node.id, node }));
      return { edges, pageInfo: { hasNextPage: all.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
    },
  },
  Ticket: {
    activities: async (ticket, { first }, { dataSources }) => ({ nodes: (await activitiesOf(ticket, dataSources)).slice(-first) }),
  },
};

const server = new ApolloServer({ typeDefs, resolvers });
const { cache } = server;
const { url } = await startStandaloneServer(server, {
  listen: { port: 0, host: '127.0.0.1' },
  context: async () => ({
    dataSources: {
      spacebring: new SpacebringAPI({ cache }),
      moov: new MoovAPI({ cache }),
      hostup: new HostupAPI({ cache }),
      zaia: new ZaiaAPI({ cache }),
      sonzai: new SonzaiAPI({ cache }),
    },
  }),
});
process.stdout.write(`${JSON.stringify({ url })}\n`);
const stop = () => void server.stop().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
