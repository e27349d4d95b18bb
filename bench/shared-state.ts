import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGateway, LISTENING, parseJsonLine, productionArgs, SandboxAdmin, startService, tsxArgs, type Service } from './lib.js';
import type { SandboxInfo } from './sandbox-process.js';

/*
 * `npm run bench:shared-state` (issue 19): the sandbox with realistic latency (100–300 ms
 * per call) and the documented rate limits, a population of clients — dashboards polling
 * the feed with different filters, agents opening tickets, commenting, and reading the
 * ticket back on the other replica — against: one replica without cache, two replicas
 * without Redis, two replicas on one Redis. Reports p50/p95 of reads, warm reads (all from
 * cache), upstream calls per second per provider against its limit, upstream 429s, the
 * cache hit ratio, and how many read-after-write checks on the other replica were stale.
 * Knobs: SHARED_BENCH_SECONDS (default 20), SHARED_BENCH_DASHBOARDS (6), SHARED_BENCH_AGENTS (2).
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.SHARED_BENCH_SECONDS ?? 20);
const DASHBOARDS = Number(process.env.SHARED_BENCH_DASHBOARDS ?? 6);
const AGENTS = Number(process.env.SHARED_BENCH_AGENTS ?? 2);
const LIMITS: Record<string, number> = { spacebring: 10, moov: 40, hostup: 10, zaia: 10, sonzai: 10 };
const services: Service[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: { providers?: { provider: string; cache?: { hits: number; misses: number } }[] };
}

async function post(url: string, query: string, variables: Record<string, unknown> = {}): Promise<{ ms: number; answer: Answer }> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  const answer = (await response.json()) as Answer;
  return { ms: performance.now() - started, answer };
}

const FEEDS = [
  { statuses: ['OPEN'] },
  { statuses: ['IN_PROGRESS'] },
  { providers: ['SPACEBRING', 'HOSTUP'] },
  { providers: ['MOOV'] },
  { statuses: ['OPEN', 'WAITING'], providers: ['SONZAI', 'ZAIA'] },
  {},
];
const FEED = 'query ($f: TicketFilter) { tickets(first: 20, filter: $f) { nodes { id title status updatedAt assignee { name } tags { name } } } }';
const TICKET = 'query ($id: ID!) { ticket(id: $id) { id title status activities(first: 50) { nodes { kind ... on CommentActivity { body } } } } }';

interface Row {
  setup: string;
  reads: number;
  p50: number;
  p95: number;
  warmP95: number;
  hitRatio: number;
  upstreamPerSecond: Record<string, number>;
  upstream429: number;
  rateLimitedErrors: number;
  readAfterWrite: { checks: number; stale: number };
}

async function runSetup(setup: string, info: SandboxInfo, admin: SandboxAdmin, replicas: number, env: Record<string, string>): Promise<Row> {
  const urls: string[] = [];
  const mine: Service[] = [];
  for (let i = 0; i < replicas; i++) {
    const gateway = await startService<string>(`ticketgraph-${i}`, process.execPath, productionArgs(root), {
      cwd: root,
      env: { ...info.env, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
      ready: (line) => LISTENING.exec(line)?.[1],
    });
    mine.push(gateway.service);
    urls.push(`http://127.0.0.1:${gateway.value}/graphql`);
  }
  // Tickets the agents work on: Spacebring's (they take comments and embed their timeline).
  const pick = await post(urls[0]!, 'query { tickets(first: 20, filter: { providers: [SPACEBRING] }) { nodes { id } } }');
  const tickets = ((pick.answer.data?.tickets as { nodes: { id: string }[] } | undefined)?.nodes ?? []).map((n) => n.id);
  if (tickets.length === 0) throw new Error(`${setup}: no tickets to work on (${pick.answer.errors?.[0]?.message ?? 'no data'})`);
  await admin.reset();

  const latencies: number[] = [];
  const warm: number[] = [];
  let hits = 0;
  let misses = 0;
  let rateLimited = 0;
  const raw = { checks: 0, stale: 0 };
  const record = ({ ms, answer }: { ms: number; answer: Answer }) => {
    latencies.push(ms);
    const reports = (answer.extensions?.providers ?? []).map((p) => p.cache).filter((c) => c !== undefined);
    for (const c of reports) {
      hits += c.hits;
      misses += c.misses;
    }
    if (reports.length > 0 && reports.every((c) => c.misses === 0)) warm.push(ms);
    rateLimited += (answer.errors ?? []).filter((e) => e.extensions?.code === 'RATE_LIMITED').length;
  };
  const end = Date.now() + SECONDS * 1000;
  const dashboard = async (i: number) => {
    for (let n = 0; Date.now() < end; n++) {
      record(await post(urls[(i + n) % urls.length]!, FEED, { f: FEEDS[i % FEEDS.length] }));
      await sleep(2000);
    }
  };
  const agent = async (i: number) => {
    for (let n = 0; Date.now() < end; n++) {
      const id = tickets[(i * 7 + n) % tickets.length]!;
      const here = urls[n % urls.length]!;
      const there = urls[(n + 1) % urls.length]!;
      record(await post(here, TICKET, { id }));
      // The other replica has the ticket cached before the write: what the read back checks.
      record(await post(there, TICKET, { id }));
      const body = `bench ${setup} agent ${i} #${n} ${Date.now()}`;
      const write = await post(here, 'mutation ($input: AddCommentInput!) { addComment(input: $input) { ticket { id } } }', { input: { ticketId: id, body } });
      if (!write.answer.errors?.length) {
        const back = await post(there, TICKET, { id });
        record(back);
        const nodes = ((back.answer.data?.ticket as { activities: { nodes: { body?: string }[] } } | null)?.activities.nodes ?? []).map((a) => a.body);
        raw.checks++;
        if (!nodes.includes(body)) raw.stale++;
      }
      await sleep(1000);
    }
  };
  const started = Date.now();
  await Promise.all([...Array.from({ length: DASHBOARDS }, (_, i) => dashboard(i)), ...Array.from({ length: AGENTS }, (_, i) => agent(i))]);
  const elapsed = (Date.now() - started) / 1000;

  const upstreamPerSecond: Record<string, number> = {};
  let upstream429 = 0;
  for (const [key, p] of Object.entries(info.providers)) {
    const body = (await (await fetch(`${p.url}/__sandbox/requests`)).json()) as { total: number; byStatus?: Record<string, number> };
    upstreamPerSecond[key] = Math.round((body.total / elapsed) * 10) / 10;
    upstream429 += body.byStatus?.['429'] ?? 0;
  }
  for (const service of mine) await service.stop();
  return {
    setup,
    reads: latencies.length,
    p50: Math.round(percentile(latencies, 50)),
    p95: Math.round(percentile(latencies, 95)),
    warmP95: Math.round(percentile(warm, 95) * 10) / 10,
    hitRatio: hits + misses === 0 ? 0 : Math.round((hits / (hits + misses)) * 100) / 100,
    upstreamPerSecond,
    upstream429,
    rateLimitedErrors: rateLimited,
    readAfterWrite: raw,
  };
}

async function main(): Promise<void> {
  // The replicas as production runs them: compiled, with start:prod's heap flags.
  buildGateway(root);
  const sandbox = await startService<SandboxInfo>('sandbox', process.execPath, tsxArgs('bench/sandbox-process.ts', '--tickets', '300'), {
    cwd: root,
    ready: (line) => parseJsonLine<SandboxInfo>(line),
  });
  services.push(sandbox.service);
  const info = sandbox.value;
  const admin = new SandboxAdmin(info);
  for (const key of Object.keys(info.providers) as (keyof SandboxInfo['providers'])[]) {
    await admin.setFault(key, { latencyMs: 100, jitterMs: 200, rateLimitPerSecond: LIMITS[key] });
  }
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await sleep(300);

  const rows: Row[] = [];
  try {
    rows.push(await runSetup('1 replica, no cache', info, admin, 1, { CACHE_TTL_MS: '0' }));
    rows.push(await runSetup('2 replicas, no Redis', info, admin, 2, {}));
    rows.push(await runSetup('2 replicas, one Redis', info, admin, 2, { REDIS_URL: `redis://127.0.0.1:${port}` }));
  } finally {
    redis.kill('SIGKILL');
    for (const service of services) await service.stop();
  }
  console.log(`\n${SECONDS} s per setup, ${DASHBOARDS} dashboards (feed every 2 s), ${AGENTS} agents (read on both replicas, comment on one, read back on the other, every 1 s)`);
  console.log('| setup | reads | p50 ms | p95 ms | warm p95 ms | hit ratio | upstream calls/s (limit) | upstream 429s | RATE_LIMITED errors | stale read-after-write |');
  console.log('|---|---:|---:|---:|---:|---:|---|---:|---:|---:|');
  for (const r of rows) {
    const calls = Object.entries(r.upstreamPerSecond)
      .map(([k, v]) => `${k} ${v} (${LIMITS[k]})`)
      .join(', ');
    console.log(
      `| ${r.setup} | ${r.reads} | ${r.p50} | ${r.p95} | ${Number.isNaN(r.warmP95) ? '–' : r.warmP95} | ${r.hitRatio} | ${calls} | ${r.upstream429} | ${r.rateLimitedErrors} | ${r.readAfterWrite.stale}/${r.readAfterWrite.checks} |`,
    );
  }
  writeFileSync(join(root, 'bench', 'shared-state-results.json'), `${JSON.stringify({ seconds: SECONDS, dashboards: DASHBOARDS, agents: AGENTS, rows }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error('bench:shared-state failed:', error instanceof Error ? error.message : error);
  for (const service of services) void service.stop();
  process.exit(1);
});
