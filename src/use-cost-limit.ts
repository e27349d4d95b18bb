import { createRequire } from 'node:module';
import { Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLNamedType, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/*
 * The schema is built by @apollo/subgraph, which requires graphql's CommonJS build; type
 * checks of graphql-js (getVariableValues, isObjectType) refuse types of another module
 * instance. Node's ESM import of 'graphql' resolves to the same CommonJS build, but a bundler
 * or vite may pick its ESM build: taking the helpers from require() keeps one realm anywhere
 * (yoga, also on the CommonJS build, recognises only its own realm's GraphQLError).
 */
const { getArgumentValues, getNamedType, getVariableValues, GraphQLError, isInterfaceType, isObjectType } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/*
 * The query cost limit. graphql-armor's cost limit reads literals only (a `first` passed as a
 * variable cost nothing there) and words its refusal as a "Syntax Error". Clients pass page
 * sizes as variables, so this one prices a document after coercing the request's variables.
 *
 * The cost is the number of list items the operation can return at most: each paged list
 * counts its page size (`first`, from a literal, a variable or the schema default) times the
 * page sizes of every list above it. A feed (`tickets`, `Person.tickets`) adds FEED_BASE_COST
 * per occurrence for its fan-out over every provider's list endpoint; `_entities` counts its
 * representations. Everything else is free: the depth, alias, directive and token limits
 * already bound the number of plain fields.
 *
 * It runs after validation, not as a validation rule, because yoga caches validation results
 * by document: a rule whose answer depends on variables would be answered from that cache.
 */

/** What one feed costs on top of its items: one list call per provider source. */
export const FEED_BASE_COST = 100;
/** Field walks after which a document is refused whatever its cost (fragment fan-out). */
const MAX_VISITS = 50_000;

const FEED_TYPES = new Set(['TicketConnection']);

export interface CostInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null | undefined;
  variables?: Record<string, unknown> | null | undefined;
}

/**
 * The cost of the operation the request runs, or null when it cannot be priced because the
 * request is bad in another way (unknown operation, variables that do not coerce): execution
 * reports that itself.
 */
export function operationCost({ schema, document, operationName, variables }: CostInput): number | null {
  if (isFree(schema, document)) return 0;
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return null;
  const root = schema.getRootType(operation.operation);
  if (!root) return null;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 1 });
  if (coerced.errors) return null;
  const values = coerced.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  let visits = 0;
  const walk = (set: SelectionSetNode, parent: GraphQLNamedType, multiplier: number): number => {
    let cost = 0;
    for (const selection of set.selections) {
      if (++visits > MAX_VISITS) return Infinity;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type) cost += walk(selection.selectionSet, type, multiplier);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && type) cost += walk(fragment.selectionSet, type, multiplier);
        continue;
      }
      if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
      const field = parent.getFields()[selection.name.value];
      if (!field) continue;
      let args: Record<string, unknown>;
      try {
        args = getArgumentValues(field, selection, values);
      } catch {
        // A bad argument fails at execution with its own error.
        return cost;
      }
      const type = getNamedType(field.type);
      let inner = multiplier;
      if (field.args.some((a) => a.name === 'first')) {
        const first = typeof args.first === 'number' && args.first > 0 ? args.first : 0;
        cost += multiplier * (first + (FEED_TYPES.has(type.name) ? FEED_BASE_COST : 0));
        inner = multiplier * first;
      } else if (selection.name.value === '_entities' && Array.isArray(args.representations)) {
        inner = multiplier * args.representations.length;
        cost += inner;
      }
      if (selection.selectionSet) cost += walk(selection.selectionSet, type, inner);
    }
    return cost;
  };
  return walk(operation.selectionSet, root, 1);
}

const free = new WeakMap<DocumentNode, { schema: GraphQLSchema; free: boolean }>();

/**
 * Whether no operation of the document can cost anything, whatever its variables: it selects
 * no paged list and no `_entities`, and its walk stays under MAX_VISITS. Such documents (a
 * ticket by id) skip variable coercion and the walk on every request; yoga's parser cache
 * hands each request of one shape the same DocumentNode, so this is decided once.
 */
function isFree(schema: GraphQLSchema, document: DocumentNode): boolean {
  const known = free.get(document);
  if (known?.schema === schema) return known.free;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let visits = 0;
  // The same walk as operationCost's (so the same visits), without arguments: false as soon
  // as something could be priced.
  const walk = (set: SelectionSetNode, parent: GraphQLNamedType): boolean => {
    for (const selection of set.selections) {
      if (++visits > MAX_VISITS) return false;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && !walk(selection.selectionSet, type)) return false;
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && type && !walk(fragment.selectionSet, type)) return false;
        continue;
      }
      if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
      const field = parent.getFields()[selection.name.value];
      if (!field) continue;
      if (selection.name.value === '_entities' || field.args.some((a) => a.name === 'first')) return false;
      if (selection.selectionSet && !walk(selection.selectionSet, getNamedType(field.type))) return false;
    }
    return true;
  };
  const result = document.definitions.every((d) => {
    if (d.kind !== Kind.OPERATION_DEFINITION) return true;
    const root = schema.getRootType(d.operation);
    visits = 0;
    return !root || walk(d.selectionSet, root);
  });
  free.set(document, { schema, free: result });
  return result;
}

interface YogaParamsContext {
  params?: { operationName?: string | null; variables?: Record<string, unknown> | null };
}

/**
 * Refuses operations above `maxCost` as a validation error: GRAPHQL_VALIDATION_FAILED with
 * `cost` and `maxCost`, HTTP 400 under `Accept: application/graphql-response+json` (200 under
 * `application/json`, as the GraphQL-over-HTTP spec has it).
 */
export function useCostLimit(maxCost: number): Plugin {
  return {
    onValidate: ({ params: { schema, documentAST }, context }) => {
      return ({ valid, setResult }) => {
        if (!valid) return;
        const { params } = context as YogaParamsContext;
        const cost = operationCost({ schema, document: documentAST, operationName: params?.operationName, variables: params?.variables });
        if (cost === null || cost <= maxCost) return;
        const shown = Number.isFinite(cost) ? `${cost}` : 'too many fields';
        setResult([
          new GraphQLError(
            `Query cost ${shown} exceeds the limit of ${maxCost} (MAX_QUERY_COST): each list counts its page size (\`first\`) times the page sizes above it, and each ticket feed ${FEED_BASE_COST} more. Ask for smaller pages.`,
            { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', cost: Number.isFinite(cost) ? cost : null, maxCost, http: { spec: true, status: 400 } } },
          ),
        ]);
      };
    },
  };
}
