import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseJsonLine, startService, tsxArgs } from './lib.js';
import { createOperation, LEVELS, type Level } from './operation.js';
import type { SandboxInfo } from './sandbox-process.js';

/*
 * A/B of two checkouts, both loaded in one process and interleaved operation by operation
 * (A B, B A, A B, …), each operation's CPU time (process.cpuUsage) charged to its side. A
 * machine that speeds up or slows down (this one's speed swung ×2.5 within an hour) does so
 * for both sides at once, so the ratio holds where absolute figures and fresh-process pairs
 * do not. The two trees share node_modules, and the tree loaded first measured up to 5%
 * apart from an identical copy loaded second: so each comparison runs twice, in a process
 * per load order, and the figure is the geometric mean of the two ratios (the order's
 * own effect is printed beside it as `orderBias`). Identical trees give the null pair.
 *
 *   tsx bench/paired-ab.ts <dirA> <dirB> <level> [n] [blocks=5]
 *
 * Levels: bench/operation.ts (raw, provider, ticket, feed). Each checkout is imported from its
 * own src/ and needs node_modules (a link to this one's will do). UPSTREAM_COALESCE=off
 * measures the path without coalescing. Prints one JSON line; `ratio` is B's CPU per
 * operation over A's.
 */

interface Half {
  /** CPU µs per operation of the tree loaded first and second, block by block. */
  first: number[];
  second: number[];
}

const [dirA, dirB, levelArg = 'ticket', nArg, blocksArg = '5'] = process.argv.slice(2);
if (!dirA || !dirB || !LEVELS.includes(levelArg as Level)) throw new Error(`usage: tsx bench/paired-ab.ts <dirA> <dirB> <${LEVELS.join('|')}> [n] [blocks]`);
const level = levelArg as Level;
const n = Number(nArg ?? (level === 'feed' ? 60 : 1500));
const blocks = Number(blocksArg);

/** One process: both trees loaded (the first argument first), n operations each. */
async function measureHalf(first: string, second: string, info: SandboxInfo): Promise<Half> {
  const ops = [await createOperation(resolve(first), level, info), await createOperation(resolve(second), level, info)];
  for (let i = 0; i < Math.max(30, n / 4); i++) for (const op of ops) await op.run();
  const half: Half = { first: [], second: [] };
  const perBlock = Math.ceil(n / blocks);
  for (let b = 0; b < blocks; b++) {
    const used = [0, 0];
    for (let i = 0; i < perBlock; i++) {
      for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) {
        const before = process.cpuUsage();
        await ops[k]!.run();
        const spent = process.cpuUsage(before);
        used[k]! += spent.user + spent.system;
      }
    }
    half.first.push(used[0]! / perBlock);
    half.second.push(used[1]! / perBlock);
  }
  for (const op of ops) await op.close();
  return half;
}

if (process.env.PAIRED_AB_HALF) {
  console.log(JSON.stringify(await measureHalf(dirA, dirB, JSON.parse(process.env.PAIRED_AB_HALF) as SandboxInfo)));
  process.exit(0);
}

const sandbox = await startService<SandboxInfo>('sandbox', process.execPath, tsxArgs('bench/sandbox-process.ts', '--tickets', '300'), {
  cwd: resolve(import.meta.dirname, '..'),
  ready: (line) => parseJsonLine<SandboxInfo>(line),
});
const run = promisify(execFile);
const half = async (first: string, second: string): Promise<Half> => {
  const { stdout } = await run(process.execPath, tsxArgs(import.meta.filename, first, second, level, String(n), String(blocks)), {
    env: { ...process.env, PAIRED_AB_HALF: JSON.stringify(sandbox.value) },
    maxBuffer: 1 << 20,
  });
  const line = stdout
    .trim()
    .split('\n')
    .findLast((l) => l.startsWith('{'));
  if (!line) throw new Error(`no result from the half that loads ${first} first:\n${stdout}`);
  return JSON.parse(line) as Half;
};

const median = (values: number[]) => [...values].sort((x, y) => x - y)[values.length >> 1]!;
const round = (value: number) => Math.round(value * 1000) / 1000;
const aFirst = await half(dirA, dirB);
const bFirst = await half(dirB, dirA);
// B over A in each load order, block by block.
const whenAFirst = aFirst.second.map((b, i) => b / aFirst.first[i]!);
const whenBFirst = bFirst.first.map((b, i) => b / bFirst.second[i]!);
const r1 = median(whenAFirst);
const r2 = median(whenBFirst);
console.log(
  JSON.stringify({
    level,
    coalesce: process.env.UPSTREAM_COALESCE !== 'off',
    operationsPerSide: 2 * blocks * Math.ceil(n / blocks),
    cpuUs: { A: Math.round(median([...aFirst.first, ...bFirst.second])), B: Math.round(median([...aFirst.second, ...bFirst.first])) },
    ratio: round(Math.sqrt(r1 * r2)),
    orderBias: round(Math.sqrt(r1 / r2)),
    blocks: { aFirst: whenAFirst.map(round), bFirst: whenBFirst.map(round) },
    A: resolve(dirA),
    B: resolve(dirB),
  }),
);
await sandbox.service.stop();
process.exit(0);
