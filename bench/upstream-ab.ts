import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { startService, tsxArgs, parseJsonLine } from './lib.js';
import type { SandboxInfo } from './sandbox-process.js';

/*
 * Fresh-pair A/B of bench/upstream-call.ts: one sandbox process, then per round one fresh
 * process of each checkout (order alternated from round to round), each making the same
 * calls; medians of the per-call CPU time. Run with the same directory twice for the null
 * pair (the noise). Each checkout needs its own copy of bench/upstream-call.ts.
 *
 *   tsx bench/upstream-ab.ts <dirA> <dirB> <level> [rounds=5] [n]
 *
 * Set UPSTREAM_COALESCE=off to measure the path without coalescing.
 */

const run = promisify(execFile);
const [dirA, dirB, level = 'provider', roundsArg = '5', n] = process.argv.slice(2);
if (!dirA || !dirB) throw new Error('usage: tsx bench/upstream-ab.ts <dirA> <dirB> <level> [rounds] [n]');
const rounds = Number(roundsArg);

const sandbox = await startService<SandboxInfo>('sandbox', process.execPath, tsxArgs('bench/sandbox-process.ts', '--tickets', '300'), {
  cwd: resolve(import.meta.dirname, '..'),
  ready: (line) => parseJsonLine<SandboxInfo>(line),
});

interface Sample {
  cpuUs: number;
  wallUs: number;
}
const samples: Record<'A' | 'B', Sample[]> = { A: [], B: [] };
const once = async (dir: string): Promise<Sample> => {
  const { stdout } = await run(process.execPath, [...tsxArgs('bench/upstream-call.ts', level, ...(n ? [n] : []))], {
    cwd: resolve(dir),
    env: { ...process.env, SANDBOX_INFO: JSON.stringify(sandbox.value) },
    maxBuffer: 1 << 20,
  });
  const line = stdout
    .trim()
    .split('\n')
    .findLast((l) => l.startsWith('{'));
  if (!line) throw new Error(`${dir}: no result\n${stdout}`);
  return JSON.parse(line) as Sample;
};
for (let round = 0; round < rounds; round++) {
  const order: Array<['A' | 'B', string]> =
    round % 2 === 0
      ? [
          ['A', dirA],
          ['B', dirB],
        ]
      : [
          ['B', dirB],
          ['A', dirA],
        ];
  for (const [side, dir] of order) {
    const sample = await once(dir);
    samples[side].push(sample);
    console.error(`round ${round + 1} ${side}: cpu ${sample.cpuUs} µs, wall ${sample.wallUs} µs`);
  }
}
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const a = median(samples.A.map((s) => s.cpuUs));
const b = median(samples.B.map((s) => s.cpuUs));
console.log(
  JSON.stringify({
    level,
    coalesce: process.env.UPSTREAM_COALESCE ?? 'on',
    rounds,
    A: { dir: dirA, cpuUs: a, wallUs: median(samples.A.map((s) => s.wallUs)), all: samples.A.map((s) => s.cpuUs) },
    B: { dir: dirB, cpuUs: b, wallUs: median(samples.B.map((s) => s.wallUs)), all: samples.B.map((s) => s.cpuUs) },
    ratio: Math.round((b / a) * 1000) / 1000,
  }),
);
await sandbox.service.stop();
process.exit(0);
