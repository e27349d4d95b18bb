import { MOOV_API_VERSION } from '../settings.js';
import { basicAuth } from '../../../upstream/http.js';
import { Secret } from '../../../secret.js';
import { basicCredentials, bearerToken, type Route, type SimulatorDefinition } from '../../../simkit/server.js';
import { Random } from '../../../simkit/random.js';
import type { SandboxProvider, SimulatorOptions } from '../../../simkit/types.js';
import { generateMoovData, moovSandboxCredentials } from './data.js';
import { bare, moovRoutes, MoovStore } from './routes.js';
import { MoovWebhookSender } from './webhooks.js';
import type { MoovSettings } from '../settings.js';

export { moovSandboxCredentials } from './data.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A success body that breaks the schema the way an unannounced API change would: a ticket
 * loses `ticketID` and gets a string `number`, a message's `sentOn` stops being a date, and
 * an empty thread comes back wrapped in a paged envelope.
 */
function drift(body: unknown): unknown {
  if (Array.isArray(body)) {
    const [first, ...rest] = body;
    return isRecord(first) ? [{ ...first, sentOn: 'yesterday' }, ...rest] : { items: body };
  }
  if (!isRecord(body)) return body;
  if (Array.isArray(body.items)) {
    const [first, ...rest] = body.items as unknown[];
    return isRecord(first) ? { ...body, items: [{ ...first, status: 7 }, ...rest] } : { ...body, items: null };
  }
  const { ticketID: _dropped, ...rest } = body;
  return { ...rest, number: String(body.number) };
}

/**
 * Moov's support tickets on loopback: two accounts, Basic (publicKey:secretKey) or Bearer
 * auth, X-Moov-Version checked, `x-request-id` on every answer, keyset cursors.
 */
export function createMoovSimulator(options: SimulatorOptions): SandboxProvider<MoovSettings> {
  const { accountIds, tickets } = generateMoovData(options);
  const store = new MoovStore(accountIds, tickets);
  const ids = new Random(options.seed).fork('moov-new-ids');
  const credentials = moovSandboxCredentials(options.seed);
  const webhooks = new MoovWebhookSender();
  const routes = moovRoutes(
    store,
    () => ids.uuid(),
    (event) => webhooks.emit(event),
  );

  const definition: SimulatorDefinition = {
    provider: 'moov',
    routes,
    // Moov limits per account (40/s, 10/s for test accounts).
    rateScope: (req) => req.params.accountID ?? '',
    authenticate: (req, route: Route) => {
      const basic = basicCredentials(req.headers);
      if (basic) return basic.user === credentials.publicKey && basic.password === credentials.secretKey ? 'ok' : 'unauthorized';
      const token = bearerToken(req.headers);
      if (token === credentials.token) return 'ok';
      // A token with only the tickets.read scope may read but not write.
      if (token === credentials.readOnlyToken) return route.method === 'GET' ? 'ok' : 'forbidden';
      return 'unauthorized';
    },
    errors: {
      unauthorized: () => bare(401),
      forbidden: () => bare(403),
      notFound: () => bare(404),
      // The docs: "the response header tells how long to wait"; Retry-After is the standard one.
      rateLimited: (retryAfterSeconds) => bare(429, { 'retry-after': String(retryAfterSeconds) }),
      server: (status) => bare(status),
    },
    drift,
    // Moov registers endpoints in its Dashboard; the simulator takes them here instead.
    admin: (method, path, body) => {
      // Moov's staff answer tickets in Moov's own tools (the API has no reply endpoint): this
      // stands in for them, so a message can arrive behind ticketgraph's back.
      const staff = /^\/__sandbox\/tickets\/([^/]+)\/([^/]+)\/messages$/.exec(path);
      if (staff && method === 'POST') {
        const ticket = store.get(decodeURIComponent(staff[1] as string), decodeURIComponent(staff[2] as string));
        if (!ticket) return { status: 404, body: { error: 'no such ticket' } };
        if (!isRecord(body) || typeof body.body !== 'string' || body.body.trim() === '') return { status: 400, body: { error: 'expected {"body": "…", "author"?: "…"}' } };
        const now = store.now();
        ticket.messages.push({ author: typeof body.author === 'string' ? body.author : 'Moov Support', body: body.body, sentOn: now });
        ticket.latestMessageOn = now;
        ticket.updatedOn = now;
        store.touched();
        webhooks.emit({ type: 'ticket.messageAdded', data: { accountID: ticket.accountId, ticketID: ticket.ticketID } });
        return { status: 201, body: { sentOn: new Date(now).toISOString() } };
      }
      if (path !== '/__sandbox/webhooks') return null;
      if (method === 'GET') return { status: 200, body: { url: webhooks.endpoint?.url ?? null, ...webhooks.stats } };
      if (method === 'DELETE') {
        webhooks.register(null);
        return { status: 204 };
      }
      if (method === 'PUT' && isRecord(body) && typeof body.url === 'string' && /^https?:\/\//.test(body.url) && typeof body.secret === 'string' && body.secret !== '') {
        webhooks.register({ url: body.url, secret: body.secret });
        return { status: 200, body: { url: body.url } };
      }
      return { status: 400, body: { error: 'expected {"url": "http(s)://…", "secret": "…"}' } };
    },
    close: () => webhooks.close(),
  };

  return {
    definition,
    settings: (baseUrl) => ({
      baseUrl,
      auth: { kind: 'basic', publicKey: new Secret(credentials.publicKey), secretKey: new Secret(credentials.secretKey) },
      accountIds: [...accountIds],
      apiVersion: MOOV_API_VERSION,
    }),
    credentials: {
      Authorization: basicAuth(credentials.publicKey, credentials.secretKey),
      'X-Moov-Version': MOOV_API_VERSION,
    },
  };
}
