import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { context as otelContext, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Context as OtelContext, type Span } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { randomSlice } from './random-pool.js';

/*
 * What one client request carries down to its upstream calls: its id, its trace, its
 * logger, and (when the client asked) the record of the upstream calls behind the answer.
 * An AsyncLocalStorage, so that the one ky factory reads it without every provider method
 * passing it along; the scope is entered once per request by use-request-scope.ts.
 */

/** `x-request-id` values we keep from a client; anything else is replaced by a UUID. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** W3C trace context, version 00 (later versions may append fields after a dash). */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

export const tracer = trace.getTracer('ticketgraph');

export interface TraceIds {
  traceId: string;
  /** The span the next hop should name as its parent. */
  spanId: string;
  /** `01` sampled, `00` not. */
  flags: string;
}

export function requestIdFrom(header: string | null): string {
  return header && REQUEST_ID.test(header) ? header : randomUUID();
}

/** The client's trace context, or null when it sent none or one that does not parse (the spec: start a new trace). */
export function parseTraceparent(header: string | null): TraceIds | null {
  const match = header ? TRACEPARENT.exec(header.trim()) : null;
  if (!match) return null;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return null;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return null;
  return { traceId, spanId, flags };
}

const randomHex = (bytes: number): string => randomSlice(bytes).toString('hex');

export const newSpanId = (): string => randomHex(8);
const newTraceId = (): string => randomHex(16);

/** One upstream call behind a response, as `extensions.upstream` shows it. */
export interface UpstreamCallRecord {
  provider: string;
  operation: string;
  method: string;
  /** HTTP status of the last attempt; null when none answered (timeout, network) or the read was coalesced. */
  status: number | null;
  durationMs: number;
  /** HTTP attempts made, retries included; 0 for a coalesced read. */
  attempts: number;
  /** Joined an identical read already in flight for another operation, instead of calling. */
  coalesced: boolean;
  /** Served from the shared read cache; null while no cache is configured. */
  cached: boolean | null;
  /** The error code when the call failed. */
  code?: string;
}

export interface DriftWarning {
  code: 'PROVIDER_DRIFT';
  provider: string;
  /** `status`, `priority`, `field` (unexpected) or `missing` (an optional field the mapper used). */
  kind: string;
  path: string;
  value: unknown;
  /** The ticket whose payload drifted. */
  ticketId?: string;
}

interface ProviderTally {
  calls: number;
  attempts: number;
  failed: number;
}

export class RequestScope {
  readonly startedAt = performance.now();
  operationName: string | null = null;
  /** The upstream calls of this request; kept only when the client asked for them. */
  upstream: UpstreamCallRecord[] | null = null;
  /** Per provider, for the request's log line. */
  readonly tally = new Map<string, ProviderTally>();
  readonly drift: DriftWarning[] = [];
  #log: Logger | undefined;

  constructor(
    readonly requestId: string,
    readonly trace: TraceIds,
    /** The process's logger; `log` is its child with this request's ids. */
    readonly base: Logger,
    /** The OpenTelemetry span of the request (non-recording unless an SDK is registered). */
    readonly span: Span,
    readonly otel: OtelContext,
    /** The request URL's path. */
    readonly path: string,
  ) {}

  /** Made on first use: most requests log nothing but their summary line (bindings()). */
  get log(): Logger {
    return (this.#log ??= this.base.child(this.bindings()));
  }

  /** What `log` adds to each line. */
  bindings(): { requestId: string; traceId: string } {
    return { requestId: this.requestId, traceId: this.trace.traceId };
  }

  count(provider: string, attempts: number, failed: boolean): void {
    let tally = this.tally.get(provider);
    if (!tally) this.tally.set(provider, (tally = { calls: 0, attempts: 0, failed: 0 }));
    tally.calls++;
    tally.attempts += attempts;
    if (failed) tally.failed++;
  }
}

const storage = new AsyncLocalStorage<RequestScope>();

export const currentScope = (): RequestScope | undefined => storage.getStore();

/**
 * The scope of one incoming request: the client's `x-request-id` when it looks like one,
 * its `traceparent` continued (same trace id; our span becomes the parent of upstream calls).
 */
export function openScope(request: Request, base: Logger): RequestScope {
  const requestId = requestIdFrom(request.headers.get('x-request-id'));
  const client = parseTraceparent(request.headers.get('traceparent'));
  const parent = client
    ? trace.setSpanContext(ROOT_CONTEXT, { traceId: client.traceId, spanId: client.spanId, traceFlags: parseInt(client.flags, 16) & TraceFlags.SAMPLED, isRemote: true })
    : ROOT_CONTEXT;
  const path = new URL(request.url).pathname;
  const span = tracer.startSpan(
    `${request.method} ${path}`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'ticketgraph.request_id': requestId } },
    parent,
  );
  // With an SDK the span has its own ids (same trace as the client's); without one ours are made here.
  const ids: TraceIds = span.isRecording()
    ? { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, flags: span.spanContext().traceFlags & TraceFlags.SAMPLED ? '01' : '00' }
    : { traceId: client?.traceId ?? newTraceId(), spanId: newSpanId(), flags: client?.flags ?? '00' };
  return new RequestScope(requestId, ids, base, span, trace.setSpan(otelContext.active(), span), path);
}

