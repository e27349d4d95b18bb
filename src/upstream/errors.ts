import { HTTPError, TimeoutError } from 'ky';
import { TicketgraphError, type ErrorCode, type ErrorExtensions } from '../errors.js';
import type { ProviderKey } from '../model/provider.js';
import { redact } from '../secret.js';
import { BodyTooLargeError, readCappedText } from './transport.js';

export type UpstreamErrorCode = Extract<
  ErrorCode,
  'NOT_FOUND' | 'PROVIDER_AUTH_FAILED' | 'FORBIDDEN' | 'CONFLICT' | 'RATE_LIMITED' | 'UPSTREAM_TIMEOUT' | 'UPSTREAM_UNAVAILABLE' | 'UPSTREAM_BAD_RESPONSE' | 'BAD_USER_INPUT'
>;

export interface UpstreamErrorDetails {
  provider: ProviderKey;
  operation: string;
  status?: number | undefined;
  requestId?: string | undefined;
  /** Seconds until the provider accepts calls again (RATE_LIMITED). */
  retryAfter?: number | undefined;
  /** Path of the first bad field (UPSTREAM_BAD_RESPONSE) or the provider's field paths (BAD_USER_INPUT). */
  path?: string | undefined;
  fields?: readonly string[] | undefined;
}

/** Every failure of a provider call, whatever its cause, ends as one of these. */
export class UpstreamError extends TicketgraphError {
  readonly provider: ProviderKey;
  readonly status: number | undefined;
  readonly retryAfter: number | undefined;
  constructor(code: UpstreamErrorCode, message: string, details: UpstreamErrorDetails, options?: { cause?: unknown }) {
    const extensions: ErrorExtensions = {
      provider: details.provider,
      status: details.status,
      // Checked again here, whatever built the error: the one gate for provider ids.
      requestId: safeRequestId(details.requestId),
      retryAfter: details.retryAfter,
      path: details.path,
      fields: details.fields,
    };
    super(code, message, extensions, options);
    this.name = 'UpstreamError';
    this.provider = details.provider;
    this.status = details.status;
    this.retryAfter = details.retryAfter;
  }

  /** Worth trying again later: not cached by loaders, counted by the breaker. */
  get transient(): boolean {
    return this.code === 'RATE_LIMITED' || this.code === 'UPSTREAM_TIMEOUT' || this.code === 'UPSTREAM_UNAVAILABLE';
  }
}

export function isUpstreamError(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError;
}

/** What a provider's error body tells us, read resiliently (any field may be missing). */
export interface ProviderErrorInfo {
  requestId?: string | undefined;
  retryAfter?: number | undefined;
  message?: string | undefined;
  fields?: string[] | undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Seconds from a Retry-After value: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/**
 * Reads the error shapes the five providers document: HostUp's envelope
 * (`requestId`, `retryAfter`), RFC 7807 problem+json (`instance`, `errors[]` with
 * `location` or `pointer`), Spacebring's `{message, type}` and zod-style `issues[]`,
 * Moov's `{error}`. Unknown shapes give an empty result, never a throw.
 */
export function readProviderErrorBody(body: unknown): ProviderErrorInfo {
  const record = asRecord(body);
  if (!record) return {};
  const info: ProviderErrorInfo = {};
  if (typeof record.requestId === 'string') info.requestId = record.requestId;
  // RFC 7807 `instance` is often an error-log URL (Huma's examples): never a URL in extensions.
  else if (typeof record.instance === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(record.instance)) info.requestId = record.instance;
  info.retryAfter = parseRetryAfter(record.retryAfter);
  const message = record.detail ?? record.message ?? record.error ?? record.title;
  if (typeof message === 'string') info.message = message;
  const list = Array.isArray(record.errors) ? record.errors : Array.isArray(record.issues) ? record.issues : undefined;
  if (list) {
    const fields: string[] = [];
    for (const item of list) {
      const entry = asRecord(item);
      if (!entry) continue;
      const where = entry.location ?? entry.pointer ?? entry.path;
      if (typeof where === 'string') fields.push(where);
      else if (Array.isArray(where)) fields.push(where.join('.'));
    }
    if (fields.length > 0) info.fields = fields;
  }
  return info;
}

/** Longest provider text (message, field path) a client sees. */
const MAX_PROVIDER_TEXT = 300;
const MAX_FIELDS = 20;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
// eslint-disable-next-line no-control-regex -- control characters are what providerText drops
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]+/g;

/**
 * Text that came from a provider, made fit for a client: every configured credential and
 * auth header value redacted (a provider may echo our Authorization header back), control
 * characters dropped, length capped.
 */
