import { Agent, request } from 'node:http';
import { sampleRss, type Row, type SandboxAdmin } from './lib.js';
import { FEED_DEFERRED_QUERY, FEED_QUERY } from './queries.js';

/*
 * Scenario 5 of `npm run bench` (issue 15): the feed with its timelines under @defer, over
 * multipart/mixed, against the eager feed on the same gateway in the same run. A deferred
 * response is timed twice: when its first part (the ticket list) has fully arrived, and when
 * the response ends (the last timeline); the eager one when it ends. Requests alternate
 * deferred / eager, so both meet the same machine load and the same coalescing partners.
 * autocannon sees whole responses only, hence node:http here, counting parts as they arrive.
 */

type Kind = 'deferred' | 'eager';

interface Sample {
  firstMs: number;
  lastMs: number;
  parts: number;
}

interface Received extends Sample {
  /** The JSON text of each part (kept only when asked: checking costs time the samples must not carry). */
  texts: string[];
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** One request; resolves when the response has ended. Parts are delimited by their Content-Length (graphql-yoga sends one per part). */
function timeOne(url: string, kind: Kind, first: number, agent: Agent, keepTexts = false): Promise<Received> {
  const body = JSON.stringify({ query: kind === 'deferred' ? FEED_DEFERRED_QUERY : FEED_QUERY, variables: { first } });
  const accept = kind === 'deferred' ? 'multipart/mixed' : 'application/json';
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', accept, 'content-length': Buffer.byteLength(body) } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`HTTP ${res.statusCode}`));
        return;
      }
      const multipart = (res.headers['content-type'] ?? '').startsWith('multipart/mixed');
      if (kind === 'deferred' && !multipart) {
        res.resume();
        reject(new Error(`expected multipart/mixed, got ${res.headers['content-type']}`));
        return;
      }
      let buffer: Buffer = Buffer.alloc(0);
      let firstMs = NaN;
      let parts = 0;
      const texts: string[] = [];
      const whole: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        if (!multipart) {
          if (keepTexts) whole.push(chunk);
          return;
        }
        buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
        for (;;) {
          const headerEnd = buffer.indexOf(HEADER_END);
          if (headerEnd < 0) break;
          const length = /content-length:\s*(\d+)/i.exec(buffer.subarray(0, headerEnd).toString('latin1'))?.[1];
          if (length === undefined) break;
          const start = headerEnd + HEADER_END.length;
          const end = start + Number(length);
          if (buffer.length < end) break;
          if (parts === 0) firstMs = elapsed();
          parts++;
          if (keepTexts) texts.push(buffer.subarray(start, end).toString('utf8'));
          buffer = buffer.subarray(end);
        }
      });
      res.on('end', () => {
        const lastMs = elapsed();
        if (!multipart) resolve({ firstMs: lastMs, lastMs, parts: 1, texts: keepTexts ? [Buffer.concat(whole).toString('utf8')] : [] });
        else if (parts === 0) reject(new Error('multipart response without a part'));
        else resolve({ firstMs, lastMs, parts, texts });
      });
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('no answer in 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

interface Payload {
  data?: { tickets?: { edges?: { node: Record<string, unknown> }[] } } | null;
  errors?: { message: string }[];
  incremental?: { data?: Record<string, unknown> | null; path: (string | number)[]; errors?: { message: string }[] }[];
  hasNext?: boolean;
}

/** The deferred answer is the eager one split in parts: the list first (no timelines), then one timeline per ticket. */
async function check(url: string, first: number, agent: Agent): Promise<void> {
  const deferred = (await timeOne(url, 'deferred', first, agent, true)).texts.map((text) => JSON.parse(text) as Payload);
  const [head, ...rest] = deferred;
  const edges = head?.data?.tickets?.edges ?? [];
  if (head?.errors?.length) throw new Error(`deferred: ${head.errors[0]?.message}`);
  if (edges.length !== first) throw new Error(`deferred: first part has ${edges.length} edges, expected ${first}`);
  if (edges.some((edge) => 'activities' in edge.node)) throw new Error('deferred: the first part already carries timelines');
  if (head?.hasNext !== true || rest.at(-1)?.hasNext !== false) throw new Error('deferred: expected hasNext true first and false last');
  const increments = rest.flatMap((payload) => payload.incremental ?? []);
  const failed = increments.find((part) => part.errors?.length);
  if (failed) throw new Error(`deferred: a timeline part failed: ${failed.errors?.[0]?.message}`);
  const timelines = increments.filter((part) => part.data && 'activities' in part.data).length;
  if (timelines !== first) throw new Error(`deferred: ${timelines} timelines arrived, expected ${first}`);
  const eager = JSON.parse((await timeOne(url, 'eager', first, agent, true)).texts[0] ?? '{}') as Payload;
  if (eager.errors?.length) throw new Error(`eager: ${eager.errors[0]?.message}`);
}

interface RunResult {
  samples: Record<Kind, Sample[]>;
  errors: number;
  seconds: number;
}

/**
 * `workers` clients, each alternating deferred and eager (half of them starting with each),
 * until `seconds` pass or each has sent `maxPairs` pairs.
 */
async function run(url: string, first: number, workers: number, seconds: number, maxPairs = Infinity): Promise<RunResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: workers });
  const samples: Record<Kind, Sample[]> = { deferred: [], eager: [] };
  let errors = 0;
  const started = Date.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      const order: Kind[] = worker % 2 === 0 ? ['deferred', 'eager'] : ['eager', 'deferred'];
      for (let pair = 0; pair < maxPairs && Date.now() < end; pair++) {
        for (const kind of order) {
          try {
            const { firstMs, lastMs, parts } = await timeOne(url, kind, first, agent);
            samples[kind].push({ firstMs, lastMs, parts });
          } catch {
            errors++;
          }
        }
      }
    }),
  );
  agent.destroy();
  return { samples, errors, seconds: (Date.now() - started) / 1000 };
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const value = sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return Math.round(value * 1000) / 1000;
}

