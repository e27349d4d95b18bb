import { collectDefaultMetrics } from 'prom-client';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createRegistry } from './providers/registry.js';
import { createHttpServer, createMetricsServer } from './http-server.js';
import { createMetrics } from './metrics.js';
import { PROVIDER_KEYS } from './model/provider.js';
import { startSandbox, type Sandbox } from './sandbox/index.js';
import { redact } from './secret.js';
import { createTicketgraph } from './server.js';

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
  const sandboxed = PROVIDER_KEYS.filter((key) => config.enabled.includes(key) && config.providers[key].mode === 'sandbox');
  let sandbox: Sandbox | undefined;
  if (sandboxed.length > 0) {
    sandbox = await startSandbox({ seed: config.sandbox.seed, tickets: config.sandbox.tickets, faults: config.sandbox.faults, providers: sandboxed });
    for (const key of sandboxed) console.log(`ticketgraph: ${key} runs on the sandbox at ${sandbox.url(key)} (no credentials configured)`);
  }
  for (const key of PROVIDER_KEYS) if (config.providers[key].mode === 'live' && config.enabled.includes(key)) console.log(`ticketgraph: ${key} is live`);

  if (config.auth.apiKeys.length === 0 && !config.auth.jwt) {
    console.warn('ticketgraph: warning: no client authentication configured (TICKETGRAPH_API_KEYS or TICKETGRAPH_JWT_*): the API is open');
  }
  const metrics = createMetrics();
  // Process metrics (memory, heap, GC, event-loop lag) for the one server of this process;
  // tests build many servers per process and leave them out.
  collectDefaultMetrics({ register: metrics.registry });
  const registry = createRegistry(config, { http: config.http, metrics, sandbox });
  const yoga = createTicketgraph(config, { registry, metrics });
  const server = createHttpServer(yoga, config.server);
  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    console.log(`ticketgraph: ${config.graphiql ? 'GraphiQL' : 'GraphQL'} at http://localhost:${port}/graphql`);
  });
  const metricsServer = config.metricsPort === null ? undefined : createMetricsServer(metrics.registry, config.server);
  metricsServer?.listen(config.metricsPort ?? 0, config.host, () => console.log(`ticketgraph: metrics at http://localhost:${config.metricsPort}/metrics`));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`ticketgraph: ${signal} received, finishing in-flight requests`);
    // Stop accepting, let in-flight requests finish, then close idle keep-alive sockets.
    metricsServer?.close();
    server.close(() => {
      void sandbox?.close().finally(() => process.exit(0));
      if (!sandbox) process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`ticketgraph: failed to start: ${redact(error instanceof Error ? error.message : String(error))}`);
  process.exit(1);
});
