import { GraphQLError } from 'graphql';
import { isProviderKey, toProviderEnum, type ProviderKey } from './model/provider.js';
import { requestLogger } from './logger.js';
import { redact } from './secret.js';

/**
 * Every error code a client can see, in one place (also listed in the README).
 * Codes are stable API: clients branch on them.
 */
export const ERROR_CODES = [
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'PROVIDER_AUTH_FAILED',
  'FORBIDDEN',
  'CONFLICT',
  'RATE_LIMITED',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_BAD_RESPONSE',
  'PROVIDER_NOT_CONFIGURED',
  'UNSUPPORTED_BY_PROVIDER',
  'UNAUTHENTICATED',
  /** A body over MAX_BODY_BYTES (HTTP 413, useBodyLimit). */
  'REQUEST_ENTITY_TOO_LARGE',
  /** A result the request's Accept header cannot carry (@defer without multipart/mixed or SSE; HTTP 406). */
  'NOT_ACCEPTABLE',
  /** Persisted operations (Apollo's APQ protocol and trusted documents). */
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_MISMATCH',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_NOT_IN_LIST',
  'PERSISTED_QUERY_ID_REQUIRED',
  /** A POST that is not JSON (HTTP 415, useCsrfGuard), or a body that does not parse (yoga's). */
  'BAD_REQUEST',
  'INTERNAL_SERVER_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes of errors the client's request caused: logged at debug, in one line, without a stack. */
export const CLIENT_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHENTICATED',
  'PROVIDER_NOT_CONFIGURED',
  'UNSUPPORTED_BY_PROVIDER',
  'REQUEST_ENTITY_TOO_LARGE',
]);

export type ErrorExtensions = Record<string, string | number | boolean | null | readonly string[] | undefined>;

/** Base of every expected error; anything else is masked as INTERNAL_SERVER_ERROR. */
export class TicketgraphError extends Error {
  readonly code: ErrorCode;
  readonly extensions: ErrorExtensions;
  constructor(code: ErrorCode, message: string, extensions: ErrorExtensions = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TicketgraphError';
    this.code = code;
    this.extensions = extensions;
  }
}

export class BadUserInputError extends TicketgraphError {
  constructor(message: string, extensions: ErrorExtensions & { argument?: string } = {}) {
    super('BAD_USER_INPUT', message, extensions);
    this.name = 'BadUserInputError';
  }
}

export class UnsupportedByProviderError extends TicketgraphError {
  constructor(provider: ProviderKey, operation: string) {
    super('UNSUPPORTED_BY_PROVIDER', `${provider} does not support ${operation}`, { provider, operation });
    this.name = 'UnsupportedByProviderError';
  }
}

export class ProviderNotConfiguredError extends TicketgraphError {
  constructor(provider: ProviderKey) {
    super('PROVIDER_NOT_CONFIGURED', `${provider} is not configured`, { provider });
    this.name = 'ProviderNotConfiguredError';
  }
}

/**
 * A ticket or scope outside what this deployment serves (MOOV_ACCOUNT_IDS,
 * SPACEBRING_LOCATION_REFS): refused before any upstream call. Reads say NOT_FOUND, as for
 * a ticket that does not exist; writes say FORBIDDEN.
 */
export class OutOfScopeError extends TicketgraphError {
  constructor(provider: ProviderKey, access: 'read' | 'write', what: string) {
    super(access === 'read' ? 'NOT_FOUND' : 'FORBIDDEN', access === 'read' ? `${provider}: not found` : `${provider}: ${what} is not one this service is configured for`, { provider });
    this.name = 'OutOfScopeError';
  }
}

/**
 * Duck-typed on purpose: graphql ships CommonJS and ESM builds, and the executor and
 * @apollo/subgraph may each load the other one, so `instanceof GraphQLError` is unreliable.
 */
function asGraphQLError(error: unknown): GraphQLError | undefined {
  return error instanceof Error && (error instanceof GraphQLError || error.name === 'GraphQLError' || 'originalError' in error) ? (error as GraphQLError) : undefined;
}