export function runInScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, () => otelContext.with(scope.otel, fn));
}

/**
 * Wraps one logical upstream call (all its attempts): times it, records it for provenance
 * and the request's log line, and spans it. `run` receives the record (undefined outside a
 * request scope), which the client hands to each of its attempts (traceAttempt).
 */
export async function observeUpstream<T>(provider: string, operation: string, method: string, run: (record: UpstreamCallRecord | undefined) => Promise<T>): Promise<T> {
  const scope = storage.getStore();
  if (!scope) return run(undefined);
  const record: UpstreamCallRecord = { provider, operation, method: method.toUpperCase(), status: null, durationMs: 0, attempts: 0, coalesced: false, cached: null };
  scope.upstream?.push(record);
  const span = tracer.startSpan(
    `${provider} ${operation}`,
    { kind: SpanKind.INTERNAL, attributes: { 'ticketgraph.provider': provider, 'ticketgraph.operation': operation } },
    scope.otel,
  );
  const started = performance.now();
  try {
    return await run(record);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') record.code = code;
    span.setStatus({ code: SpanStatusCode.ERROR, message: record.code ?? 'error' });
    throw error;
  } finally {
    record.durationMs = Math.round((performance.now() - started) * 10) / 10;
    span.setAttribute('ticketgraph.attempts', record.attempts);
    span.end();
    scope.count(provider, record.attempts, record.code !== undefined);
  }
}

/** A read that joined an identical one in flight (coalesce.ts): no call of its own. */
export function noteCoalesced(provider: string, operation: string): void {
  const scope = storage.getStore();
  if (!scope) return;
  scope.upstream?.push({ provider, operation, method: 'GET', status: null, durationMs: 0, attempts: 0, coalesced: true, cached: null });
  scope.count(provider, 0, false);
}

/**
 * One HTTP attempt of an upstream call: counted on its record, and, inside a request scope,
 * carrying the request's trace (same trace id, a new span id) and request id, so a
 * provider's support can find our calls; one client span per attempt, ended by endAttempt.
 */
export function traceAttempt(provider: string, request: Request, record: UpstreamCallRecord | undefined): Span | undefined {
  if (record) record.attempts++;
  const scope = storage.getStore();
  if (!scope) return undefined;
  const span = tracer.startSpan(
    `${request.method} ${provider}`,
    { kind: SpanKind.CLIENT, attributes: { 'http.request.method': request.method, 'ticketgraph.provider': provider } },
    scope.otel,
  );
  const spanId = span.isRecording() ? span.spanContext().spanId : newSpanId();
  request.headers.set('traceparent', `00-${scope.trace.traceId}-${spanId}-${scope.trace.flags}`);
  request.headers.set('x-request-id', scope.requestId);
  return span;
}

/** Ends an attempt's span with the answer's status, or with the error it ended in. */
export function endAttempt(span: Span | undefined, record: UpstreamCallRecord | undefined, outcome: { status: number } | { error: unknown }): void {
  if ('status' in outcome) {
    if (record) record.status = outcome.status;
    if (!span) return;
    span.setAttribute('http.response.status_code', outcome.status);
    if (outcome.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  } else {
    if (!span) return;
    span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error instanceof Error ? outcome.error.name : 'error' });
  }
  span.end();
}

/** A DataLoader batch function in a span of its own (the resolver batch behind many fields). */
export function batchSpan<K, V>(name: string, batch: (keys: readonly K[]) => Promise<ArrayLike<V | Error>>): (keys: readonly K[]) => Promise<ArrayLike<V | Error>> {
  return (keys) => {
    const scope = storage.getStore();
    const span = tracer.startSpan(`batch ${name}`, { attributes: { 'ticketgraph.batch.size': keys.length } }, scope?.otel ?? otelContext.active());
    return batch(keys).finally(() => span.end());
  };
}
