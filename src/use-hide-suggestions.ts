import type { Plugin } from 'graphql-yoga';

// graphql-js's hints: `Did you mean "id"?`, `Did you mean the enum value "OPEN"?`,
// `Did you mean "a", "b", or "c"?`, `Did you mean the enum value "A" or "B"?`.
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/**
 * Hides "Did you mean …" hints in production, which spell out the schema to someone guessing
 * with introspection off. graphql-armor's blockFieldSuggestion covers only hints of the form
 * `Did you mean "x"?` in validation errors: enum values, and the variable coercion errors
 * raised at execution, slipped through. This runs on every result, whatever raised the error.
 */
export function useHideSuggestions(mask = ' [Suggestion hidden]'): Plugin {
  return {
    onExecutionResult({ result }) {
      const results = Array.isArray(result) ? result : [result];
      for (const one of results) {
        if (!one || typeof one !== 'object' || !('errors' in one) || !Array.isArray(one.errors)) continue;
        for (const error of one.errors as { message: string }[]) {
          if (typeof error.message === 'string' && error.message.includes('Did you mean')) error.message = error.message.replace(SUGGESTION, mask);
        }
      }
    },
  };
}
