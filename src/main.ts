import { collectDefaultMetrics } from 'prom-client';
import { createAuthenticator } from './auth.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { createRegistry } from './providers/registry.js';
import { createHttpServer, createMetricsServer } from './http-server.js';
import { createLiveHub } from './live/hub.js';
import { startPollers } from './live/poller.js';
import { MOOV_WEBHOOK_PATH } from './live/use-moov-webhook.js';
import { attachWebSocket } from './live/websocket.js';
import { createMetrics } from './metrics.js';
import { PROVIDER_KEYS } from './model/provider.js';
import { registerSandboxWebhook } from './providers/moov/simulator/webhooks.js';
import { startSandbox, type Sandbox } from './sandbox/index.js';
import { redact } from './secret.js';
import { createDrain, Readiness } from './readiness.js';
import { createTicketgraph } from './server.js';
import { startTracing } from './telemetry.js';
import { openTrustedDocuments } from './trusted-documents.js';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      // One line naming the variable and the reason, then a non-zero exit.
      console.error(`ticketgraph: invalid configuration: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger({ level: config.logLevel, pretty: config.env === 'development' });
  const tracing = await startTracing(config.otel);
  if (tracing) logger.info({ exporter: config.otel.exporter, url: config.otel.exporter === 'otlp' ? config.otel.url : undefined }, 'OpenTelemetry tracing on');
  const sandboxed = PROVIDER_KEYS.filter((key) => config.enabled.includes(key) && config.providers[key].mode === 'sandbox');
  let sandbox: Sandbox | undefined;
  if (sandboxed.length > 0) {
    sandbox = await startSandbox({ seed: config.sandbox.seed, tickets: config.sandbox.tickets, faults: config.sandbox.faults, providers: sandboxed });
    for (const key of sandboxed) logger.info({ provider: key, url: sandbox.url(key) }, `${key} runs on the sandbox (no credentials configured)`);
  }
  for (const key of PROVIDER_KEYS) if (config.providers[key].mode === 'live' && config.enabled.includes(key)) logger.info({ provider: key }, `${key} is live`);
  if (config.sharedState.redisUrl) logger.info('cache and pacing shared through Redis (REDIS_URL)');

  if (config.auth.apiKeys.length === 0 && !config.auth.jwt) {
    logger.warn('no client authentication configured (TICKETGRAPH_API_KEYS or TICKETGRAPH_JWT_*): the API is open');
  }
  const metrics = createMetrics();
  // Process metrics (memory, heap, GC, event-loop lag) for the one server of this process;
  // tests build many servers per process and leave them out.
  collectDefaultMetrics({ register: metrics.registry });
  const registry = createRegistry(config, { http: config.http, metrics, sandbox });
  // Config parsed and the sandbox up (both awaited above): a Redis-backed feature adds its own check.
  const readiness = new Readiness();
  const trustedDocuments = openTrustedDocuments(config.persistedOperations, { redisUrl: config.sharedState.redisUrl, readiness, logger });
  const live = createLiveHub({ redisUrl: config.sharedState.redisUrl?.reveal() ?? null, metrics });
  const yoga = createTicketgraph(config, { registry, metrics, logger, readiness, live, trustedDocuments });
  const server = createHttpServer(yoga, config.server);
  // GraphQL over WebSocket on the same path; SSE needs nothing more than yoga itself.
  const closeWebSocket = attachWebSocket(server, yoga, createAuthenticator(config.auth), { maxPayload: config.maxBodyBytes });
  const pollers = startPollers({ registry, live, metrics, settings: config.live });
  if (pollers.providers.length > 0) {
    console.log(
      `ticketgraph: polling ${pollers.providers.map((key) => `${key} every ${config.live.pollMs[key]} ms`).join(', ')} for live changes${live.shared ? ' (one replica at a time, Redis lease)' : ''}`,
    );
  }
  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ port }, `${config.graphiql ? 'GraphiQL' : 'GraphQL'} at http://localhost:${port}/graphql`);
    // Whatever LOG_LEVEL says: scripts that start the gateway (the bench, the soak) wait for this line.
    console.log(`ticketgraph: listening on http://${config.host}:${port}/graphql`);
    // On the sandbox, Moov's simulator sends its webhooks to this gateway, signed with the
    // secret config.ts holds (made up there unless MOOV_WEBHOOK_SECRET is set).
    if (sandbox?.providers.includes('moov') && config.live.moovWebhook) {
      void registerSandboxWebhook(sandbox.url('moov'), { url: `http://127.0.0.1:${port}${MOOV_WEBHOOK_PATH}`, secret: config.live.moovWebhook.secret.reveal() })
        .then((ok) => (ok ? logger.info(`the moov sandbox delivers its webhooks to ${MOOV_WEBHOOK_PATH}`) : logger.warn('the moov sandbox refused the webhook registration')))
        .catch(() => logger.warn('could not register the moov sandbox webhook'));
    }
  });
  const metricsServer = config.metricsPort === null ? undefined : createMetricsServer(metrics.registry, config.server);
  metricsServer?.listen(config.metricsPort ?? 0, config.host, () => logger.info({ port: config.metricsPort }, `metrics at http://localhost:${config.metricsPort}/metrics`));

  const drain = createDrain(server, readiness, config.shutdownGraceMs);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'draining: /ready answers 503, in-flight requests finish');
    // A last resort beyond the drain's own bound (a stuck sandbox or exporter flush).
    setTimeout(() => process.exit(0), config.shutdownGraceMs + 5000).unref();
    metricsServer?.close();
    // The polling lease is given up first, so another replica takes the polling over at its next tick.
    void closeWebSocket();
    void pollers
      .stop()
      .then(() => drain())
      .then(() => Promise.allSettled([live.close(), trustedDocuments.close(), registry.close(), sandbox?.close(), tracing?.shutdown()]))
      .finally(() => {
        logger.info('stopped');
        process.exit(0);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`ticketgraph: failed to start: ${redact(error instanceof Error ? error.message : String(error))}`);
  process.exit(1);
});
