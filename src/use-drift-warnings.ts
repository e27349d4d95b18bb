import type { Plugin } from 'graphql-yoga';
import type { Context } from './context.js';
import { currentScope } from './request-context.js';

/**
 * Soft provider drift seen while answering (drift.ts) goes to the client as
 * `extensions.warnings`: `{ code: 'PROVIDER_DRIFT', provider, kind, path, value, ticketId }`,
 * at most a few per response. The data is served as it is today.
 */
export function useDriftWarnings(): Plugin<Context> {
  return {
    onExecute: () => ({
      onExecuteDone: ({ result, setResult }) => {
        const drift = currentScope()?.drift;
        if (!drift?.length || !result || Symbol.asyncIterator in result) return;
        setResult({ ...result, extensions: { ...result.extensions, warnings: drift.map((warning) => ({ ...warning })) } });
      },
    }),
  };
}
