import { Secret } from '../../../secret.js';
import { bearerToken, type Route, type SimulatorDefinition } from '../../../simkit/server.js';
import type { SandboxProvider, SimulatorOptions } from '../../../simkit/types.js';
import { generateStore } from './data.js';
import { v1Error, v1RateLimited, v2Problem, v2RateLimited } from './errors.js';
import { createRoutes } from './routes.js';
import { HOSTUP_DEFAULT_TIMEZONE, type HostupSettings } from '../settings.js';

/** The sandbox account's API key: scopes read:support, write:support, read:account. */
export const HOSTUP_SANDBOX_KEY = 'hu_sandbox_7c41e9a2f05b4d38';
/** A key with read:support only: writes and departments answer 403. */
export const HOSTUP_SANDBOX_READONLY_KEY = 'hu_sandbox_ro_2b8d6f1e93a0';

const isV1 = (route: Route) => route.operation.startsWith('v1.');

/**
 * HostUp's two API generations on one server over the same tickets: v1 (`/api/support/…`,
 * `X-API-Key`, envelope errors, 429 hint in the body) and v2 (`/api/v2/support/…`, Bearer,
 * problem+json, `Retry-After`).
 */
/** v1 lives under `/api/support/`; anything else (v2's `/api/v2/…` included) is answered as v2. */
const V1_PATH = /^\/api\/support(?:\/|$)/;

export function createHostupSimulator(options: SimulatorOptions): SandboxProvider<HostupSettings> {
  const store = generateStore(options);
  const routes = createRoutes(store);
  /*
   * The core asks for the 401/403/429/5xx bodies without saying which route they answer.
   * It calls them synchronously right after authenticate(), so the generation seen there
   * picks the dialect. An unmatched path (no authenticate call) answers in the dialect of the
   * path itself (issue 17: not in the previous request's).
   */
  let dialect: 'v1' | 'v2' = 'v2';

  const definition: SimulatorDefinition = {
    provider: 'hostup',
    routes,
    authenticate(req, route) {
      dialect = isV1(route) ? 'v1' : 'v2';
      const key = dialect === 'v1' ? req.headers['x-api-key'] : bearerToken(req.headers);
      if (key === HOSTUP_SANDBOX_KEY) return 'ok';
      if (key === HOSTUP_SANDBOX_READONLY_KEY) {
        const needsMore = route.method !== 'GET' || route.operation.endsWith('listDepartments');
        return needsMore ? 'forbidden' : 'ok';
      }
      return 'unauthorized';
    },
    errors: {
      unauthorized: () =>
        dialect === 'v1' ? v1Error(401, 'unauthorized', 'Missing or invalid API key', 'INVALID_API_KEY') : v2Problem(401, 'unauthorized', 'Unauthorized', 'Authentication is required.'),
      forbidden: () =>
        dialect === 'v1'
          ? v1Error(403, 'forbidden', 'This API key may not perform this action', 'INSUFFICIENT_PERMISSIONS')
          : v2Problem(403, 'insufficient_scope', 'Forbidden', 'The API key lacks the scope this operation requires.'),
      notFound: (path) => (V1_PATH.test(path) ? v1Error(404, 'not_found', 'Not found', 'NOT_FOUND') : v2Problem(404, 'not_found', 'Not found', 'No such resource.')),
      rateLimited: (seconds) => (dialect === 'v1' ? v1RateLimited(seconds) : v2RateLimited(seconds)),
      server: (status) =>
        dialect === 'v1'
          ? v1Error(status, 'server_error', 'An unexpected error occurred', 'INTERNAL_ERROR')
          : v2Problem(status, status === 503 ? 'service_unavailable' : 'internal_error', 'Server error', 'An unexpected error occurred.'),
    },
    drift(body, route) {
      const copy = structuredClone(body) as Record<string, unknown>;
      switch (route.operation) {
        case 'v1.getTicket':
        case 'v1.createTicket': {
          // A HostBill upgrade that starts sending the date as a unix timestamp.
          const ticket = (copy.data as { ticket: Record<string, unknown> }).ticket;
          ticket.date = 1_727_740_800;
          return copy;
        }
        case 'listTickets': {
          const rows = copy.data as Record<string, unknown>[];
          if (rows[0]) delete rows[0].status;
          else copy.nextCursor = 42;
          return copy;
        }
        case 'addMessage':
          copy.sender = null;
          return copy;
        case 'listDepartments':
          copy.departments = 'see the dashboard';
          return copy;
        case 'v1.listDepartments':
          copy.data = null;
          return copy;
        default:
          // Ticket detail (get, create, close, reopen): the required status disappears.
          delete copy.status;
          return copy;
      }
    },
  };

  return {
    definition,
    settings: (baseUrl) => ({ baseUrl, apiKey: new Secret(HOSTUP_SANDBOX_KEY), generation: 'v2', timeZone: HOSTUP_DEFAULT_TIMEZONE }),
    credentials: { 'Authorization (v2)': `Bearer ${HOSTUP_SANDBOX_KEY}`, 'X-API-Key (v1)': HOSTUP_SANDBOX_KEY },
  };
}
