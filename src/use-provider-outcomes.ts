import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from './context.js';
import { toGraphQLError } from './errors.js';
import { toProviderEnum } from './model/provider.js';
import type { ProviderOutcomes } from './outcomes.js';

/** `extensions.providers`, with providers spelled as the schema's `Provider` enum (ZAIA, not zaia). */
function providersExtension(outcomes: ProviderOutcomes) {
  return outcomes.list().map((entry) => ({ ...entry, provider: toProviderEnum(entry.provider) }));
}

/**
 * Adds what happened to each provider to the response: the failures the feed survived
 * become errors with path, code and provider, and `extensions.providers` lists every
 * provider's outcome in this request.
 *
 * With @defer/@stream the result is a stream of payloads. Each failure is reported once, in
 * the first payload sent after it happened (top-level `errors`, which every payload may
 * carry), and each payload carries the outcomes known so far, so the last one is complete
 * and a client that stops reading early still has what it saw.
 */
export function useProviderOutcomes(): Plugin<Context> {
  return {
    onExecute: ({ args }) => {
      const ctx = args.contextValue as Partial<Context>;
      let reported = 0;
      const decorate = <T extends ExecutionResult>(result: T): T => {
        const outcomes = ctx.outcomes;
        if (!outcomes || outcomes.size === 0) return result;
        const fresh = outcomes.partialErrors.slice(reported);
        reported = outcomes.partialErrors.length;
        const partial = fresh.map(({ error, path }) => toGraphQLError(error, new GraphQLError(error.message, { path })));
        return {
          ...result,
          errors: partial.length > 0 ? [...(result.errors ?? []), ...partial] : result.errors,
          extensions: { ...result.extensions, providers: providersExtension(outcomes) },
        };
      };
      return {
        onExecuteDone: ({ result, setResult }) => {
          if (!(Symbol.asyncIterator in result)) {
            setResult(decorate(result));
            return undefined;
          }
          return { onNext: ({ result: payload, setResult: setPayload }) => setPayload(decorate(payload)) };
        },
      };
    },
  };
}
