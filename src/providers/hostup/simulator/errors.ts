import type { z } from 'zod';
import { SimHttpError, type SimResponse } from '../../../simkit/server.js';
import { Random } from '../../../simkit/random.js';

/** Request ids: v1 shows UUIDs, v2 `req_…`. Their own stream, so data stays put. */
const ids = new Random(0x4057).fork('hostup-requests');
export const v1RequestId = () => ids.uuid();
export const v2RequestId = () => `req_${ids.uuid().replace(/-/g, '').slice(0, 26)}`;

/** v1: `{error, message, code, timestamp, requestId}` (401/403/404 and validation). */
export function v1Error(status: number, error: string, message: string, code: string): SimResponse {
  return { status, body: { error, message, code, timestamp: new Date().toISOString(), requestId: v1RequestId() } };
}

/** v1 429: the retry hint is in the body (`retryAfter`, seconds as a string), no header. */
export function v1RateLimited(seconds: number): SimResponse {
  return {
    status: 429,
    body: { error: 'rate_limit_exceeded', message: 'Too many requests, slow down.', retryAfter: String(seconds), requestId: v1RequestId() },
  };
}

export interface ProblemField {
  pointer: string;
  detail: string;
  code: string;
}

/** v2: RFC 7807 problem+json with the stable `code`, `requestId` and, for invalid_request, `errors[]`. */
export function v2Problem(
  status: number,
  code: string,
  title: string,
  detail: string,
  extra: { instance?: string | undefined; errors?: ProblemField[] | undefined; headers?: Record<string, string> } = {},
): SimResponse {
  const body: Record<string, unknown> = {
    type: `https://developer.hostup.se/errors/${code}`,
    title,
    status,
    detail,
    code,
    instance: extra.instance ?? null,
    requestId: v2RequestId(),
    timestamp: new Date().toISOString(),
  };
  if (extra.errors) body.errors = extra.errors;
  return { status, body, contentType: 'application/problem+json', headers: extra.headers };
}

export function v2RateLimited(seconds: number, code = 'rate_limited'): SimResponse {
  return v2Problem(429, code, 'Too many requests', 'Rate limit exceeded. Retry after the indicated delay.', {
    headers: {
      'retry-after': String(seconds),
      'x-ratelimit-limit': '60',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': new Date(Date.now() + seconds * 1000).toISOString(),
    },
  });
}

/** zod issues of a request body as problem `errors[]` (JSON pointers). */
export function problemFields(error: z.ZodError, input: unknown): ProblemField[] {
  return error.issues.map((issue) => {
    let value: unknown = input;
    for (const key of issue.path) value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
    return {
      pointer: `/${issue.path.map(String).join('/')}`,
      detail: issue.message,
      code: value === undefined ? 'missing_required' : 'invalid_value',
    };
  });
}

export function invalidRequest(errors: ProblemField[], instance: string, detail = 'The request failed validation.'): SimHttpError {
  return new SimHttpError(v2Problem(400, 'invalid_request', 'Validation failed', detail, { instance, errors }));
}
