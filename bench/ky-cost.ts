import { execFile } from 'node:child_process';
import { Agent } from 'node:http';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import ky from 'ky';
import { z } from 'zod';
import { createProviderHttp } from '../src/upstream/http.js';
import { createNodeHttpSend } from '../src/upstream/transport.js';
import { parseJsonLine, rawGet, startService, tsxArgs } from './lib.js';
import type { SandboxInfo } from './sandbox-process.js';

/*
 * What ky costs per upstream call where it runs: over real sockets, one call at a time,
 * in a process of its own per mode (issue 18). In a tight loop over an in-memory answer a ky
 * call costs ~60 µs; over the network the objects of each call outlive young-generation
 * collections, so the same call costs several times that in CPU and garbage collection.
 * Each mode makes the same HostUp `getTicket` GET through the same node:http transport:
 *
 *   raw             node:http GET on a keep-alive agent + JSON.parse: the floor, no transport
 *   request         one `new Request(url)` per call, handed to the transport
 *   request+signal  the same Request following an AbortSignal (ky always gives it one: its
 *                   own AbortController's), which undici follows with a WeakRef and a
 *                   FinalizationRegistry entry per Request
 *   ky              the transport under ky, as http.ts uses it (answer from beforeRequest)
 *   http.ts         createProviderHttp().call(): ky plus the deadline, retries and parsing
 *
 *   tsx bench/ky-cost.ts [rounds=3] [calls=3000]
 *
 * Prints per mode the medians of CPU µs per call (process.cpuUsage, all threads) and of
 * the bytes promoted per young-generation collection (V8's --trace-gc-nvp).
 */

const MODES = ['raw', 'request', 'request+signal', 'ky', 'http.ts'] as const;
type Mode = (typeof MODES)[number];

async function child(mode: Mode, calls: number): Promise<void> {
  const info = JSON.parse(process.env.SANDBOX_INFO ?? '') as SandboxInfo;
  const hostup = info.providers.hostup;
  const base = hostup.baseUrl.replace(/\/+$/, '');
  const list = (await (await fetch(`${base}/api/v2/support/tickets?limit=1`, { headers: hostup.headers })).json()) as { data?: { id: string }[] };
  const id = list.data?.[0]?.id;
  if (!id) throw new Error('the sandbox has no HostUp ticket');
  const path = `api/v2/support/tickets/${encodeURIComponent(id)}`;
  const url = `${base}/${path}`;
  const headers = hostup.headers;
  const send = createNodeHttpSend();
  const client = ky.create({ timeout: false, retry: 0, hooks: { beforeRequest: [(request) => send(request, { headers, timeoutMs: 5000 })] } });
  const http = createProviderHttp({
    provider: 'hostup',
    baseUrl: base,
    settings: { timeoutMs: 5000, deadlineMs: 10_000, retryLimit: 2, maxRetryAfterMs: 5000, backoffLimitMs: 2000 },
    authorize: (h) => Object.entries(headers).forEach(([name, value]) => h.set(name, value)),
  });
  const agent = new Agent({ keepAlive: true });
  const target = new URL(url);
  const raw = () => rawGet(agent, target, headers);
  const ops: Record<Mode, () => Promise<unknown>> = {
    raw,
    request: async () => (await send(new Request(url), { headers, timeoutMs: 5000 })).text(),
    'request+signal': async () => (await send(new Request(url, { signal: new AbortController().signal }), { headers, timeoutMs: 5000 })).text(),
    ky: async () => (await client(url)).text(),
    'http.ts': () => http.call({ operation: 'getTicket', path, schema: z.unknown() }),
  };
  const op = ops[mode];
  for (let i = 0; i < Math.max(500, calls / 4); i++) await op();
  const before = process.cpuUsage();
  for (let i = 0; i < calls; i++) await op();
  const used = process.cpuUsage(before);
  console.log(JSON.stringify({ mode, cpuUs: Math.round(((used.user + used.system) / calls) * 10) / 10 }));
  process.exit(0);
}

async function driver(rounds: number, calls: number): Promise<void> {
  const run = promisify(execFile);
  const root = resolve(import.meta.dirname, '..');
  const sandbox = await startService<SandboxInfo>('sandbox', process.execPath, tsxArgs('bench/sandbox-process.ts', '--tickets', '300'), {
    cwd: root,
    ready: (line) => parseJsonLine<SandboxInfo>(line),
  });
  const results = new Map<Mode, { cpu: number[]; promoted: number[] }>(MODES.map((mode) => [mode, { cpu: [], promoted: [] }]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? MODES : [...MODES].reverse();
    for (const mode of order) {
      const { stdout } = await run(process.execPath, ['--trace-gc-nvp', ...tsxArgs('bench/ky-cost.ts', '--child', mode, String(calls))], {
        cwd: root,
        env: { ...process.env, SANDBOX_INFO: JSON.stringify(sandbox.value) },
        maxBuffer: 64 << 20,
      });
      const lines = stdout.trim().split('\n');
      const result = parseJsonLine<{ cpuUs: number }>(lines.findLast((line) => line.startsWith('{')) ?? '');
      if (!result) throw new Error(`${mode}: no result`);
      // The young-generation collections of the measured loop (the last half of them, past start-up and warm-up).
      const scavenges = lines.filter((line) => line.includes('gc=s ')).map((line) => Number(/promoted=(\d+)/.exec(line)?.[1] ?? NaN));
      const promoted = median(scavenges.slice(Math.floor(scavenges.length / 2)));
      const entry = results.get(mode)!;
      entry.cpu.push(result.cpuUs);
      entry.promoted.push(promoted);
      console.error(`round ${round + 1} ${mode}: ${result.cpuUs} µs CPU per call, ${Math.round(promoted / 1024)} KB promoted per scavenge`);
    }
  }
  await sandbox.service.stop();
  console.log('| mode | CPU µs per call (median) | KB promoted per young-generation GC (median) |\n|---|---:|---:|');
  for (const [mode, { cpu, promoted }] of results) console.log(`| ${mode} | ${median(cpu)} | ${Math.round(median(promoted) / 1024)} |`);
  process.exit(0);
}

function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : (sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN);
}

if (process.argv[2] === '--child') await child(process.argv[3] as Mode, Number(process.argv[4] ?? 3000));
else await driver(Number(process.argv[2] ?? 3), Number(process.argv[3] ?? 3000));
