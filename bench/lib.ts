import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import type { SandboxInfo } from './sandbox-process.js';

/** Every child of the bench, killed on exit whatever happens. */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.pid) child.kill('SIGKILL');
});

export interface Service {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Output lines, kept for error messages. */
  log: string[];
  stop(): Promise<void>;
}

/**
 * Starts a process and waits (bounded) for a stdout line that `ready` accepts; returns its
 * value. stdin stays a pipe, so a child that watches it exits when the bench dies.
 */
export async function startService<T>(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number; ready: (line: string) => T | undefined },
): Promise<{ service: Service; value: T }> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  const log: string[] = [];
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    children.delete(child);
  };
  const service: Service = { name, child, pid: child.pid ?? -1, log, stop };
  createInterface({ input: child.stderr! }).on('line', (line) => log.push(line));
  const value = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: not ready after ${options.timeoutMs ?? 30_000} ms\n${log.slice(-20).join('\n')}`)), options.timeoutMs ?? 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name}: exited with ${code} before it was ready\n${log.slice(-20).join('\n')}`));
    });
    let done = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log.push(line);
      if (done) return;
      let accepted: T | undefined;
      try {
        accepted = options.ready(line);
      } catch {
        accepted = undefined;
      }
      if (accepted !== undefined) {
        done = true;
        clearTimeout(timer);
        resolve(accepted);
      }
    });
  });
  return { service, value };
}

/** The line main.ts prints once it listens, whatever LOG_LEVEL says: its port. */
export const LISTENING = /ticketgraph: listening on http:\/\/[^:]+:(\d+)\/graphql/;

/** `node --import tsx <file>`: the process itself, so its pid is the one whose memory we read. */
export const tsxArgs = (file: string, ...rest: string[]) => ['--import', 'tsx', file, ...rest];

/**
 * `npm run build`, once per bench process: the gateway is measured as production runs it,
 * compiled (tsx holds about 100 MB more and compiles on load).
 */
