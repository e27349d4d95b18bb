import ky, { HTTPError, TimeoutError, type KyInstance, type Options as KyOptions } from 'ky';
import type { z } from 'zod';
import { BadUserInputError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { ProviderKey } from '../model/provider.js';
import { endAttempt, observeUpstream, traceAttempt, type UpstreamCallRecord } from '../request-context.js';
import { registerDerivedSecret } from '../secret.js';
import { deadlineSignal } from './deadline.js';
import { parsePayload, type BadPayloadListener } from './parse.js';
import { AttemptTimeoutError, BodyTooLargeError, createNodeHttpSend, readCappedText, sendOverFetch, type Send } from './transport.js';
import type { Pacer } from '../upstream/pacing.js';
import { fromKyError, parseRetryAfter, readProviderErrorBody, safeRequestId, UpstreamError, type ProviderErrorInfo } from './errors.js';

/** Tunables shared by every provider client (config.ts reads them from the environment). */
export interface HttpSettings {
  /** Timeout of one attempt. @default 5000 */
  timeoutMs: number;
  /** Overall deadline of one call, retries and waits included. @default 10000 */
  deadlineMs: number;
  /** Retries of reads (GET) on 429/502/503/504, timeouts and network errors; writes are never retried. @default 2 */
  retryLimit: number;
  /** Longest Retry-After we wait for; beyond it the call ends in RATE_LIMITED at once. @default 5000 */
  maxRetryAfterMs: number;
  /** Cap of the exponential backoff between retries. @default 2000 */
  backoffLimitMs: number;
  /** How calls reach the providers: node:http with keep-alive agents, or the global fetch. @default node-http */
  transport?: 'node-http' | 'fetch' | undefined;
  /** Identical provider reads in flight at once share one run (registry.ts, coalesce.ts). @default true */
  coalesce?: boolean | undefined;
  /** Largest upstream response body read; a longer one is aborted (UPSTREAM_BAD_RESPONSE). @default 10485760 */
  maxBodyBytes?: number | undefined;
  /** Rate pacing per provider (src/upstream/pacing.ts); not from the environment, built by the registry. */
  pacer?: Pacer | undefined;
}

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Error bodies are read for a message and a request id only: a few KB is plenty. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** One node:http transport (one pair of keep-alive agents) per body cap in use. */
const sharedNodeHttpSend = new Map<number, Send>();

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ProviderHttpOptions {
  provider: ProviderKey;
  baseUrl: string;
  settings: HttpSettings;
  /**
   * Sets the auth headers. Called once, when the client is built: credentials are
   * configuration, fixed for the life of the process, so every attempt sends the same ones.
   */
  authorize: (headers: Headers) => void;
  /** Fixed headers (Moov's X-Moov-Version, Spacebring's network id). */
  headers?: Record<string, string>;
  /** Provider-specific reading of error bodies, merged over the generic reader. */
  readError?: (body: unknown) => ProviderErrorInfo;
  /** HostUp v1 sends the retry hint in the 429 body, not in a header. */
  retryAfterInBody?: boolean;
  metrics?: Metrics | undefined;
  onBadPayload?: BadPayloadListener | undefined;
  /** Only for tests that must observe the wire; contract tests use real HTTP. */
  fetch?: typeof globalThis.fetch;
}

export interface CallOptions<S extends z.ZodType> {
  /** Metrics label and error context: `getTicket`, `listTickets`, … */
  operation: string;
  method?: HttpMethod;
  /**
   * Relative to the base URL, no leading slash. Callers build it with seg() for every
   * variable segment; perform() refuses any path with an empty or dot segment all the same.
   */
  path: string;
  searchParams?: URLSearchParams | Record<string, string | number | boolean | undefined>;
  json?: unknown;
  schema: S;
  signal?: AbortSignal | undefined;
}

export interface CallResult<T> {
  data: T;
  /** The body as received, before zod stripped anything: what `Ticket.raw` exposes. */
  raw: unknown;
  status: number;
  requestId: string | undefined;
}

export interface ProviderHttp {
  readonly provider: ProviderKey;
  call<S extends z.ZodType>(options: CallOptions<S>): Promise<CallResult<z.output<S>>>;
  /**
   * The same parse point for a part of a body read later (a list row the feed uses,
   * src/upstream/rows.ts): same error, same metric and listener.
   */
  parse<S extends z.ZodType>(operation: string, schema: S, value: unknown, at: readonly (string | number)[]): z.output<S>;
}

/**
 * Only reads are retried. PUT and DELETE are idempotent in HTTP's sense, but a retry after
 * a timeout or a 503 sends again a write the provider may already have applied (issue 13's
 * probe saw Spacebring's status and assignee PUTs and Zaia's untag DELETE sent 2–3 times),
 * and between two sends someone else may have changed the ticket: a write is sent once,
 * and a timeout says its outcome is unknown.
 */
const RETRIED: readonly HttpMethod[] = ['get'];
const RETRY_STATUS = [429, 502, 503, 504];
/**
 * What each attempt of one call needs to know, handed to it through ky's options: ky keeps
 * the options it does not know in the normalized options its hooks are given.
 */
interface AttemptState {
  operation: string;
  /** Relative path, for the pacer's bucket (the same path `take` was given). */
  path: string;
  record: UpstreamCallRecord | undefined;
  /** The call's deadline (and the client's disconnect): ky is given no signal, see perform(). */
  signal: AbortSignal;
}
type AttemptOptions = { upstream?: AttemptState };

/** The headers ky reads a retry hint from, in its order (ky/core/Ky.ts). */
const RETRY_HINT_HEADERS = ['retry-after', 'ratelimit-reset', 'x-ratelimit-retry-after', 'x-ratelimit-reset', 'x-rate-limit-reset'];

async function bodyRetryAfter(response: Response): Promise<number | undefined> {
  try {
    return readProviderErrorBody(JSON.parse(await readCappedText(response.clone(), MAX_ERROR_BODY_BYTES)) as unknown).retryAfter;
  } catch {
    return undefined;
  }
}

/**
 * The retry hint ky will act on when it cannot be read: ky turns an unparsable value into a
 * wait of maxRetryAfter, so `Retry-After: soon` made every retry wait the cap out (and the
 * call its deadline). Such a hint counts as absent: the normal backoff applies.
 */
function unparsableRetryHint(headers: Headers): boolean {
  for (const name of RETRY_HINT_HEADERS) {
    const value = headers.get(name);
    if (value === null) continue;
    return Number.isNaN(Number(value)) && Number.isNaN(Date.parse(value));
  }
  return false;
}

/** A path segment that a URL parser or the provider's router would read as `.` or `..`, also percent-encoded. */
function isDotSegment(segment: string): boolean {
  let decoded = segment;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      break;
    }
    if (next === decoded) break;
    decoded = next;
  }
  return decoded === '.' || decoded === '..';
}

