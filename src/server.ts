import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { useApolloInlineTrace } from '@graphql-yoga/plugin-apollo-inline-trace';
import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { NoSchemaIntrospectionCustomRule, parse, type GraphQLError, type GraphQLSchema } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { createAuthenticator, useClientAuth } from './auth.js';
import type { Config } from './config.js';
import type { Context } from './context.js';
import { deadlineSignal } from './upstream/http.js';
import type { Registry } from './providers/registry.js';
import { maskError } from './errors.js';
import { graphiqlTabs } from './graphiql.js';
import { createLoaders } from './loaders/index.js';
import type { Metrics } from './metrics.js';
import { ProviderOutcomes } from './outcomes.js';
import { resolvers } from './resolvers/index.js';
import { createRedactingLogger } from './secret.js';
import { useCacheControl } from './use-cache-control.js';
import { useCompression } from './use-compression.js';
import { useIncrementalDelivery } from './use-incremental-delivery.js';
import { loadManifest, usePersistedDocuments } from './use-persisted-documents.js';
import { useProviderOutcomes } from './use-provider-outcomes.js';

export const SCHEMA_PATH = new URL('../schema.graphql', import.meta.url);

export function loadTypeDefs(): string {
  return readFileSync(SCHEMA_PATH, 'utf8');
}

export function createSchema(): GraphQLSchema {
  // The generated Resolvers type is stricter than @apollo/subgraph's loose map (it types
  // __resolveType's parameters), so it needs widening here, once.
  return buildSubgraphSchema({ typeDefs: parse(loadTypeDefs()), resolvers: resolvers as GraphQLResolverMap<unknown> });
}

export interface TicketgraphDeps {
  registry: Registry;
  metrics: Metrics;
}

export type Ticketgraph = YogaServerInstance<Record<string, never>, Context>;

/** The GraphQL server, without listening: tests call `yoga.fetch`, main.ts mounts it on node:http. */
export function createTicketgraph(config: Config, deps: TicketgraphDeps): Ticketgraph {
  const isDev = config.env !== 'production';
  const deadlines = new WeakMap<Request, () => void>();
  return createYoga<Record<string, never>, Context>({
    schema: createSchema(),
    graphqlEndpoint: '/graphql',
    // A declared Content-Length over the limit is refused before the body is read; a chunked
    // body is cut off when it passes it. Both answer 413 REQUEST_ENTITY_TOO_LARGE.
    maxRequestBodySize: config.maxBodyBytes,
    healthCheckEndpoint: '/health',
    landingPage: false,
    graphiql: { title: 'ticketgraph', defaultTabs: graphiqlTabs(config) },
    renderGraphiQL,
    maskedErrors: { maskError: (error, message) => maskError(error, message, isDev) },
    // Federation gateways send `_service` and `_entities`, not introspection: turning it off breaks no supergraph.
    logging: config.logLevel === 'silent' ? false : createRedactingLogger(config.logLevel),
    context: ({ request }) => {
      const outcomes = new ProviderOutcomes();
      // One deadline for the whole operation, shared by every upstream call and retry in it;
      // released when the response is sent (see useDeadlineRelease).
      const { signal, release } = deadlineSignal(config.requestDeadlineMs, request.signal);
      deadlines.set(request, release);
      return {
        config,
        registry: deps.registry,
        metrics: deps.metrics,
        outcomes,
        signal,
        loaders: createLoaders({ registry: deps.registry, outcomes, signal, concurrency: config.concurrency }),
      };
    },
    plugins: [
      { onResponse: ({ request }) => deadlines.get(request)?.() },
      // Before compression: the ETag is a digest of the uncompressed body.
      useCacheControl('/graphql'),
      useCompression(),
      useClientAuth(createAuthenticator(config.auth), '/graphql'),
      usePersistedDocuments({ manifest: config.persistedOperations.file ? loadManifest(config.persistedOperations.file) : null, only: config.persistedOperations.only }),
      EnvelopArmorPlugin({
        maxDepth: { n: 12, ignoreIntrospection: true },
        costLimit: { maxCost: 20_000 },
        maxAliases: { n: 30 },
        maxTokens: { n: 4000 },
        maxDirectives: { n: 50 },
        blockFieldSuggestion: { enabled: !isDev },
      }),
      ...(config.introspection ? [] : [{ onValidate: ({ addValidationRule }: { addValidationRule: (rule: typeof NoSchemaIntrospectionCustomRule) => void }) => addValidationRule(NoSchemaIntrospectionCustomRule) }]),
      useIncrementalDelivery((error) => maskError(error, 'Unexpected error.', isDev) as GraphQLError),
      useProviderOutcomes(),
      // Federated tracing (ftv1): only when a gateway asks with `apollo-federation-include-trace`.
      useApolloInlineTrace(),
      usePrometheus({
        endpoint: '/metrics',
        registry: deps.metrics.registry,
        // Off: the ones that cost on every request and tell little here. The deprecated-field
        // counter walks each document with TypeInfo, the summary keeps a t-digest per label
        // set, and parse/validate hit yoga's caches after the first request of a shape.
        metrics: {
          graphql_envelop_deprecated_field: false,
          graphql_envelop_request_time_summary: false,
          graphql_envelop_phase_parse: false,
          graphql_envelop_phase_validate: false,
        },
      }),
    ],
  });
}
