import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse, type GraphQLError, type GraphQLSchema } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { createAuthenticator, useClientAuth } from './auth.js';
import type { Config } from './config.js';
import type { Context } from './context.js';
import type { Registry } from './providers/registry.js';
import { createLiveHub, type LiveHub } from './live/hub.js';
import { useMoovWebhook } from './live/use-moov-webhook.js';
import { EntityDirectory } from './directory.js';
import { limitEntityRepresentations } from './entities-limit.js';
import { clientErrorCode, maskError } from './errors.js';
import { graphiqlTabs } from './graphiql.js';
import { createLoaders } from './loaders/index.js';
import type { Metrics } from './metrics.js';
import { ProviderOutcomes } from './outcomes.js';
import { resolvers } from './resolvers/index.js';
import { createLogger, yogaLogger, type Logger } from './logger.js';
import { useDriftWarnings } from './use-drift-warnings.js';
import { useProvenance } from './use-provenance.js';
import { useReadiness } from './use-readiness.js';
import { Readiness } from './readiness.js';
import { useRequestScope } from './use-request-scope.js';
import { useBodyLimit } from './use-body-limit.js';
import { useCacheControl } from './use-cache-control.js';
import { useCompression } from './use-compression.js';
import { useCors } from './use-cors.js';
import { useCsrfGuard } from './use-csrf-guard.js';
import { useGraphiQL } from './use-graphiql.js';
import { useHideSuggestions } from './use-hide-suggestions.js';
import { useIncrementalDelivery } from './use-incremental-delivery.js';
import { useInlineTrace } from './use-inline-trace.js';
import { useJit } from './use-jit.js';
import { useInputGuard } from './use-input-guard.js';
import { openTrustedDocuments, type TrustedDocuments } from './trusted-documents.js';
import { usePersistedDocuments } from './use-persisted-documents.js';
import { useProviderOutcomes } from './use-provider-outcomes.js';
import { useRoutes } from './use-routes.js';
import { useCostLimit } from './use-cost-limit.js';
import { useArmor } from './use-armor.js';
import { createRequestDeadlines, useDeadlineRelease } from './use-deadline.js';
import { useMetrics } from './use-metrics.js';
import { useNoIntrospection } from './use-no-introspection.js';

export const SCHEMA_PATH = new URL('../schema.graphql', import.meta.url);

export function loadTypeDefs(): string {
  return readFileSync(SCHEMA_PATH, 'utf8');
}

export function createSchema(): GraphQLSchema {
  // The generated Resolvers type is stricter than @apollo/subgraph's loose map (it types
  // __resolveType's parameters), so it needs widening here, once.
  return buildSubgraphSchema({ typeDefs: parse(loadTypeDefs()), resolvers: resolvers as GraphQLResolverMap<unknown> });
}

// Subscriptions run over SSE from GraphiQL (yoga's default protocol): this second tab works as is.
const LIVE_SUBSCRIPTION = /* GraphQL */ `# Live changes from every provider: writes through this API, Moov webhooks and polling.
# Press play, then change a ticket (a mutation in the first tab, or a simulator's REST API).

subscription LiveChanges {
  ticketChanged {
    kind
    source
    occurredAt
    ticket { id provider number title status updatedAt }
    activity {
      kind
      author { name }
      ... on CommentActivity { body }
    }
  }
}
`;

/** `Cache-Control: no-cache` (or `no-store`, `max-age=0`, `Pragma: no-cache`): the client wants the providers' current state. */
function readsThrough(request: Request): boolean {
  const control = request.headers.get('cache-control') ?? request.headers.get('pragma') ?? '';
  return /\b(no-cache|no-store|max-age=0)\b/i.test(control);
}

export interface TicketgraphDeps {
  registry: Registry;
  metrics: Metrics;
  /** @default pino on stdout: JSON lines, pretty in development */
  logger?: Logger | undefined;
  /** What `/ready` answers from. @default ready at once */
  readiness?: Readiness | undefined;
  /** The live change feed; an in-process one when not given (main.ts passes the Redis-backed one). */
  live?: LiveHub;
  /**
   * The trusted-documents manifest. Required with PERSISTED_OPERATIONS_REDIS_KEY: main.ts
   * opens it (a Redis connection it closes on shutdown); read from the file when not given.
   */
  trustedDocuments?: TrustedDocuments | undefined;
}

export type Ticketgraph = YogaServerInstance<Record<string, never>, Context>;

