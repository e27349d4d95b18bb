import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * Issue 18: production runs the compiled build (`npm run build`, then `npm run start:prod`),
 * and the bench and the soak measure that. A file the build forgets (the schema, a JSON
 * import) or a path that only resolves under tsx would pass every other test, which run the
 * TypeScript sources. So this test builds once (about 10 s of the suite) and starts the
 * result as start:prod does, with its flags, on port 0 over the in-process sandbox.
 */
const root = new URL('../../', import.meta.url);
const PROD = /^node\s+(.*)$/;

describe('issue 18: the production build', () => {
  let child: ChildProcess;
  let url: string;
  const output: string[] = [];

  beforeAll(async () => {
    await promisify(execFile)('npm', ['run', '--silent', 'build'], { cwd: root, timeout: 170_000 });
    const script = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }).scripts['start:prod'] ?? '';
    const args = PROD.exec(script)?.[1]?.split(/\s+/) ?? [];
    expect(args.at(-1)).toBe('dist/src/main.js');
    // Nothing of the test runner's environment: no provider credentials, so every provider runs on the sandbox.
    child = spawn(process.execPath, args, {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', CHANGES_POLL_MS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
    url = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output.join('\n')}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        output.push(line);
        const match = /ticketgraph: listening on (http:\/\/\S+)/.exec(line);
        if (match?.[1]) resolve(match[1]);
      });
    });
  }, 180_000);

  afterAll(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
  });

  it('starts as npm run start:prod does and answers a query from every provider', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ tickets(first: 20) { nodes { id provider title } } }' }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data?: { tickets: { nodes: { provider: string }[] } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(new Set(body.data?.tickets.nodes.map((node) => node.provider))).toEqual(new Set(['SPACEBRING', 'MOOV', 'HOSTUP', 'ZAIA', 'SONZAI']));
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
