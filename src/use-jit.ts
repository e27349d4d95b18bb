import { createRequire } from 'node:module';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { BREAK, Kind, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { wantsTrace } from './use-inline-trace.js';

/*
 * Queries and mutations run as code graphql-jit compiled from their document: no resolve-info
 * object, argument coercion or completion walk per field, which is most of what executing
 * the 50-ticket feed cost on the GraphQL side. Not for what graphql-jit does not do:
 * @defer/@stream (yoga's executor delivers them incrementally) and subscriptions; nor for an
 * operation traced for a gateway (ftv1), which runs on the traced schema (use-inline-trace.ts).
 *
 * A document is compiled the second time it executes: compiling costs milliseconds, which a
 * client's stream of distinct one-off documents would otherwise pay on every request.
 * Variables that do not coerce are left to graphql-js too: graphql-jit words their errors
 * differently and without the 400 status yoga gives them.
 */

// One realm with the schema (@apollo/subgraph builds it on graphql's CommonJS build): see use-cost-limit.ts.
const { getOperationAST, getVariableValues } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

function variablesCoerce(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: unknown): boolean {
  const operation = getOperationAST(document, operationName);
  if (!operation?.variableDefinitions?.length) return true;
  const coerced = getVariableValues(schema, operation.variableDefinitions, (variables ?? {}) as Record<string, unknown>, { maxErrors: 1 });
  return !coerced.errors;
}

/**
 * What graphql-jit can run of a document: one operation (the plugin keeps one compiled query
 * per document, whichever operation it was compiled for), no subscription, no @defer or @stream.
 */
function compilable(document: DocumentNode): boolean {
  let ok = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length === 1;
  visit(document, {
    OperationDefinition(node) {
      if (node.operation !== 'subscription') return undefined;
      ok = false;
      return BREAK;
    },
    Directive(node) {
      if (node.name.value !== 'defer' && node.name.value !== 'stream') return undefined;
      ok = false;
      return BREAK;
    },
  });
  return ok;
}

export function useJit(): Plugin {
  /** Documents executed before: whether graphql-jit can run them. */
  const seen = new WeakMap<DocumentNode, boolean>();
  // An envelop plugin typed for any context; yoga's hooks it does not use.
  return useGraphQlJit(
    {},
    {
      enableIf: ({ schema, document, operationName, variableValues, contextValue }) => {
        const request = (contextValue as { request?: Request } | undefined)?.request;
        if (request && wantsTrace(request)) return false;
        const known = seen.get(document);
        if (known === undefined) {
          seen.set(document, compilable(document));
          return false;
        }
        return known && variablesCoerce(schema, document, operationName, variableValues);
      },
    },
  ) as Plugin;
}
