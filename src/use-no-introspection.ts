import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Refuses introspection queries in validation (INTROSPECTION=false, the production default).
 * Federation gateways read the subgraph through `_service` and `_entities`, not
 * introspection, so turning it off breaks no supergraph.
 */
export function useNoIntrospection(): Plugin {
  return {
    onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule),
  };
}
