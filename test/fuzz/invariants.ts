import { expect } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import { PROVIDER_KEYS } from '../../src/model/provider.js';

const PROVIDER_ENUMS = PROVIDER_KEYS.map((key) => key.toUpperCase());
import type { GqlResult } from '../helpers/server.js';

/*
 * What every answer of ticketgraph must look like, whatever the input or the upstream
 * state. Shared by the fuzz properties and the fault drills.
 *
 * Accepted error codes: ERROR_CODES (src/errors.ts) minus INTERNAL_SERVER_ERROR, plus the
 * two codes graphql-yoga sets on errors it raises before execution: GRAPHQL_PARSE_FAILED
 * (a document that does not parse) and GRAPHQL_VALIDATION_FAILED (unknown fields, literal
 * arguments of the wrong type, graphql-armor limits). Variable coercion errors ("Variable
 * "$x" got invalid value …", raised by graphql-js before execution) must read as
 * BAD_USER_INPUT: the client sent a bad value.
 */
export const ACCEPTED_CODES: ReadonlySet<string> = new Set([...ERROR_CODES.filter((code) => code !== 'INTERNAL_SERVER_ERROR'), 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED']);

export const OUTCOMES: ReadonlySet<string> = new Set(['OK', 'RATE_LIMITED', 'UNAVAILABLE', 'AUTH_FAILED', 'TIMEOUT', 'BAD_RESPONSE', 'ERROR']);

/** graphql-js's message for a variable it could not coerce to its declared type. */
export const isCoercionError = (message: string): boolean => /^Variable "\$[_A-Za-z][_0-9A-Za-z]*" (got invalid value|of required type|of non-null type)/.test(message);

/** graphql-armor's limit errors (depth, aliases, directives, cost, tokens), raised while parsing or validating. */
export const isArmorError = (message: string): boolean => /^Syntax Error: (Query depth|Aliases|Directives|Query Cost|Token) limit/.test(message);

/** A V8 stack frame (`    at fn (file:line:col)`) or a Node file URL: never in a client-visible message. */
const STACK = /(\n\s+at\s)|(\bat\s+\S+\s+\((?:file:\/\/|\/|node:)[^)]*:\d+:\d+\))|(file:\/\/\/)|(node_modules)/;

export interface CheckOptions {
  /** Strings that must appear nowhere in the answer (upstream base URLs, credentials). */
  forbidden?: readonly string[];
  /**
   * Collects variable coercion and graphql-armor errors instead of asserting their code:
   * each kind has its own test, so that one known bug does not hide others in the
   * properties (see graphql.property.test.ts).
   */
  coercion?: { message: string; code: unknown }[];
}

/**
 * Asserts that `result` is a well-formed GraphQL response: an object with `data` and/or a
 * non-empty `errors` list, each error with a string message, an accepted code, no stack
 * trace and none of the forbidden strings; `extensions.providers`, when present, lists
 * known providers with known outcomes.
 */
export function expectWellFormed(result: GqlResult<unknown>, label: string, options: CheckOptions = {}): void {
  expect(result, label).toBeTypeOf('object');
  expect(result, label).not.toBeNull();
  expect(Array.isArray(result), label).toBe(false);
  expect('data' in result || 'errors' in result, `${label}: neither data nor errors`).toBe(true);
  for (const key of Object.keys(result)) expect(['data', 'errors', 'extensions'], `${label}: top-level key ${key}`).toContain(key);
  if ('errors' in result) {
    expect(Array.isArray(result.errors), label).toBe(true);
    expect(result.errors!.length, `${label}: empty errors`).toBeGreaterThan(0);
    for (const error of result.errors!) {
      const where = `${label}: ${JSON.stringify(error).slice(0, 500)}`;
      expect(typeof error.message, where).toBe('string');
      expect(error.message, where).not.toMatch(STACK);
      const code = (error.extensions as Record<string, unknown> | undefined)?.code;
      if (options.coercion && (isCoercionError(error.message) || isArmorError(error.message))) options.coercion.push({ message: error.message.slice(0, 200), code });
      else {
        expect(typeof code, `${where}: no extensions.code`).toBe('string');
        expect(ACCEPTED_CODES.has(code as string), `${where}: code ${String(code)}`).toBe(true);
      }
      const provider = (error.extensions as Record<string, unknown> | undefined)?.provider;
      if (provider !== undefined) expect(PROVIDER_ENUMS as readonly unknown[], where).toContain(provider);
      expect(JSON.stringify(error.extensions ?? {}), where).not.toMatch(STACK);
    }
  }
  const providers = (result.extensions as { providers?: unknown } | undefined)?.providers;
  if (providers !== undefined) {
    expect(Array.isArray(providers), label).toBe(true);
    for (const entry of providers as { provider: unknown; outcome: unknown }[]) {
      expect(PROVIDER_ENUMS as readonly unknown[], label).toContain(entry.provider);
      expect(OUTCOMES.has(entry.outcome as string), `${label}: outcome ${String(entry.outcome)}`).toBe(true);
    }
  }
  if (options.forbidden?.length) {
    const text = JSON.stringify(result);
    for (const needle of options.forbidden) expect(text.includes(needle), `${label}: answer contains ${needle}`).toBe(false);
  }
}