export interface DeferredOptions {
  /** The gateway's /graphql URL. */
  url: string;
  /** The gateway's pid, for its RSS. */
  pid?: number | undefined;
  admin: SandboxAdmin;
  /** Waits until the sandbox counters stop moving (run.ts's settle). */
  settle: (admin: SandboxAdmin) => Promise<void>;
  first: number;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** Pairs (one deferred, one eager) of the concurrency-1 run. */
  sequentialPairs: number;
}

export interface DeferredResult {
  rows: Row[];
  /** One line for the bench's summary. */
  summary: string;
}

export async function measureDeferredFeed(options: DeferredOptions): Promise<DeferredResult> {
  const { url, admin, first } = options;
  const probe = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await check(url, first, probe);
    await options.settle(admin);
    // Upstream calls of one request of each kind: the deferred timelines must batch as the eager ones do.
    const callsOf = async (kind: Kind) => {
      await admin.reset();
      await timeOne(url, kind, first, probe);
      return admin.total();
    };
    const calls: Record<Kind, number> = { deferred: await callsOf('deferred'), eager: await callsOf('eager') };

    if (options.warmupSeconds > 0) await run(url, first, options.connections, options.warmupSeconds);
    await options.settle(admin);
    await admin.reset();
    const stopRss = sampleRss(options.pid);
    const loaded = await run(url, first, options.connections, options.seconds);
    const rssPeakMb = stopRss();
    const upstreamDuringRun = await admin.total();
    await options.settle(admin);
    await admin.reset();
    // One client, one request at a time; bounded in time as well as in pairs, for the bench's watchdog.
    const sequential = await run(url, first, 1, Math.max(4, options.seconds * 2), options.sequentialPairs);
    const upstreamDuringSequential = await admin.total();

    const scenario = (concurrency: number) =>
      concurrency === 1 ? `5. = 2 with activities under @defer (multipart/mixed), concurrency 1` : `5. = 2 with activities under @defer (multipart/mixed)`;
    const rowsOf = (result: RunResult, concurrency: number, during: number, rss: number | null): Row[] => {
      const { deferred, eager } = result.samples;
      const meanParts = deferred.length ? Math.round((deferred.reduce((sum, s) => sum + s.parts, 0) / deferred.length) * 10) / 10 : 0;
      const common = { upstreamDuringRun: during, rssPeakMb: rss === null ? null : Math.round(rss), errors: result.errors, non2xx: 0 };
      const note = `deferred and eager requests alternate on ${concurrency} connection${concurrency === 1 ? '' : 's'}; ${meanParts} parts per deferred response; upstreamDuringRun counts both kinds`;
      const row = (implementation: string, samples: Sample[], ms: (sample: Sample) => number, upstream: number): Row => ({
        scenario: scenario(concurrency),
        implementation,
        rps: Math.round(samples.length / result.seconds),
        p50: percentile(samples.map(ms), 0.5),
        p99: percentile(samples.map(ms), 0.99),
        upstreamPerRequest: upstream,
        requests: samples.length,
        ...common,
        note,
      });
      return [
        row('ticketgraph, @defer: first part', deferred, (s) => s.firstMs, calls.deferred),
        row('ticketgraph, @defer: last part', deferred, (s) => s.lastMs, calls.deferred),
        row('ticketgraph, eager (same run)', eager, (s) => s.lastMs, calls.eager),
      ];
    };
    const rows = [...rowsOf(loaded, options.connections, upstreamDuringRun, rssPeakMb), ...rowsOf(sequential, 1, upstreamDuringSequential, null)];
    const [firstLoaded, lastLoaded, eagerLoaded, firstSerial, lastSerial, eagerSerial] = rows;
    const summary =
      `@defer feed (first: ${first}): first part p50 ${firstLoaded?.p50} ms, last part ${lastLoaded?.p50} ms, eager ${eagerLoaded?.p50} ms at ${options.connections} connections; ` +
      `${firstSerial?.p50} / ${lastSerial?.p50} / ${eagerSerial?.p50} ms at concurrency 1 (${firstSerial?.requests} pairs); upstream calls ${calls.deferred} deferred, ${calls.eager} eager`;
    return { rows, summary };
  } finally {
    probe.destroy();
  }
}
