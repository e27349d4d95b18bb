import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * Peer of `npm run bench`: GraphQL Mesh. Composes the supergraph from the OpenAPI
 * descriptions in ./openapi with Mesh Compose (mesh.config.ts, in a child process, so its
 * memory is not this process's), then runs the Hive Gateway CLI (`hive-gateway supergraph`)
 * in this very process, so the pid the bench samples is the gateway's. Prints one JSON line
 * {"url": ...} once the gateway answers its health check.
 *
 *   SANDBOX_INFO   the sandbox description (bench/sandbox-process.ts), required
 *   SUPERGRAPH_PATH where to write the supergraph (default ./supergraph.graphql, git-ignored)
 */

const here = dirname(fileURLToPath(import.meta.url));
const bin = (pkg, file) => join(here, 'node_modules', pkg, file);
if (!process.env.SANDBOX_INFO) throw new Error('server.mjs: SANDBOX_INFO is not set');
const supergraph = resolve(here, process.env.SUPERGRAPH_PATH ?? 'supergraph.graphql');

// 1. Mesh Compose: OpenAPI -> supergraph SDL (the sandbox's URLs and headers land in @transport).
execFileSync(process.execPath, [bin('@graphql-mesh/compose-cli', 'esm/bin.js'), '--config-path', 'mesh.config.ts', '--output', supergraph], {
  cwd: here,
  env: process.env,
  stdio: ['ignore', 'ignore', 'inherit'],
  timeout: 60_000,
});

// 2. A free loopback port (the CLI logs the port it was given, so 0 would not tell us which one).
const port = await new Promise((ok, fail) => {
  const probe = createServer();
  probe.once('error', fail);
  probe.listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => ok(free));
  });
});

// 3. Hive Gateway, exactly as its CLI runs, in this process.
process.env.NODE_ENV ??= 'production';
process.env.LOG_LEVEL ??= 'warn';
process.argv = [process.execPath, bin('@graphql-hive/gateway', 'dist/bin.js'), 'supergraph', supergraph, '--host', '127.0.0.1', '--port', String(port)];
await import(bin('@graphql-hive/gateway', 'dist/bin.js'));

const base = `http://127.0.0.1:${port}`;
const deadline = Date.now() + 60_000;
for (;;) {
  try {
    const response = await fetch(`${base}/readiness`);
    await response.arrayBuffer();
    if (response.ok) break;
  } catch {
    // not listening yet
  }
  if (Date.now() > deadline) throw new Error('server.mjs: Hive Gateway not ready after 60 s');
  await new Promise((r) => setTimeout(r, 100));
}
process.stdout.write(`${JSON.stringify({ url: `${base}/graphql` })}\n`);
