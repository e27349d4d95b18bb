import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGateway, gql, graphqlTarget, LISTENING, parseJsonLine, sampleRss, startService, tsxArgs, WITHOUT_SHARED_STATE, type Target } from './lib.js';
import { FEED_QUERY, TICKET_QUERY } from './queries.js';
import type { SandboxInfo } from './sandbox-process.js';

/*
 * Issue 18: which V8 heap flags the production start should carry. Each variant is a fresh
 * `node <flags> dist/src/main.js` (coalescing off, so every request makes its own calls),
 * sent a fixed number of feed requests (10 at a time, as the bench) and of ticket(id)
 * requests (10 at a time); variants alternate round by round so a load spike on the shared machine hits all
 * of them. Besides req/s and the RSS peak, the gateway's own CPU time per request (from
 * /proc, user + system, over requests that all completed) is reported: it counts GC work
 * and depends far less than wall time on how busy the other processes are.
 *
 *   npx tsx bench/heap.ts     HEAP_ROUNDS (3), HEAP_FEEDS (40), HEAP_TICKETS (1500), HEAP_FEED_CONCURRENCY (10), HEAP_VARIANTS ('default;--max-semi-space-size=32;…')
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.env.HEAP_ROUNDS ?? 3);
const FEEDS = Number(process.env.HEAP_FEEDS ?? 40);
const TICKETS = Number(process.env.HEAP_TICKETS ?? 1500);
/** Feeds in flight at once: the bench's 10 connections by default. */
const FEED_CONCURRENCY = Number(process.env.HEAP_FEED_CONCURRENCY ?? 10);
const VARIANTS = (process.env.HEAP_VARIANTS ?? 'default;--max-semi-space-size=16;--max-semi-space-size=32;--max-semi-space-size=64')
  .split(';')
  .map((v) => v.trim())
  .filter(Boolean);

/** User + system CPU time of a process so far (ms), from /proc/<pid>/stat. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // Fields 14 and 15 of stat (utime, stime), at 11 and 12 after the command name; in clock
  // ticks, 100 a second on Linux (`getconf CLK_TCK`).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

interface Sample {
  variant: string;
  scenario: string;
  rps: number;
  rssPeakMb: number;
  cpuMsPerRequest: number;
  errors: number;
}

/** `count` requests, `concurrency` at a time; the wall time they took (ms) and how many answered with errors. */
async function drive(target: Target, count: number, concurrency: number): Promise<{ wallMs: number; errors: number }> {
  let next = 0;
  let errors = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      next++;
      const response = await fetch(target.url, { method: target.method, headers: target.headers, body: target.body, signal: AbortSignal.timeout(60_000) });
      const text = await response.text();
      if (!response.ok || text.includes('"errors"')) errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { wallMs: performance.now() - started, errors };
}

async function main(): Promise<void> {
  buildGateway(root);
  const sandbox = await startService<SandboxInfo>('sandbox', process.execPath, tsxArgs('bench/sandbox-process.ts', '--tickets', '300'), {
    cwd: root,
    ready: (l) => parseJsonLine<SandboxInfo>(l),
  });
  const samples: Sample[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts at a different variant: a load that rises through a round hits none of them more.
      for (const variant of [...VARIANTS.slice(round % VARIANTS.length), ...VARIANTS.slice(0, round % VARIANTS.length)]) {
        const flags = variant === 'default' ? [] : variant.split(/\s+/);
        const gateway = await startService<string>(`gateway ${variant}`, process.execPath, [...flags, 'dist/src/main.js'], {
          cwd: root,
          env: { ...sandbox.value.env, ...WITHOUT_SHARED_STATE, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', UPSTREAM_COALESCE: 'off' },
          ready: (line) => LISTENING.exec(line)?.[1],
        });
        try {
          const url = `http://127.0.0.1:${gateway.value}/graphql`;
          const one = await gql(url, '{ tickets(first: 1, filter: { providers: [HOSTUP] }) { nodes { id } } }');
          const id = (one.data as { tickets: { nodes: Array<{ id: string }> } }).tickets.nodes[0]!.id;
          const targets: Array<[string, Target, number, number]> = [
            ['feed', graphqlTarget(url, FEED_QUERY, { first: 50 }), FEEDS, FEED_CONCURRENCY],
            ['ticket', graphqlTarget(url, TICKET_QUERY, { id }), TICKETS, 10],
          ];
          for (const [scenario, target, count, concurrency] of targets) {
            await drive(target, Math.ceil(count / 10), concurrency);
            const cpuBefore = cpuMs(gateway.service.pid);
            const stop = sampleRss(gateway.service.pid);
            const { wallMs, errors } = await drive(target, count, concurrency);
            const rssPeakMb = stop() ?? 0;
            const cpu = cpuMs(gateway.service.pid) - cpuBefore;
            const sample = {
              variant,
              scenario,
              rps: Math.round((count / wallMs) * 10_000) / 10,
              rssPeakMb: Math.round(rssPeakMb),
              cpuMsPerRequest: Math.round((cpu / count) * 100) / 100,
              errors,
            };
            samples.push(sample);
            console.error(
              `heap: round ${round + 1} ${variant} ${scenario}: ${sample.rps} req/s, RSS peak ${sample.rssPeakMb} MB, ${sample.cpuMsPerRequest} ms CPU/request, ${errors} with errors`,
            );
          }
        } finally {
          await gateway.service.stop();
        }
      }
    }
  } finally {
    await sandbox.service.stop();
  }
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? NaN;
  };
  const lines = ['| flags | scenario | req/s (median) | RSS peak MB (median, max) | gateway CPU ms / request (median) |', '|---|---|---:|---:|---:|'];
  for (const scenario of ['feed', 'ticket']) {
    for (const variant of VARIANTS) {
      const mine = samples.filter((s) => s.variant === variant && s.scenario === scenario);
      lines.push(
        `| ${variant} | ${scenario} | ${median(mine.map((s) => s.rps))} | ${median(mine.map((s) => s.rssPeakMb))}, ${Math.max(...mine.map((s) => s.rssPeakMb))} | ${median(mine.map((s) => s.cpuMsPerRequest))} |`,
      );
    }
  }
  console.log(lines.join('\n'));
  console.log(
    `\n${ROUNDS} rounds, ${FEEDS} feeds ${FEED_CONCURRENCY} at a time and ${TICKETS} tickets 10 at a time per variant and round, coalescing off, ${os.cpus().length} cores, load average ${os.loadavg()[0]?.toFixed(1)}, Node ${process.version}`,
  );
  writeFileSync(
    join(root, 'bench', 'heap-results.json'),
    `${JSON.stringify({ date: new Date().toISOString(), rounds: ROUNDS, feeds: FEEDS, tickets: TICKETS, loadAverage: os.loadavg()[0], samples }, null, 2)}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('heap: failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