/** Walks GraphQLError.originalError chains (yoga wraps resolver errors) to the domain error. */
export function findTicketgraphError(error: unknown): TicketgraphError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof TicketgraphError) return current;
    const graphqlError = asGraphQLError(current);
    if (graphqlError && graphqlError.originalError) current = graphqlError.originalError;
    else if (current instanceof Error && current.cause) current = current.cause;
    else return undefined;
  }
  return undefined;
}

/**
 * The code of an error the client's request caused, null for any other: a domain error with
 * a client code, or graphql-js's own (parse, validation, variable coercion), which wraps no
 * error but another GraphQLError.
 */
export function clientErrorCode(error: unknown): string | null {
  const known = findTicketgraphError(error);
  if (known) return CLIENT_ERROR_CODES.has(known.code) ? known.code : null;
  const graphqlError = asGraphQLError(error);
  if (!graphqlError || (graphqlError.originalError && !asGraphQLError(graphqlError.originalError))) return null;
  const code = graphqlError.extensions?.code;
  return typeof code === 'string' ? code : 'BAD_USER_INPUT';
}

/** Domain error → the GraphQL error a client sees: message, code and safe extensions only. */
export function toGraphQLError(error: TicketgraphError, original?: GraphQLError): GraphQLError {
  const extensions: Record<string, unknown> = { code: error.code };
  for (const [key, value] of Object.entries(error.extensions)) if (value !== undefined) extensions[key] = value;
  // Clients compare it with `Ticket.provider`, so it is spelled as the schema's enum (ZAIA), not as our key.
  if (typeof extensions.provider === 'string' && isProviderKey(extensions.provider)) extensions.provider = toProviderEnum(extensions.provider);
  return rebuilt(error.message, original, extensions);
}

/** A new error in `original`'s place in the document and the response, with its own message and extensions. */
function rebuilt(message: string, original: GraphQLError | undefined, extensions: GraphQLError['extensions']): GraphQLError {
  const error = new GraphQLError(message, { nodes: original?.nodes, source: original?.source, positions: original?.positions, path: original?.path, extensions });
  // graphql-jit's field errors (use-jit.ts) carry their locations as line and column only,
  // without the AST nodes graphql-js computes them from: copied over, or they would be lost.
  if (!error.locations && original?.locations) (error as { locations?: GraphQLError['locations'] }).locations = original.locations;
  return error;
}

/**
 * yoga's maskedErrors.maskError: known errors keep message and code, anything else
 * becomes a generic INTERNAL_SERVER_ERROR (its detail only goes to the log).
 */
export function maskError(error: unknown, message: string, isDev?: boolean): Error {
  const original = asGraphQLError(error);
  const known = findTicketgraphError(error);
  if (known) return toGraphQLError(known, original);
  if (original && (!original.originalError || asGraphQLError(original.originalError))) {
    // graphql-js's own errors (parse, validation, variable coercion, whose cause is the
    // scalar's GraphQLError) and the query limits: the client's request is at fault. They
    // keep their message and get a code where they carry none.
    const inner = original.originalError ? asGraphQLError(original.originalError) : undefined;
    const code = original.extensions?.code ?? inner?.extensions?.code ?? (original.path ? undefined : 'BAD_USER_INPUT');
    if (code === undefined || original.extensions?.code !== undefined) return original;
    return rebuilt(original.message, original, { ...original.extensions, code });
  }
  // Unexpected: the client gets a generic message, the log gets the detail (credentials redacted).
  const detail = error instanceof Error ? (original?.originalError ?? error) : error;
  const log = requestLogger();
  if (log) log.error({ err: detail }, 'unexpected error');
  else console.error(`ticketgraph: unexpected error: ${redact(detail instanceof Error ? (detail.stack ?? detail.message) : String(detail))}`);
  return rebuilt(isDev && error instanceof Error ? error.message : message, original, { code: 'INTERNAL_SERVER_ERROR' });
}