/** The GraphQL server, without listening: tests call `yoga.fetch`, main.ts mounts it on node:http. */
export function createTicketgraph(config: Config, deps: TicketgraphDeps): Ticketgraph {
  const isDev = config.env !== 'production';
  const deadlines = createRequestDeadlines(config.requestDeadlineMs);
  const live = deps.live ?? createLiveHub({ redisUrl: null, metrics: deps.metrics });
  // Every change, whatever its source, leaves the hub only after the read cache forgot the
  // ticket and its provider's lists: a client that reads on hearing it reads fresh.
  live.beforeAnnounce((event) => deps.registry.forgetTicket(event.ticket));
  const directory = new EntityDirectory();
  const logger = deps.logger ?? createLogger({ level: config.logLevel, pretty: config.env === 'development' });
  const log = yogaLogger(logger, clientErrorCode);
  // With METRICS_PORT, main.ts serves /metrics on its own server and the main port has none.
  const metricsEndpoint = config.metricsPort === null ? '/metrics' : null;
  if (!deps.trustedDocuments && config.persistedOperations.redisKey)
    throw new Error('createTicketgraph: pass deps.trustedDocuments (openTrustedDocuments) when the manifest is in Redis');
  const trustedDocuments = deps.trustedDocuments ?? openTrustedDocuments(config.persistedOperations, { redisUrl: null });
  return createYoga<Record<string, never>, Context>({
    schema: limitEntityRepresentations(createSchema(), config.maxEntityRepresentations),
    graphqlEndpoint: '/graphql',
    // Ours (useBodyLimit): the same limit without a stream around every body.
    maxRequestBodySize: false,
    healthCheckEndpoint: '/health',
    landingPage: false,
    // Both are ours (useGraphiQL, useCors): yoga's would answer on more paths than /graphql,
    // and its CORS reflects any origin with credentials.
    graphiql: false,
    cors: false,
    maskedErrors: { maskError: (error, message) => maskError(error, message, isDev) },
    logging: log,
    context: ({ request }) => {
      const outcomes = new ProviderOutcomes();
      // Released when the response is sent (useDeadlineRelease).
      const signal = deadlines.signalFor(request);
      return {
        config,
        registry: deps.registry,
        metrics: deps.metrics,
        live,
        directory,
        outcomes,
        signal,
        loaders: createLoaders({
          registry: deps.registry,
          outcomes,
          signal,
          concurrency: config.concurrency,
          cache: { readThrough: readsThrough(request), report: (provider, hit, ageMs) => outcomes.cacheRead(provider, hit, ageMs) },
        }),
      };
    },
    plugins: [
      useRequestScope(logger, '/graphql'),
      useProvenance(config),
      useDriftWarnings(),
      useReadiness(deps.readiness ?? new Readiness(), deps.registry),
      useDeadlineRelease(deadlines),
      // Before the routes and client auth: Moov authenticates with its signature (POST /webhooks/moov).
      ...(config.live.moovWebhook ? [useMoovWebhook({ ...config.live.moovWebhook, registry: deps.registry, live, metrics: deps.metrics })] : []),
      // Before compression: the ETag is a digest of the uncompressed body.
      useCacheControl('/graphql'),
      useCompression(),
      // In this order: unknown paths 404, preflights answered, GraphiQL's page served, and
      // only then credentials asked for (of everything left), and the body type checked.
      useRoutes({ graphqlEndpoint: '/graphql', metricsEndpoint }),
      useCors(config.cors),
      ...(config.graphiql ? [useGraphiQL({ endpoint: '/graphql', title: 'ticketgraph', defaultTabs: [...graphiqlTabs(config), { query: LIVE_SUBSCRIPTION }] })] : []),
      useClientAuth(createAuthenticator(config.auth, log)),
      useCsrfGuard(),
      // Before the input guard, so it also checks the documents persisted queries stand for.
      usePersistedDocuments({ manifest: trustedDocuments, only: config.persistedOperations.only }),
      useInputGuard(),
      useArmor({ production: !isDev }),
      useCostLimit(config.maxQueryCost),
      ...(isDev ? [] : [useHideSuggestions()]),
      ...(config.introspection ? [] : [useNoIntrospection()]),
      useIncrementalDelivery((error) => maskError(error, 'Unexpected error.', isDev) as GraphQLError),
      useProviderOutcomes(),
      // Before the trace: a traced operation is left to the executor the trace wraps.
      useJit(),
      // Federated tracing (ftv1): only when a gateway asks with `apollo-federation-include-trace`.
      useInlineTrace(),
      useMetrics({ endpoint: metricsEndpoint, registry: deps.metrics.registry }),
      // A declared Content-Length over the limit is refused before the body is read; a chunked
      // body is cut off when it passes it. Both answer 413 REQUEST_ENTITY_TOO_LARGE. Last, so
      // it bounds whichever request parser the plugins before it chose.
      useBodyLimit(config.maxBodyBytes),
    ],
  });
}