function refuseSegment(): never {
  throw new BadUserInputError('Invalid id: empty, "." and ".." are not ids', { argument: 'id' });
}

/**
 * Every path goes through here before a request is built: a `..` from a client would
 * otherwise be collapsed by the URL parser (`tickets/<id>/tags/..` → `tickets/<id>/`) and
 * send the call to another resource. Refused as BAD_USER_INPUT, with no upstream call.
 */
function checkPath(path: string): void {
  for (const segment of path.split('/')) if (segment === '' || isDotSegment(segment)) refuseSegment();
}

/**
 * The one ky factory. Timeouts per attempt and a deadline per call; retries only for
 * reads (a provider that accepted a write we think failed would get it twice, whatever
 * the method); Retry-After is honoured up to a cap, and a longer one ends the call at
 * once in RATE_LIMITED (ky's own maxRetryAfter would clamp and retry too early instead).
 * Redirects are not followed and bodies are capped: see kyOptions and perform().
 */
export function createProviderHttp(options: ProviderHttpOptions): ProviderHttp {
  const { provider, settings, metrics } = options;
  const capMs = settings.maxRetryAfterMs;
  const maxBodyBytes = settings.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let send: Send;
  if (options.fetch) send = sendOverFetch(options.fetch);
  else if (settings.transport === 'fetch') send = sendOverFetch(globalThis.fetch.bind(globalThis));
  else {
    send = sharedNodeHttpSend.get(maxBodyBytes) ?? createNodeHttpSend({ maxBodyBytes });
    sharedNodeHttpSend.set(maxBodyBytes, send);
  }
  const authorized = new Headers({ accept: 'application/json', ...options.headers });
  options.authorize(authorized);
  // Given to the transport beside each Request (SendOptions.headers), not to ky: ky would
  // merge them into a new Headers twice per call and undici copy them into each Request.
  const fixedHeaders: Readonly<Record<string, string>> = Object.freeze(Object.fromEntries(authorized));
  const onBadPayload: BadPayloadListener = (info) => {
    metrics?.upstreamBadResponses.inc({ provider, operation: info.operation });
    options.onBadPayload?.(info);
  };

  /**
   * Each HTTP attempt, retries included: the one place that traces it (request-context.ts),
   * counts and times it (metrics) and shows its answer to the pacer.
   */
  const attempt = async (request: Request, options: AttemptOptions): Promise<Response> => {
    const state = options.upstream;
    const operation = state?.operation ?? 'unknown';
    const signal = state?.signal ?? request.signal;
    // ky retries on its own timer, which does not see the deadline: a retry after it is not made.
    if (signal.aborted) throw signal.reason;
    const span = traceAttempt(provider, request, state?.record);
    const started = performance.now();
    let status = 'error';
    try {
      const response = await send(request, { signal, timeoutMs: settings.timeoutMs, headers: fixedHeaders });
      status = String(response.status);
      endAttempt(span, state?.record, { status: response.status });
      settings.pacer?.observe(provider, state?.path ?? new URL(request.url).pathname, response);
      return response;
    } catch (error) {
      const timedOut = error instanceof AttemptTimeoutError;
      status = timedOut || (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) ? 'timeout' : 'error';
      endAttempt(span, state?.record, { error });
      // ky's own TimeoutError, so that its retry (retryOnTimeout) and fromKyError read it as before.
      throw timedOut ? new TimeoutError(request) : error;
    } finally {
      if (metrics) {
        metrics.upstreamDuration.observe({ provider, operation }, (performance.now() - started) / 1000);
        metrics.upstreamRequests.inc({ provider, operation, status });
      }
    }
  };

  const kyOptions: KyOptions = {
    prefixUrl: options.baseUrl.replace(/\/+$/, '') + '/',
    // The attempt's timeout is the transport's (attempt(), SendOptions): ky's would arm a second
    // timer and abort a controller whose signal every Request follows.
    timeout: false,
    // Never follow a redirect: the auth headers would go along to wherever it points (the
    // fetch transport followed them cross-origin with HostUp's X-API-Key). A 3xx is an
    // unexpected answer, UPSTREAM_BAD_RESPONSE; the node:http transport never follows either.
    redirect: 'manual',
    retry: {
      limit: settings.retryLimit,
      methods: [...RETRIED],
      statusCodes: RETRY_STATUS,
      afterStatusCodes: [429, 503],
      maxRetryAfter: capMs,
      backoffLimit: settings.backoffLimitMs,
      jitter: true,
      retryOnTimeout: true,
      delay: (attempt) => 100 * 2 ** (attempt - 1),
      shouldRetry: async ({ error }) => {
        // An oversized body comes again on a retry: it is not a transient failure.
        if (error instanceof BodyTooLargeError) return false;
        // The call's deadline passed or its client left (the signal's reason; an attempt's own
        // timeout is ky's TimeoutError): nothing to retry for.
        if (!(error instanceof TimeoutError) && (error.name === 'AbortError' || error.name === 'TimeoutError')) return false;
        if (!(error instanceof HTTPError) || (error.response.status !== 429 && error.response.status !== 503)) return undefined;
        const after = parseRetryAfter(error.response.headers.get('retry-after')) ?? (options.retryAfterInBody ? await bodyRetryAfter(error.response) : undefined);
        if (after !== undefined && after * 1000 > capMs) return false;
        // `true` retries after the normal backoff, bypassing ky's reading of the hint.
        if (unparsableRetryHint(error.response.headers)) return true;
        return undefined;
      },
    },
    hooks: {
      // Each attempt is made here, not through ky's `fetch` option: before calling `fetch`,
      // ky clones the Request for a retry to come (undici copies it, headers and a signal it
      // follows), on every attempt of every call. A read has no body, and a write is never
      // retried, so the one Request serves all attempts; a Response returned from this hook
      // goes through ky's afterResponse hooks, HTTPError and retries as a fetched one does.
      beforeRequest: [(request, normalized) => attempt(request, normalized as AttemptOptions)],
      afterResponse: options.retryAfterInBody
        ? [
            async (request, normalized, response, state) => {
              if (response.status !== 429 || response.headers.has('retry-after')) return response;
              // A forced retry skips ky's method check: this hook must refuse writes itself.
              if (!RETRIED.includes(request.method.toLowerCase() as HttpMethod)) return response;
              if (state.retryCount >= (normalized.retry.limit ?? 0)) return response;
              const after = await bodyRetryAfter(response);
              if (after === undefined || after * 1000 > capMs) return response;
              return ky.retry({ delay: after * 1000 });
            },
          ]
        : [],
    },
  };
  const client: KyInstance = ky.create(kyOptions);

  const parse = <S extends z.ZodType>(operation: string, schema: S, value: unknown, at: readonly (string | number)[]): z.output<S> =>
    parsePayload(provider, operation, schema, value, onBadPayload, at);

  /**
   * One upstream round trip: the ky call under a deadline, then the one parse of the payload.
   */
  async function perform<S extends z.ZodType>(call: CallOptions<S>, record: UpstreamCallRecord | undefined): Promise<CallResult<z.output<S>>> {
    const method = call.method ?? 'get';
    const write = method !== 'get';
    checkPath(call.path);
    // A timer cleared in `finally` rather than AbortSignal.timeout + any(): those keep each
    // call's signal, and what hangs on it, alive until the timer fires (10 s by default).
    const { signal, release, until } = deadlineSignal(settings.deadlineMs, call.signal, { fanOut: false });
    let response: Response;
    let text: string;
    try {
      // Wait for the call's slot in the provider's rate budget, leaving one attempt's timeout
      // of the deadline for the call itself; a slot further away is RATE_LIMITED at once.
      await settings.pacer?.take(provider, call.path, call.operation, Math.max(0, settings.deadlineMs - settings.timeoutMs), signal);
      // The query string goes in the path: ky would build the Request twice to add it.
      // No `signal` for ky: it would derive one per call (AbortSignal.any) that each Request
      // then clones and follows. The attempts get the deadline beside the Request instead
      // (AttemptState), and ky's waits between retries are cut short here.
      const request: KyOptions & { upstream: AttemptState } = {
        method,
        json: call.json,
        upstream: { operation: call.operation, path: call.path, record, signal },
      };
      response = await until(client(target(call), request));
      text = await readCappedText(response, maxBodyBytes);
    } catch (error) {
      throw await fromKyError(error, { provider, operation: call.operation, write, readError: options.readError });
    } finally {
      release();
    }
    let raw: unknown;
    if (text === '') raw = undefined;
    else {
      try {
        raw = JSON.parse(text) as unknown;
      } catch {
        metrics?.upstreamBadResponses.inc({ provider, operation: call.operation });
        throw new UpstreamError('UPSTREAM_BAD_RESPONSE', `${provider} answered ${call.operation} with a body that is not JSON`, {
          provider,
          operation: call.operation,
          status: response.status,
          path: '(root)',
        });
      }
    }
    const data = parse(call.operation, call.schema, raw, []);
    return { data, raw, status: response.status, requestId: safeRequestId(response.headers.get('x-request-id')) };
  }

  // Identical reads in flight are coalesced above this client, per provider (coalesce.ts),
  // where the parsing and mapping are shared too.
  return { provider, parse, call: (call) => observeUpstream(provider, call.operation, call.method ?? 'get', (record) => perform(call, record)) };
}

/** The relative URL of a call: its path and query string, undefined values left out. */
function target(call: CallOptions<z.ZodType>): string {
  const params = call.searchParams;
  if (!params) return call.path;
  let query: string;
  if (params instanceof URLSearchParams) query = params.toString();
  else {
    const defined = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (value !== undefined) defined.append(name, String(value));
    query = defined.toString();
  }
  return query === '' ? call.path : `${call.path}?${query}`;
}

export function basicAuth(user: string, password: string): string {
  const encoded = Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
  registerDerivedSecret(encoded);
  return `Basic ${encoded}`;
}

/**
 * Path segment encoding; ids from clients are user input even after decoding. Empty, `.`
 * and `..` (also as `%2e`) cannot be made one segment that every router reads as such, so
 * they are refused (BAD_USER_INPUT) before any call; perform() checks the whole path again.
 */
export function seg(value: string | number): string {
  const text = String(value);
  if (text === '' || isDotSegment(text)) refuseSegment();
  return encodeURIComponent(text);
}