export function providerText(text: string, max = MAX_PROVIDER_TEXT): string {
  const clean = redact(text).replace(CONTROL_CHARACTERS, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** A provider's request id, only if it looks like one and carries no credential. */
export function safeRequestId(value: unknown): string | undefined {
  if (typeof value !== 'string' || !REQUEST_ID.test(value)) return undefined;
  return redact(value) === value ? value : undefined;
}

/** Which status codes are the caller's fault, so that they read as BAD_USER_INPUT. */
function codeForStatus(status: number): UpstreamErrorCode {
  if (status === 401) return 'PROVIDER_AUTH_FAILED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 400 || status === 422) return 'BAD_USER_INPUT';
  if (status === 408 || status === 504) return 'UPSTREAM_TIMEOUT';
  if (status >= 500) return 'UPSTREAM_UNAVAILABLE';
  // Including 3xx: redirects are never followed (http.ts), and a provider API has no reason to send one.
  return 'UPSTREAM_BAD_RESPONSE';
}

const MESSAGES: Record<UpstreamErrorCode, (p: ProviderKey) => string> = {
  NOT_FOUND: (p) => `${p}: not found`,
  PROVIDER_AUTH_FAILED: (p) => `${p} refused ticketgraph's credentials`,
  FORBIDDEN: (p) => `${p} does not allow this operation for the configured account`,
  CONFLICT: (p) => `${p} refused the change in the ticket's current state`,
  RATE_LIMITED: (p) => `${p} is rate limiting ticketgraph`,
  UPSTREAM_TIMEOUT: (p) => `${p} did not answer in time`,
  UPSTREAM_UNAVAILABLE: (p) => `${p} is unavailable`,
  UPSTREAM_BAD_RESPONSE: (p) => `${p} answered with an unexpected response`,
  BAD_USER_INPUT: (p) => `${p} rejected the input`,
};

/** Bounded read of an error body: never trust a provider to send a small one. */
async function readErrorBody(response: Response): Promise<unknown> {
  try {
    const text = await readCappedText(response, 64 * 1024);
    if (text.length === 0) return undefined;
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export interface FromKyErrorOptions {
  provider: ProviderKey;
  operation: string;
  /** A non-idempotent call: a timeout leaves its outcome unknown, and the message must say so. */
  write: boolean;
  readError?: ((body: unknown) => ProviderErrorInfo) | undefined;
}

/**
 * Normalises every failure of a ky call. Messages are ours (ky's contain the full URL,
 * which may carry tokens); nothing from headers or bodies reaches a client besides the
 * provider's request id, retry time and field paths.
 */
export async function fromKyError(error: unknown, options: FromKyErrorOptions): Promise<UpstreamError> {
  const { provider, operation } = options;
  if (error instanceof UpstreamError) return error;
  if (error instanceof HTTPError) {
    const status = error.response.status;
    const body = await readErrorBody(error.response);
    const info = { ...readProviderErrorBody(body), ...(options.readError ? options.readError(body) : {}) };
    const code = codeForStatus(status);
    const requestId = safeRequestId(error.response.headers.get('x-request-id')) ?? safeRequestId(info.requestId);
    const retryAfter = code === 'RATE_LIMITED' ? (parseRetryAfter(error.response.headers.get('retry-after')) ?? info.retryAfter) : undefined;
    let message = MESSAGES[code](provider);
    const detail = info.message ? providerText(info.message) : '';
    if (code === 'BAD_USER_INPUT' && detail) message = `${provider} rejected the input: ${detail}`;
    if (code === 'RATE_LIMITED' && retryAfter !== undefined) message += `; retry after ${retryAfter}s`;
    if (code === 'UPSTREAM_TIMEOUT' && options.write) message += '; the outcome of the write is unknown';
    return new UpstreamError(
      code,
      message,
      {
        provider,
        operation,
        status,
        requestId,
        retryAfter,
        fields: code === 'BAD_USER_INPUT' ? info.fields?.slice(0, MAX_FIELDS).map((field) => providerText(field, 100)) : undefined,
      },
      { cause: error },
    );
  }
  if (error instanceof BodyTooLargeError) {
    return new UpstreamError('UPSTREAM_BAD_RESPONSE', `${provider} answered with a body over the ${error.limit}-byte limit`, { provider, operation }, { cause: error });
  }
  const name = error instanceof Error ? error.name : '';
  if (error instanceof TimeoutError || name === 'TimeoutError' || name === 'AbortError') {
    const message = options.write ? `${provider} did not answer in time; the outcome of the write is unknown` : MESSAGES.UPSTREAM_TIMEOUT(provider);
    return new UpstreamError('UPSTREAM_TIMEOUT', message, { provider, operation }, { cause: error });
  }
  // Node's fetch: `TypeError: fetch failed` with the socket error as cause (ky 1 does not wrap it).
  return new UpstreamError('UPSTREAM_UNAVAILABLE', MESSAGES.UPSTREAM_UNAVAILABLE(provider), { provider, operation }, { cause: error });
}
