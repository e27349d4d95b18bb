import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHttpServer } from '../../src/http-server.js';
import { createMetrics } from '../../src/metrics.js';
import { createTicketgraph } from '../../src/server.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// Counts how often the GraphiQL bundle (9 MB of HTML, 33 MB once loaded) is loaded at all.
const loads = vi.hoisted(() => ({ count: 0 }));
vi.mock('@graphql-yoga/render-graphiql', async (importOriginal) => {
  loads.count++;
  return importOriginal();
});

describe('issue 13 item 9: GraphiQL is loaded only when a page is asked for', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { NODE_ENV: 'production', INTROSPECTION: 'true' } });
  });
  afterAll(() => server.close());

  it('a production server never loads @graphql-yoga/render-graphiql, not even when asked for the page', async () => {
    expect(server.config.graphiql).toBe(false);
    const url = await server.listen();
    await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    const page = await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type') ?? '').not.toContain('text/html');
    expect(loads.count).toBe(0);
  });

  it('a server with GraphiQL loads it on the first page request, once', async () => {
    const config = { ...server.config, graphiql: true };
    const http = createHttpServer(createTicketgraph(config, { registry: server.registry, metrics: createMetrics() }), config.server);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as { port: number };
    try {
      expect(loads.count).toBe(0);
      for (let i = 0; i < 2; i++) {
        const page = await fetch(`http://127.0.0.1:${port}/graphql`, { headers: { accept: 'text/html' } });
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<title>ticketgraph</title>');
      }
      expect(loads.count).toBe(1);
    } finally {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });
});
