import { createHash } from 'node:crypto';
import type { DocumentNode, ExecutionResult, FragmentDefinitionNode, GraphQLSchema, SelectionSetNode } from 'graphql';
import type { FetchAPI, Plugin } from 'graphql-yoga';

/**
 * How long a shared cache (a CDN, Apollo Router's response cache) may keep an answer, by
 * type or `Type.field`, in seconds. A field takes its own hint, else its return type's;
 * a composite type without a hint is ticket data; scalars and enums take their parent's.
 * The answer's max-age is the smallest over every selected field, as Apollo's
 * @cacheControl computes it. Kept in code rather than as a directive in schema.graphql so
 * the public contract (and every subgraph composed with it) carries no caching policy.
 */
export const CACHE_HINTS: Readonly<Record<string, number>> = {
  // What ticketgraph is configured with: changes only with a restart.
  ProviderInfo: 300,
  FilterPushdown: 300,
  // Circuit breaker state moves within seconds.
  ProviderHealth: 5,
  // The subgraph SDL, read by gateways.
  _Service: 300,
};

/** Tickets, people, tags and timelines: providers change them at any time. */
export const TICKET_DATA_MAX_AGE = 10;

/** The parts of a GraphQL type read here, by shape: see maxAgeOf for why not graphql's helpers. */
interface TypeLike {
  name?: string;
  ofType?: TypeLike;
  getFields?: () => Record<string, { type: TypeLike }>;
  getTypes?: () => unknown;
}

function namedType(type: TypeLike): TypeLike {
  let current = type;
  while (current.ofType) current = current.ofType;
  return current;
}

/**
 * The smallest max-age over the fields the document selects; 0 for a mutation or
 * subscription, or a document that selects nothing with a hint.
 *
 * Walks the selections by the types' shape instead of graphql's TypeInfo: the schema
 * comes from @apollo/subgraph, which loads graphql's CommonJS build, and graphql's
 * instanceof checks refuse its types from the ESM build imported here ("from another
 * module or realm").
 */
export function maxAgeOf(schema: GraphQLSchema, document: DocumentNode): number {
  // yoga's parser cache hands the same DocumentNode to every request of one shape: walked once.
  const known = maxAges.get(document);
  if (known?.schema === schema) return known.maxAge;
  const maxAge = walkMaxAge(schema, document);
  maxAges.set(document, { schema, maxAge });
  return maxAge;
}

const maxAges = new WeakMap<DocumentNode, { schema: GraphQLSchema; maxAge: number }>();

function walkMaxAge(schema: GraphQLSchema, document: DocumentNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === 'FragmentDefinition') fragments.set(definition.name.value, definition);
  let maxAge = Number.POSITIVE_INFINITY;
  const walk = (selectionSet: SelectionSetNode, parent: TypeLike, seen: ReadonlySet<string>): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === 'Field') {
        const field = parent.getFields?.()[selection.name.value];
        if (!field) continue;
        const type = namedType(field.type);
        const composite = Boolean(type.getFields ?? type.getTypes);
        const hint = CACHE_HINTS[`${parent.name}.${selection.name.value}`] ?? CACHE_HINTS[type.name ?? ''] ?? (composite ? TICKET_DATA_MAX_AGE : undefined);
        if (hint !== undefined) maxAge = Math.min(maxAge, hint);
        if (selection.selectionSet) walk(selection.selectionSet, type, seen);
      } else if (selection.kind === 'InlineFragment') {
        const type = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) as TypeLike | undefined) : parent;
        if (type) walk(selection.selectionSet, type, seen);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        const type = schema.getType(fragment.typeCondition.name.value) as TypeLike | undefined;
        if (type) walk(fragment.selectionSet, type, new Set([...seen, fragment.name.value]));
      }
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind !== 'OperationDefinition') continue;
    if (definition.operation !== 'query') return 0;
    const root = schema.getQueryType() as TypeLike | null | undefined;
    if (root) walk(definition.selectionSet, root, new Set());
  }
  return Number.isFinite(maxAge) ? maxAge : 0;
}

function hasErrors(result: unknown): boolean {
  if (Array.isArray(result)) return result.some(hasErrors);
  return Boolean((result as ExecutionResult | undefined)?.errors?.length);
}

function isAuthenticated(request: Request): boolean {
  return request.headers.has('authorization') || request.headers.has('x-api-key');
}

const NO_STORE = 'no-store';

/**
 * Cache-Control on every GraphQL answer, and ETag / 304 on GET:
 * - a query without errors: `max-age` from CACHE_HINTS, `public`, or `private` when the
 *   request carries credentials;
 * - mutations, errors (a partial answer included), streamed results, and anything that
 *   never reached execution (refused, unparsable, unauthenticated): `no-store`.
 * The ETag is weak (a digest of the uncompressed body, so the gzip and br forms share it);
 * a GET whose If-None-Match names it gets 304 without a body. No response is stored here.
 */
export function useCacheControl(graphqlEndpoint: string): Plugin {
  const maxAges = new WeakMap<Request, number>();
  const policies = new WeakMap<Request, string>();
  return {
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      if (request) maxAges.set(request, maxAgeOf(args.schema, args.document));
    },
    onResultProcess({ request, result }) {
      const maxAge = maxAges.get(request);
      if (!maxAge || Symbol.asyncIterator in result || hasErrors(result)) return;
      policies.set(request, `${isAuthenticated(request) ? 'private' : 'public'}, max-age=${maxAge}`);
    },
    // Not async: only a GET with a cacheable answer waits (for its body, to digest it).
    onResponse({ request, response, setResponse, fetchAPI }) {
      if (new URL(request.url).pathname !== graphqlEndpoint) return;
      // The GraphiQL page is not a GraphQL answer.
      if ((response.headers.get('content-type') ?? '').startsWith('text/html')) return;
      const policy = response.status === 200 ? (policies.get(request) ?? NO_STORE) : NO_STORE;
      if (request.method !== 'GET' || policy === NO_STORE || !response.body) {
        // The answer as it is, one header more: a copy of its headers and a second Response
        // per request cost more than the rest of this plugin.
        response.headers.set('cache-control', policy);
        return;
      }
      return withETag(request, response, policy, fetchAPI).then(setResponse);
    },
  };
}

/** A GET's cacheable answer with its ETag, or 304 without a body when If-None-Match names it. */
async function withETag(request: Request, response: Response, policy: string, fetchAPI: FetchAPI): Promise<Response> {
  const headers = new fetchAPI.Headers(response.headers);
  headers.set('cache-control', policy);
  const body = await response.text();
  const etag = `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  headers.set('etag', etag);
  const candidates = (request.headers.get('if-none-match') ?? '').split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  if (candidates.includes(etag.slice(2)) || candidates.includes('*')) {
    headers.delete('content-length');
    headers.delete('content-type');
    return new fetchAPI.Response(null, { status: 304, headers });
  }
  return new fetchAPI.Response(body, { status: response.status, statusText: response.statusText, headers });
}
