import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderKey } from '../model/provider.js';

/** A fault knob of one simulator (SANDBOX_FAULTS, the admin API, tests). */
export interface SandboxFault {
  status?: number | undefined;
  rate?: number | undefined;
  latencyMs?: number | undefined;
  jitterMs?: number | undefined;
  hang?: boolean | undefined;
  rateLimitPerSecond?: number | undefined;
  malformed?: boolean | undefined;
  drift?: boolean | undefined;
  /** Undocumented status values and an unexpected field in payloads that still parse. */
  softDrift?: boolean | undefined;
  retryAfter?: number | undefined;
  /** Only requests of these simulator operations (e.g. `listTicketMessages`) fail; all when unset. */
  operations?: string[] | undefined;
}

export interface SimRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; undefined when none was sent. */
  body: unknown;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** @default application/json */
  contentType?: string;
}

/** Thrown by handlers to answer with a provider-shaped error. */
export class SimHttpError extends Error {
  constructor(readonly response: SimResponse) {
    super(`sandbox error ${response.status}`);
  }
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path pattern with `:param` segments, e.g. `/support/tickets/v1/:id`. */
  pattern: string;
  /** Counter key, e.g. `getTicket`; shown by the admin endpoint and used by tests. */
  operation: string;
  handler: (req: SimRequest) => SimResponse | Promise<SimResponse>;
}

export interface SimulatorDefinition {
  provider: ProviderKey;
  routes: Route[];
  /** 'ok', or which failure to answer: the provider's own 401 (or 403) shape. */
  authenticate(req: SimRequest, route: Route): 'ok' | 'unauthorized' | 'forbidden';
  errors: {
    unauthorized(): SimResponse;
    forbidden(): SimResponse;
    notFound(): SimResponse;
    /** The provider's 429, with Retry-After where the provider documents it (header or body). */
    rateLimited(retryAfterSeconds: number): SimResponse;
    server(status: number): SimResponse;
  };
  /** What `rateLimitPerSecond` counts per (Moov: each account); one budget when absent. */
  rateScope?(req: SimRequest): string;
  /** A variant of a success body that breaks the documented schema (the `drift` knob). */
  drift(body: unknown, route: Route): unknown;
}

export interface SimulatorHandle {
  provider: ProviderKey;
  url: string;
  port: number;
  /** Requests per operation since the last reset (admin calls excluded). */
  requests(): Record<string, number>;
  totalRequests(): number;
  /** Responses by HTTP status since the last reset (admin calls excluded): how many 429s a gateway drew. */
  responses(): Record<string, number>;
  resetRequests(): void;
  setFault(fault: SandboxFault | null): void;
  getFault(): SandboxFault;
  close(): Promise<void>;
}

interface CompiledRoute extends Route {
  parts: string[];
}

function compile(route: Route): CompiledRoute {
  return { ...route, parts: route.pattern.split('/').filter(Boolean) };
}

function match(route: CompiledRoute, segments: string[]): Record<string, string> | null {
  if (route.parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const part = route.parts[i] as string;
    const segment = segments[i] as string;
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(segment);
      } catch {
        return null;
      }
    } else if (part !== segment) return null;
  }
  return params;
}

/** The undocumented status value and the unexpected field the `softDrift` knob adds. */
export const SOFT_DRIFT = { status: 'escalated_tier3', field: 'slaTier' } as const;

/**
 * A provider extending its API under us: every object carrying a string `status` gets an
 * undocumented value and a field the docs do not list. Schemas keep statuses as strings and
 * strip unknown keys, so the payload still parses.
 */
export function softDrift(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(softDrift);
  if (!body || typeof body !== 'object') return body;
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(body).map(([key, value]) => [key, softDrift(value)]));
  if (typeof out.status === 'string') {
    out.status = SOFT_DRIFT.status;
    out[SOFT_DRIFT.field] = 'gold';
  }
  return out;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One provider simulator: a node:http server on an ephemeral loopback port. Faults apply
 * in the order a real outage shows them: rate budget (429), injected error status at a
 * rate, latency, a hang, then the handler, whose body may be replaced by garbage
 * (`malformed`) or a schema-breaking variant (`drift`), or, for reads, one that still
 * parses but departs from the docs (`softDrift`).
 */
