import { Secret } from '../../../secret.js';
import type { SimulatorDefinition } from '../../../simkit/server.js';
import type { SandboxProvider, SimulatorOptions } from '../../../simkit/types.js';
import { generateZaiaData } from './data.js';
import { createZaiaRoutes, zaiaError } from './routes.js';
import type { ZaiaSettings } from '../settings.js';

export { zaiaSandboxTags } from './data.js';

/** The sandbox workspace's API key. */
export const ZAIA_SANDBOX_API_KEY = 'zaia-sandbox-api-key-7f3c';

/**
 * Zaia's `authorization` header carries the API key; whether it wants a `Bearer ` prefix
 * is not documented, so the sandbox accepts both spellings.
 */
function apiKeyOf(value: string | string[] | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  const bearer = /^Bearer\s+(.+)$/i.exec(trimmed);
  return bearer ? bearer[1] : trimmed;
}

/** Breaks the documented schema in the first way a drifting alpha API plausibly would. */
function drift(body: unknown): unknown {
  if (Array.isArray(body)) {
    if (body.length === 0) return { items: body };
    return [drift(body[0]), ...body.slice(1)];
  }
  if (body && typeof body === 'object') {
    const record = { ...(body as Record<string, unknown>) };
    if ('createdAt' in record) record.createdAt = Date.parse(String(record.createdAt));
    else if ('message' in record) delete record.message;
    else record.id = 42;
    return record;
  }
  return { unexpected: body };
}

export function createZaiaSimulator(options: SimulatorOptions): SandboxProvider<ZaiaSettings> {
  const data = generateZaiaData(options);
  const definition: SimulatorDefinition = {
    provider: 'zaia',
    routes: createZaiaRoutes(data),
    authenticate: (req) => (apiKeyOf(req.headers.authorization) === ZAIA_SANDBOX_API_KEY ? 'ok' : 'unauthorized'),
    errors: {
      unauthorized: () => zaiaError(401, 'Invalid or missing API key'),
      forbidden: () => zaiaError(403, 'The API key cannot access this resource'),
      notFound: () => zaiaError(404, 'Cannot find the requested resource'),
      // The 429 shape is undocumented: the wait goes in the standard Retry-After header.
      rateLimited: (seconds) => zaiaError(429, 'Too many requests', { 'retry-after': String(seconds) }),
      server: (status) => zaiaError(status, status === 503 ? 'Service unavailable' : 'Internal server error'),
    },
    drift: (body) => drift(body),
  };
  const actingUserId = data.users[0]?.id ?? null;
  return {
    definition,
    settings: (baseUrl) => ({ baseUrl, apiKey: new Secret(ZAIA_SANDBOX_API_KEY), actingUserId }),
    credentials: { authorization: `Bearer ${ZAIA_SANDBOX_API_KEY}` },
  };
}
