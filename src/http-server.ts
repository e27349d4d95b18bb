import { createServer, type RequestListener, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface ServerSettings {
  /** Longest time to receive a whole request, body included (Node's requestTimeout). @default 30000 */
  requestTimeoutMs: number;
  /** Longest time to receive the request headers (Node's headersTimeout). @default 10000 */
  headersTimeoutMs: number;
}

/**
 * The node:http server the gateway is mounted on, with timeouts for slow clients: without
 * them a client sending its headers or body a byte at a time holds a socket (and Node's
 * defaults are 60 s for headers and 300 s for the whole request). A request not received in
 * time is answered 408 and its socket closed. Node checks these on a timer
 * (connectionsCheckingInterval, 30 s by default): it runs at a quarter of the headers
 * timeout, so a limit is kept within a quarter of itself.
 */
export function createHttpServer(handler: RequestListener, settings: ServerSettings): Server {
  return createServer(
    {
      requestTimeout: settings.requestTimeoutMs,
      headersTimeout: settings.headersTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(settings.headersTimeoutMs / 4))),
    },
    handler,
  );
}

/**
 * The server of METRICS_PORT: GET /metrics and nothing else. It has no client
 * authentication (Prometheus scrapes it as is): bind it where only the scraper reaches it.
 */
export function createMetricsServer(registry: Registry, settings: ServerSettings): Server {
  return createHttpServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(request.method === 'HEAD' ? undefined : text),
      () => response.writeHead(500).end(),
    );
  }, settings);
}
