import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { createOperation, LEVELS, type Level } from './operation.js';
import type { SandboxInfo } from './sandbox-process.js';

/*
 * The cost of one operation, in CPU time of this process only: the simulators run in
 * another process (bench/sandbox-process.ts), so what is counted here is the gateway's side
 * of each call, whatever else the machine is doing (wall time is printed too, but on a shared
 * machine only the CPU figure is worth comparing). Operations are made one at a time.
 *
 *   SANDBOX_INFO='<the sandbox's JSON line>' tsx bench/upstream-call.ts <level> [n]
 *
 * Levels (raw, provider, ticket, feed): bench/operation.ts. To compare two checkouts, use
 * bench/paired-ab.ts, which interleaves them in one process and so sees the same machine.
 * Prints one JSON line: { level, n, cpuUs, wallUs } per operation.
 */

const level = (process.argv[2] ?? 'provider') as Level;
if (!LEVELS.includes(level)) throw new Error(`level: one of ${LEVELS.join(', ')}`);
const n = Number(process.argv[3] ?? (level === 'feed' ? 40 : 2000));
const info = JSON.parse(process.env.SANDBOX_INFO ?? '') as SandboxInfo;
const op = await createOperation(resolve(import.meta.dirname, '..'), level, info);

// Warm-up: JIT, keep-alive sockets, caches of compiled schemas and documents.
for (let i = 0; i < Math.max(50, n / 4); i++) await op.run();
const cpu = process.cpuUsage();
const wall = performance.now();
for (let i = 0; i < n; i++) await op.run();
const used = process.cpuUsage(cpu);
const wallUs = ((performance.now() - wall) * 1000) / n;
console.log(
  JSON.stringify({ level, n, coalesce: process.env.UPSTREAM_COALESCE !== 'off', cpuUs: Math.round(((used.user + used.system) / n) * 10) / 10, wallUs: Math.round(wallUs * 10) / 10 }),
);
await op.close();
process.exit(0);