let built = false;
export function buildGateway(cwd = process.cwd()): void {
  if (built) return;
  execFileSync('npm', ['run', '--silent', 'build'], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  built = true;
}

/**
 * The node arguments of `npm run start:prod` (package.json), so the bench and the soak
 * start the gateway exactly as production does, heap flags included, as the node process
 * itself (its pid is the one whose memory is sampled, which `npm run` would hide).
 */
export function productionArgs(cwd = process.cwd()): string[] {
  const scripts = (JSON.parse(readFileSync(`${cwd}/package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;
  const [command, ...args] = (scripts['start:prod'] ?? '').trim().split(/\s+/);
  if (command !== 'node' || args.length === 0) throw new Error(`package.json: start:prod must be "node [flags] <entry>", is ${JSON.stringify(scripts['start:prod'])}`);
  return args;
}

export function parseJsonLine<T>(line: string): T | undefined {
  return line.startsWith('{') ? (JSON.parse(line) as T) : undefined;
}

/** Resident memory of a process, from /proc (MB). */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** Samples VmRSS every `everyMs` until stopped; returns the largest sample (MB). */
export function sampleRss(pid: number | undefined, everyMs = 100): () => number | null {
  if (!pid) return () => null;
  let peak = memoryOf(pid)?.rssMb ?? 0;
  const timer = setInterval(() => {
    const m = memoryOf(pid);
    if (m && m.rssMb > peak) peak = m.rssMb;
  }, everyMs);
  return () => {
    clearInterval(timer);
    const m = memoryOf(pid);
    return Math.max(peak, m?.rssMb ?? 0);
  };
}

/** The simulators' admin APIs: request counters and fault knobs. */
export class SandboxAdmin {
  constructor(readonly info: SandboxInfo) {}
  #urls() {
    return Object.values(this.info.providers).map((p) => p.url);
  }
  async reset(): Promise<void> {
    await Promise.all(this.#urls().map((url) => fetch(`${url}/__sandbox/requests`, { method: 'DELETE' }).then((r) => r.arrayBuffer())));
  }
  async counts(): Promise<Record<string, Record<string, number>>> {
    const entries = await Promise.all(
      Object.entries(this.info.providers).map(async ([key, p]) => {
        const body = (await (await fetch(`${p.url}/__sandbox/requests`)).json()) as { byOperation: Record<string, number> };
        return [key, body.byOperation] as const;
      }),
    );
    return Object.fromEntries(entries);
  }
  async total(): Promise<number> {
    const counts = await this.counts();
    return Object.values(counts).reduce((sum, ops) => sum + Object.values(ops).reduce((a, b) => a + b, 0), 0);
  }
  async setFault(provider: keyof SandboxInfo['providers'], fault: Record<string, unknown>): Promise<void> {
    const url = this.info.providers[provider].url;
    await fetch(`${url}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) }).then((r) => r.arrayBuffer());
  }
  async setFaults(fault: Record<string, unknown>): Promise<void> {
    await Promise.all(
      this.#urls().map((url) =>
        fetch(`${url}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) }).then((r) => r.arrayBuffer()),
      ),
    );
  }
}

export interface GraphQLResponse {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export async function gql(url: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  try {
    return JSON.parse(text) as GraphQLResponse;
  } catch {
    throw new Error(`${url} answered ${response.status}: ${text.slice(0, 200)}`);
  }
}

/**
 * The floor of any client: one GET over node:http on the given keep-alive agent, the body
 * read whole and parsed with `JSON.parse` (bench/upstream-call.ts and bench/ky-cost.ts).
 */
export function rawGet(agent: Agent, url: URL, headers: Record<string, string>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, hostname: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** One HTTP request of a load run. */
export interface Target {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export const graphqlTarget = (url: string, query: string, variables: Record<string, unknown>): Target => ({
  url,
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json' },
  body: JSON.stringify({ query, variables }),
});

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** An autocannon run bounded in time. */
export async function load(target: Target, connections: number, durationSeconds: number): Promise<LoadResult> {
  const result = await autocannon({
    url: target.url,
    method: target.method,
    headers: target.headers,
    body: target.body,
    connections,
    duration: durationSeconds,
    timeout: 10,
  });
  return {
    requests: result['2xx'],
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/** One client's requests, one at a time, for `seconds`: each latency in ms, and the failures. */
async function serialWindow(target: Target, seconds: number, agent: Agent): Promise<{ latencies: number[]; errors: number }> {
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const started = process.hrtime.bigint();
      const req = request(target.url, { method: target.method, headers: target.headers, agent }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => (res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - started) / 1e6) : reject(new Error(`HTTP ${res.statusCode}`))));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(target.body);
    });
  const latencies: number[] = [];
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    try {
      latencies.push(await once());
    } catch {
      errors++;
    }
  }
  return { latencies, errors };
}

function serialResult(latencies: number[], errors: number, seconds: number): LoadResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN) * 1000) / 1000;
  return { requests: sorted.length, rps: sorted.length / seconds, p50: at(0.5), p99: at(0.99), errors, non2xx: 0 };
}

/**
 * One client, one request at a time, for `seconds`: latency with microsecond resolution
 * (autocannon rounds to whole milliseconds, and the floor's p50 is below one).
 */
export async function sequential(target: Target, seconds: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const { latencies, errors } = await serialWindow(target, seconds, agent);
  agent.destroy();
  return serialResult(latencies, errors, seconds);
}

/**
 * The one-client measure of several servers running side by side: windows of `windowSeconds`
 * given to each in turn (the order rotated every round), `rounds` times, each server's
 * latencies pooled over its windows. Measured one after the other, each server meets
 * whatever the machine is doing in its own few seconds (this shared machine's speed drifted
 * ×2.5 within an hour); rotated, a slow spell falls on all of them. Within a window the
 * requests go to one server only, after a fifth of a window not counted, so its caches are
 * as warm as in a run of its own.
 */
export async function sequentialRotated(targets: ReadonlyArray<{ name: string; target: Target }>, windowSeconds: number, rounds: number): Promise<Map<string, LoadResult>> {
  const agents = targets.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
  const pooled = targets.map(() => ({ latencies: [] as number[], errors: 0 }));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < targets.length; i++) {
      const k = (i + round) % targets.length;
      // A server that idled while the others had their windows first gets its caches back.
      await serialWindow(targets[k]!.target, windowSeconds / 5, agents[k]!);
      const window = await serialWindow(targets[k]!.target, windowSeconds, agents[k]!);
      pooled[k]!.latencies.push(...window.latencies);
      pooled[k]!.errors += window.errors;
    }
  }
  for (const agent of agents) agent.destroy();
  return new Map(targets.map(({ name }, k) => [name, serialResult(pooled[k]!.latencies, pooled[k]!.errors, windowSeconds * rounds)]));
}

/**
 * Read cache and rate pacing off (issue 19): the scenarios repeat one request, which a
 * cache would answer from memory, and the sandbox limits nothing unless told; they measure
 * the gateway's own path. The shared-state scenario turns both on.
 */
export const WITHOUT_SHARED_STATE: Record<string, string> = {
  CACHE_TTL_MS: '0',
  // Polling for live changes would add upstream calls the scenarios do not make.
  CHANGES_POLL_MS: '0',
  SPACEBRING_MAX_RPS: '0',
  MOOV_MAX_RPS: '0',
  HOSTUP_MAX_RPS: '0',
  ZAIA_MAX_RPS: '0',
  SONZAI_MAX_RPS: '0',
};

/** One line of the bench's table and of bench/results.json. */
export interface Row {
  scenario: string;
  implementation: string;
  rps: number;
  p50: number;
  p99: number;
  /** Upstream calls of one request (counters reset, one request, read). */
  upstreamPerRequest: number | null;
  /**
   * Upstream calls counted during the measured run, and requests answered. Their ratio
   * over-counts a little: the calls of requests still in flight when the run stops count too.
   * Null where the run shares the sandbox with other servers (the side-by-side measure).
   */
  upstreamDuringRun: number | null;
  rssPeakMb: number | null;
  requests: number;
  errors: number;
  non2xx: number;
  note?: string;
}
