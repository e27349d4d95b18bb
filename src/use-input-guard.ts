import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Deepest nesting of brackets, braces and parentheses a document or a variables value may have. */
export const MAX_INPUT_NESTING = 64;

/**
 * Deepest `{`, `[` or `(` nesting in a GraphQL document, skipping strings, block strings and
 * comments. A scan, not a parse: graphql-js parses recursively, and a 3,000-deep list
 * literal overflows the stack before graphql-armor's token limit is reached.
 */
export function documentNesting(source: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
    } else if (c === '"') {
      if (source.startsWith('"""', i)) {
        const end = source.indexOf('"""', i + 3);
        // \""" inside a block string is an escaped delimiter.
        let close = end;
        while (close > 0 && source[close - 1] === '\\') close = source.indexOf('"""', close + 3);
        i = close < 0 ? source.length : close + 2;
      } else {
        i++;
        while (i < source.length && source[i] !== '"' && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
      }
    } else if (c === '{' || c === '[' || c === '(') {
      depth++;
      if (depth > max) max = depth;
    } else if (c === '}' || c === ']' || c === ')') {
      depth--;
    }
  }
  return max;
}

// In Unicode mode a surrogate pair is one code point, so \p{Cs} matches only lone halves.
const LONE_SURROGATE = /\p{Cs}/u;
const wellFormed = (text: string) => !LONE_SURROGATE.test(text);

/**
 * What is wrong with a variables value, if anything: nested deeper than the limit, or a
 * string (or key) that is not well-formed UTF-16. A lone surrogate cannot be URL-encoded
 * (encodeURIComponent throws URIError) nor sent to a provider intact. Walked with an explicit
 * stack, so the walk itself cannot overflow.
 */
export function variablesProblem(value: unknown, maxDepth = MAX_INPUT_NESTING): string | null {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current === 'string') {
      if (!wellFormed(current)) return 'a string with a lone surrogate (not valid Unicode)';
    } else if (current !== null && typeof current === 'object') {
      if (depth >= maxDepth) return `nested deeper than ${maxDepth} levels`;
      if (Array.isArray(current)) {
        for (const item of current) stack.push([item, depth + 1]);
      } else {
        for (const [key, item] of Object.entries(current)) {
          if (!wellFormed(key)) return 'a key with a lone surrogate (not valid Unicode)';
          stack.push([item, depth + 1]);
        }
      }
    }
  }
  return null;
}

const refuse = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/**
 * Refuses, before parsing, input that would otherwise end as INTERNAL_SERVER_ERROR deep
 * inside: documents nested past MAX_INPUT_NESTING, and variables that are too deep or carry
 * ill-formed strings. (A lone surrogate inside the document itself is a parse error already.)
 */
export function useInputGuard(): Plugin {
  return {
    onParams({ params, setResult }) {
      const error = inputError(params);
      if (error) setResult({ errors: [error] });
    },
  };
}

/** The same checks for operations that do not come through yoga's params (graphql-ws, live/websocket.ts). */
export function inputError(params: { query?: unknown; variables?: unknown; extensions?: unknown; operationName?: unknown }): GraphQLError | null {
  if (typeof params.query === 'string' && documentNesting(params.query) > MAX_INPUT_NESTING) {
    return refuse(`The document is nested deeper than ${MAX_INPUT_NESTING} levels`);
  }
  for (const [name, value] of [
    ['variables', params.variables],
    ['extensions', params.extensions],
  ] as const) {
    const problem = variablesProblem(value);
    if (problem) return refuse(`The request's ${name} contain ${problem}`);
  }
  if (typeof params.operationName === 'string' && !wellFormed(params.operationName)) return refuse('The operation name is not valid Unicode');
  return null;
}
