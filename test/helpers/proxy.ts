import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConfig, type Config } from '../../src/config.js';
import type { HttpSettings } from '../../src/upstream/http.js';
import { createRegistry } from '../../src/providers/registry.js';
import { createMetrics } from '../../src/metrics.js';
import type { ProviderKey } from '../../src/model/provider.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createTicketgraph, type Ticketgraph } from '../../src/server.js';
import { testHttpSettings } from './settings.js';

/** What a hostile upstream does with one request: pass it on (now or once a promise settles), or answer it itself. */
export type Intercept = (req: IncomingMessage, res: ServerResponse) => 'pass' | 'handled' | Promise<'pass'>;

/**
 * The sandbox and a gateway on real sockets, with one provider reached through a proxy in
 * the test's hands (to fail or hold chosen upstream calls).
 */
export async function startProxiedGateway(provider: ProviderKey, intercept: Intercept, http: Partial<HttpSettings> = {}) {
  const sandbox: Sandbox = await startSandbox({ tickets: 30 });
  const target = new URL(sandbox.url(provider));
  const proxy: Server = createServer(async (req, res) => {
    const verdict = intercept(req, res);
    if (verdict === 'handled') return;
    if (verdict !== 'pass') await verdict;
    const upstream = httpRequest({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${target.pathname.replace(/\/$/, '')}`;
  const config: Config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  config.http = { ...config.http, ...testHttpSettings, retryLimit: 0, ...http };
  const metrics = createMetrics();
  const registry = createRegistry(config, {
    http: config.http,
    metrics,
    sandbox: { settings: (key) => (key === provider ? { ...sandbox.settings(key), baseUrl: proxyUrl } : sandbox.settings(key)) as never },
  });
  const yoga: Ticketgraph = createTicketgraph(config, { registry, metrics });
  const gateway: Server = createServer(yoga);
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  return {
    sandbox,
    url: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`,
    async close() {
      gateway.closeAllConnections();
      await new Promise((resolve) => gateway.close(resolve));
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
      await sandbox.close();
    },
  };
}