export async function startSimulator(
  definition: SimulatorDefinition,
  options: { port?: number; fault?: SandboxFault | undefined; random?: () => number } = {},
): Promise<SimulatorHandle> {
  const routes = definition.routes.map(compile);
  const random = options.random ?? Math.random;
  let fault: SandboxFault = options.fault ?? {};
  let counts: Record<string, number> = {};
  let statuses: Record<string, number> = {};
  const windows = new Map<string, { start: number; count: number }>();
  const hanging = new Set<() => void>();

  const send = (res: import('node:http').ServerResponse, response: SimResponse, counted = true) => {
    if (res.writableEnded || res.destroyed) return;
    if (counted) statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    const headers: Record<string, string> = { ...response.headers };
    let payload = '';
    if (response.body !== undefined) {
      payload = typeof response.body === 'string' && response.contentType ? response.body : JSON.stringify(response.body);
      headers['content-type'] ??= response.contentType ?? 'application/json';
    }
    headers['content-length'] = String(Buffer.byteLength(payload));
    res.writeHead(response.status, headers);
    res.end(payload);
  };

  const admin = async (method: string, path: string, body: unknown): Promise<SimResponse> => {
    if (path === '/__sandbox/requests' && method === 'GET') {
      return {
        status: 200,
        body: { provider: definition.provider, total: Object.values(counts).reduce((a, b) => a + b, 0), byOperation: counts, byStatus: statuses },
      };
    }
    if (path === '/__sandbox/requests' && method === 'DELETE') {
      counts = {};
      statuses = {};
      return { status: 204 };
    }
    if (path === '/__sandbox/faults' && method === 'GET') return { status: 200, body: fault };
    if (path === '/__sandbox/faults' && (method === 'PUT' || method === 'POST')) {
      fault = body && typeof body === 'object' ? (body as SandboxFault) : {};
      return { status: 200, body: fault };
    }
    return { status: 404, body: { error: 'unknown sandbox admin path' } };
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://sandbox');
        const method = (req.method ?? 'GET').toUpperCase();
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        if (text.length > 0) {
          try {
            body = JSON.parse(text) as unknown;
          } catch {
            send(res, { status: 400, body: { error: 'request body is not JSON' } });
            return;
          }
        }
        if (url.pathname.startsWith('/__sandbox/')) {
          send(res, await admin(method, url.pathname, body), false);
          return;
        }
        const segments = url.pathname.split('/').filter(Boolean);
        let route: CompiledRoute | undefined;
        let params: Record<string, string> | null = null;
        for (const candidate of routes) {
          if (candidate.method !== method) continue;
          params = match(candidate, segments);
          if (params) {
            route = candidate;
            break;
          }
        }
        if (!route || !params) {
          send(res, definition.errors.notFound());
          return;
        }
        counts[route.operation] = (counts[route.operation] ?? 0) + 1;
        const simReq: SimRequest = { method, path: url.pathname, params, query: url.searchParams, headers: req.headers, body };
        const auth = definition.authenticate(simReq, route);
        if (auth !== 'ok') {
          send(res, auth === 'forbidden' ? definition.errors.forbidden() : definition.errors.unauthorized());
          return;
        }
        // A fault scoped to some operations (a timeline read, say) leaves the others healthy.
        const faulty = !fault.operations || fault.operations.includes(route.operation);
        if (faulty && fault.rateLimitPerSecond !== undefined) {
          const now = Date.now();
          const scope = definition.rateScope?.(simReq) ?? '';
          let window = windows.get(scope);
          if (!window || now - window.start >= 1000) {
            window = { start: now, count: 0 };
            windows.set(scope, window);
          }
          window.count++;
          if (window.count > fault.rateLimitPerSecond) {
            const retryAfter = fault.retryAfter ?? Math.max(1, Math.ceil((window.start + 1000 - now) / 1000));
            send(res, definition.errors.rateLimited(retryAfter));
            return;
          }
        }
        if (faulty && fault.status !== undefined && random() < (fault.rate ?? 1)) {
          send(res, fault.status === 429 ? definition.errors.rateLimited(fault.retryAfter ?? 1) : definition.errors.server(fault.status));
          return;
        }
        const latency = faulty ? (fault.latencyMs ?? 0) + (fault.jitterMs ? random() * fault.jitterMs : 0) : 0;
        if (latency > 0) await sleep(latency);
        if (faulty && fault.hang) {
          // Never answers; the socket is released when the client gives up or at close().
          await new Promise<void>((resolve) => {
            hanging.add(resolve);
            req.socket.once('close', resolve);
          });
          return;
        }
        let response: SimResponse;
        try {
          response = await route.handler(simReq);
        } catch (error) {
          if (error instanceof SimHttpError) response = error.response;
          else {
            response = definition.errors.server(500);
            console.error(`[sandbox:${definition.provider}] handler failed`, error);
          }
        }
        if (faulty && response.status < 300 && response.body !== undefined) {
          if (fault.malformed) response = { ...response, body: '<html>502 Bad Gateway</html>{', contentType: 'application/json' };
          else if (fault.drift) response = { ...response, body: definition.drift(response.body, route) };
          else if (fault.softDrift && method === 'GET') response = { ...response, body: softDrift(response.body) };
        }
        send(res, response);
      })();
    });
  });
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    provider: definition.provider,
    url: `http://127.0.0.1:${port}`,
    port,
    requests: () => ({ ...counts }),
    totalRequests: () => Object.values(counts).reduce((a, b) => a + b, 0),
    responses: () => ({ ...statuses }),
    resetRequests: () => {
      counts = {};
      statuses = {};
    },
    setFault: (next) => {
      fault = next ?? {};
    },
    getFault: () => fault,
    close: async () => {
      for (const release of hanging) release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Reads a bearer token from an Authorization header, case-insensitively. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  if (typeof value !== 'string') return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(value.trim());
  return match?.[1];
}

/** Decodes HTTP Basic credentials. */
export function basicCredentials(headers: IncomingHttpHeaders): { user: string; password: string } | undefined {
  const value = headers.authorization;
  if (typeof value !== 'string') return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(value.trim());
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
