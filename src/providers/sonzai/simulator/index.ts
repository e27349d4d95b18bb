import { Secret } from '../../../secret.js';
import { bearerToken, type SimulatorDefinition } from '../../../simkit/server.js';
import { Random } from '../../../simkit/random.js';
import type { SandboxProvider, SimulatorOptions } from '../../../simkit/types.js';
import { generateSonzaiData } from './data.js';
import { issueSonzaiToken, verifySonzaiToken } from './token.js';
import { problem, sonzaiRoutes, SonzaiStore } from './routes.js';
import type { SonzaiSettings } from '../settings.js';

export { generateSonzaiData } from './data.js';
export { issueSonzaiToken } from './token.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A success body that breaks the schema the way an unannounced API change would: list rows
 * lose `ticket_id`, `has_more` becomes a string on an empty list, the detail's ticket and
 * bare tickets get a numeric `status`, a comment's `created_at` stops being a date.
 */
function drift(body: unknown): unknown {
  if (!isRecord(body)) return body;
  if (Array.isArray(body.tickets)) {
    const [first, ...rest] = body.tickets as unknown[];
    if (!isRecord(first)) return { ...body, has_more: 'no' };
    const { ticket_id: _dropped, ...row } = first;
    return { ...body, tickets: [row, ...rest] };
  }
  if (isRecord(body.ticket)) return { ...body, ticket: { ...body.ticket, status: 3 } };
  if ('comment_id' in body) return { ...body, created_at: 'just now' };
  return { ...body, status: 3 };
}

const PROJECT_KEY = /^sk_/;

/**
 * Sonzai's dashboard support API on loopback (routes under /api/v1, like api.sonz.ai).
 * Auth is a dashboard session JWT only: the simulator issues HS256 sandbox tokens; a
 * project API key (`sk_…`) is refused with its own explanation, anything else as invalid.
 */
export function createSonzaiSimulator(options: SimulatorOptions): SandboxProvider<SonzaiSettings> {
  const data = generateSonzaiData(options);
  const store = new SonzaiStore([data.user, ...data.colleagues, ...data.strangers, ...data.staff], data.tickets);
  const ids = new Random(options.seed).fork('sonzai-new-ids');
  const token = issueSonzaiToken(options.seed, data.user);
  // core.ts calls authenticate and then, synchronously, errors.unauthorized(): the reason travels between them here.
  let refusal = 'missing or malformed Authorization header';

  const definition: SimulatorDefinition = {
    provider: 'sonzai',
    routes: sonzaiRoutes(store, options.seed, () => ids.uuid(), options.forms?.sonzaiPaging ?? 'offset'),
    authenticate: (req) => {
      const given = bearerToken(req.headers);
      if (!given) {
        refusal = 'missing or malformed Authorization header: expected Bearer <session token>';
        return 'unauthorized';
      }
      if (PROJECT_KEY.test(given)) {
        refusal = 'support operations need a dashboard session (Clerk JWT); project API keys are not accepted';
        return 'unauthorized';
      }
      const claims = verifySonzaiToken(options.seed, given);
      const user = claims ? store.user(claims.sub) : undefined;
      if (!user || user.tenantId !== claims?.tenant_id) {
        refusal = 'invalid or expired session token';
        return 'unauthorized';
      }
      return 'ok';
    },
    errors: {
      unauthorized: () => problem(401, refusal),
      forbidden: () => problem(403, 'forbidden'),
      notFound: () => problem(404, 'not found'),
      // The SDK reads Retry-After as integer seconds.
      rateLimited: (retryAfterSeconds) => problem(429, 'rate limit exceeded', undefined, { 'retry-after': String(Math.ceil(retryAfterSeconds)) }),
      server: (status) => problem(status, status >= 500 ? 'the server could not handle the request' : 'request failed'),
    },
    drift,
  };

  return {
    definition,
    // The datasource's base includes the `/api/v1` prefix, as the SDK's default does.
    settings: (baseUrl) => ({ baseUrl: `${baseUrl.replace(/\/+$/, '')}/api/v1`, token: new Secret(token) }),
    credentials: { Authorization: `Bearer ${token}` },
  };
}
