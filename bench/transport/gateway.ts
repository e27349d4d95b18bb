import { createNodeHttpFetch } from '../../src/upstream/transport.js';

/*
 * ticketgraph's own entry (src/main.ts) with globalThis.fetch replaced before anything is
 * imported: createProviderHttp reads globalThis.fetch when the registry builds the
 * providers, so every ky instance then runs on node:http with a keep-alive agent. Only for
 * the transport experiment; src/ is unchanged.
 *   BENCH_TRANSPORT=node-http (default here) | fetch (Node's global fetch, as src/main.ts)
 */
if ((process.env.BENCH_TRANSPORT ?? 'node-http') === 'node-http') globalThis.fetch = createNodeHttpFetch();
await import('../../src/main.js');
