import { Secret } from '../../../secret.js';
import { basicCredentials, bearerToken, type Route, type SimulatorDefinition } from '../../../simkit/server.js';
import type { SandboxProvider, SimulatorOptions } from '../../../simkit/types.js';
import { generate } from './data.js';
import { createRoutes, sbError } from './routes.js';
import { SPACEBRING_DEFAULT_NETWORK_HEADER, type SpacebringSettings } from '../settings.js';

/** Create and comment accept OAuth2 tokens only (the docs' "OAuth2 only" endpoints). */
const OAUTH_ONLY = new Set(['createTicket', 'addComment']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A success body that breaks the Spacebring schemas: the ticket id (or the activity id)
 * becomes a number, or the list's `tickets` stops being an array.
 */
function drift(body: unknown): unknown {
  if (!isRecord(body)) return body;
  const copy = structuredClone(body);
  if (isRecord(copy.ticket)) copy.ticket.id = 12345;
  else if (Array.isArray(copy.tickets)) {
    const first: unknown = copy.tickets[0];
    if (isRecord(first)) first.updateDate = 'yesterday';
    else copy.tickets = null;
  } else if (isRecord(copy.activity)) copy.activity.createDate = 1_700_000_000;
  return copy;
}

/**
 * Spacebring Support simulator: tickets in three locations, served under
 * `/support/tickets/v1`, with Basic (client id/secret) or Bearer + `spacebring-network-id`.
 */
export function createSpacebringSimulator(options: SimulatorOptions): SandboxProvider<SpacebringSettings> {
  const state = generate(options);
  const routes = createRoutes(state);

  const definition: SimulatorDefinition = {
    provider: 'spacebring',
    routes,
    authenticate(req, route: Route) {
      const basic = basicCredentials(req.headers);
      if (basic) {
        if (basic.user !== state.clientId || basic.password !== state.clientSecret) return 'unauthorized';
        return OAUTH_ONLY.has(route.operation) ? 'forbidden' : 'ok';
      }
      const token = bearerToken(req.headers);
      if (token === undefined || token !== state.accessToken) return 'unauthorized';
      // The network header is required with a bearer token; a wrong one is no access at all.
      return req.headers[SPACEBRING_DEFAULT_NETWORK_HEADER] === state.networkId ? 'ok' : 'unauthorized';
    },
    errors: {
      unauthorized: () => sbError(401, 'Unauthorized', 'unauthorized'),
      forbidden: () => sbError(403, 'This operation requires OAuth2 authentication', 'forbidden'),
      notFound: () => sbError(404, 'Not found', 'notFound'),
      // Whether Spacebring sends Retry-After is not documented; the sandbox does.
      rateLimited: (seconds) => ({ ...sbError(429, 'Too many requests', 'tooManyRequests'), headers: { 'retry-after': String(seconds) } }),
      server: (status) => sbError(status, 'Internal server error', 'internal'),
    },
    drift,
  };

  return {
    definition,
    settings: (baseUrl) => ({
      baseUrl,
      // OAuth, so that create and comment work against the sandbox too.
      auth: { kind: 'oauth', accessToken: new Secret(state.accessToken), networkId: state.networkId, networkHeader: SPACEBRING_DEFAULT_NETWORK_HEADER },
      locationRefs: [...state.locations.keys()],
    }),
    credentials: {
      authorization: `Bearer ${state.accessToken}`,
      [SPACEBRING_DEFAULT_NETWORK_HEADER]: state.networkId,
      // Basic works for every endpoint but create and comment.
      'authorization (basic)': `Basic ${Buffer.from(`${state.clientId}:${state.clientSecret}`).toString('base64')}`,
    },
  };
}
