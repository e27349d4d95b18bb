import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gql, graphqlTarget, load, parseJsonLine, sampleRss, SandboxAdmin, startService, tsxArgs, type LoadResult } from '../lib.js';
import { FEED_QUERY, TICKET_QUERY } from '../queries.js';
import type { SandboxInfo } from '../sandbox-process.js';

/*
 * The transport experiment of issue 8: the same gateway (src/main.ts, unchanged) with ky on
 * Node's global fetch vs on node:http with a keep-alive agent (bench/transport/gateway.ts).
 * Variants alternate (A B A B …) so that drift in the machine's load hits both alike.
 *   npx tsx bench/transport/run.ts      TRANSPORT_DURATION (5 s), TRANSPORT_ROUNDS (2), BENCH_CONNECTIONS (10)
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DURATION = Number(process.env.TRANSPORT_DURATION ?? 5);
const ROUNDS = Number(process.env.TRANSPORT_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const watchdog = setTimeout(() => {
  console.error('transport: watchdog: giving up after 280 s');
  process.exit(1);
}, 280_000);

const variants = ['fetch', 'node-http'] as const;
type Variant = (typeof variants)[number];
const scenarios = { 'ticket(id)': { query: TICKET_QUERY }, 'tickets(first: 10)': { query: FEED_QUERY, first: 10 }, 'tickets(first: 50)': { query: FEED_QUERY, first: 50 } } as const;

async function main() {
  const sandbox = await startService<SandboxInfo>('sandbox', process.execPath, tsxArgs('bench/sandbox-process.ts'), { cwd: root, ready: (l) => parseJsonLine<SandboxInfo>(l) });
  const info = sandbox.value;
  const admin = new SandboxAdmin(info);
  const results: Array<{ round: number; variant: Variant; scenario: string; rssPeakMb: number | null; upstream: number } & LoadResult> = [];
  let ticketId: string | undefined;
  for (let round = 1; round <= ROUNDS; round++) {
    for (const variant of variants) {
      const gw = await startService<string>(`gateway (${variant})`, process.execPath, tsxArgs('bench/transport/gateway.ts'), {
        cwd: root,
        env: { ...info.env, BENCH_TRANSPORT: variant, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
        ready: (line) => /GraphiQL at http:\/\/localhost:(\d+)\//.exec(line)?.[1],
      });
      const url = `http://127.0.0.1:${gw.value}/graphql`;
      if (!ticketId) {
        const answer = await gql(url, '{ tickets(first: 1, filter: { providers: [HOSTUP] }) { nodes { id } } }');
        ticketId = (answer.data as { tickets: { nodes: { id: string }[] } }).tickets.nodes[0]?.id;
      }
      for (const [name, s] of Object.entries(scenarios)) {
        const variables = 'first' in s ? { first: s.first } : { id: ticketId };
        const check = await gql(url, s.query, variables);
        if (check.errors?.length) throw new Error(`${variant} ${name}: ${check.errors[0]?.message}`);
        const target = graphqlTarget(url, s.query, variables);
        await load(target, CONNECTIONS, 1);
        await admin.reset();
        const stop = sampleRss(gw.service.pid);
        const result = await load(target, CONNECTIONS, DURATION);
        const rssPeakMb = stop();
        const upstream = await admin.total();
        results.push({ round, variant, scenario: name, rssPeakMb: rssPeakMb && Math.round(rssPeakMb), upstream, ...result });
        console.error(
          `transport: round ${round} ${variant.padEnd(9)} ${name.padEnd(18)} ${Math.round(result.rps)} req/s p50 ${result.p50} p99 ${result.p99} RSS ${Math.round(rssPeakMb ?? 0)} MB errors ${result.errors}`,
        );
      }
      await gw.service.stop();
    }
  }
  await sandbox.service.stop();
  const lines = ['| scenario | transport | req/s (per round) | p50 ms | p99 ms | RSS peak MB | node-http / fetch req/s |', '|---|---|---|---:|---:|---:|---:|'];
  for (const name of Object.keys(scenarios)) {
    const of = (v: Variant) => results.filter((r) => r.scenario === name && r.variant === v);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const rps = (v: Variant) => mean(of(v).map((r) => r.rps));
    for (const v of variants) {
      const rs = of(v);
      lines.push(
        `| ${name} | ${v} | ${rs.map((r) => Math.round(r.rps)).join(', ')} | ${Math.round(mean(rs.map((r) => r.p50)))} | ${Math.round(mean(rs.map((r) => r.p99)))} | ${Math.max(...rs.map((r) => r.rssPeakMb ?? 0))} | ${v === 'node-http' ? `${(rps('node-http') / Math.max(1e-9, rps('fetch'))).toFixed(2)}×` : ''} |`,
      );
    }
  }
  const meta = {
    command: 'npx tsx bench/transport/run.ts',
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    rounds: ROUNDS,
    loadAverage: os.loadavg()[0],
  };
  writeFileSync(join(root, 'bench', 'transport', 'results.json'), `${JSON.stringify({ meta, results }, null, 2)}\n`);
  console.log(lines.join('\n'));
  console.log(`\n${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} rounds alternating, load average ${meta.loadAverage.toFixed(1)}, Node ${process.version}.`);
}

main().then(
  () => {
    clearTimeout(watchdog);
    process.exit(0);
  },
  (error: unknown) => {
    console.error('transport: failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
