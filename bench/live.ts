import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOCUMENTED_RPS } from '../src/config.js';
import type { ProviderKey } from '../src/model/provider.js';
import { buildGateway, gql, LISTENING, parseJsonLine, productionArgs, SandboxAdmin, startService, tsxArgs, WITHOUT_SHARED_STATE, type Service } from './lib.js';
import type { SandboxInfo } from './sandbox-process.js';

/*
 * Live changes (issue 20): how long a change takes to reach a subscriber, per source, and
 * what polling costs upstream. One gateway (the production build, live mode against the sandbox
 * process), one SSE subscriber in this process, one change at a time:
 *   - write: addComment through the gateway → its WRITE event;
 *   - webhook: a message from Moov's staff at the simulator → its signed webhook → the
 *     WEBHOOK event (Moov is not polled here);
 *   - out of band: a reply at HostUp's and a comment at Sonzai's REST API, behind the
 *     gateway's back → the POLL event, so it depends on CHANGES_POLL_MS;
 *   - polling cost: upstream calls counted by the simulators over an idle window (nothing
 *     but the pollers calls), per provider, per minute, against the documented limit.
 * Each change is made on a ticket of its own: a provider that keeps updatedAt in seconds
 * would make two changes of one ticket within a second one version (announced once).
 * Knobs: BENCH_LIVE_EVENTS (20 per source), BENCH_LIVE_POLL_MS (1000), BENCH_LIVE_IDLE_S (10).
 *
 * `npm run bench` runs it after its scenarios (bench/run.ts); `npm run bench:live` alone.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface LatencyRow {
  path: string;
  source: 'WRITE' | 'WEBHOOK' | 'POLL';
  events: number;
  p50: number;
  p99: number;
  max: number;
  /** What the latency depends on besides the gateway (the poll interval). */
  note?: string;
}

export interface PollingRow {
  provider: ProviderKey;
  pollMs: number;
  /** Upstream calls per minute measured over the idle window at `pollMs`. */
  callsPerMinute: number;
  /**
   * Calls of one idle round (one list call per source), to the nearest whole: the window cuts
   * a round at each end, so the plain ratio is off by a fraction.
   */
  callsPerRound: number;
  /** The same rounds at the default live interval (CHANGES_POLL_MS 30 000). */
  callsPerMinuteAtDefault: number;
  limitPerMinute: number;
  /** Share of the documented limit spent by polling at `pollMs`, in %. */
  shareOfLimit: number;
  /** The same at the default live interval, in %. */
  shareOfLimitAtDefault: number;
}

export interface LiveBenchResult {
  meta: { date: string; node: string; cpus: number; pollMs: number; eventsPerSource: number; idleSeconds: number; seconds: number; loadAverage: [number, number] };
  latency: LatencyRow[];
  polling: PollingRow[];
  skipped: string[];
}

const DEFAULT_LIVE_POLL_MS = 30_000;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const percentile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const CHANGES = 'subscription { ticketChanged { source kind ticket { id } } }';
type Heard = { source: string; kind: string; ticket: { id: string } };

/**
 * One SSE subscription to every change; `expect(source, ticketId)` returns a promise of the
 * moment (performance.now) the matching event arrived. Expect before acting: the event can
 * come before the action's own answer does.
 */
async function subscribe(url: string): Promise<{ expect(source: string, ticketId: string, timeoutMs: number): Promise<number>; close(): void }> {
  const waiting = new Map<string, { resolve: (at: number) => void; timer: NodeJS.Timeout }>();
  const controller = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query: CHANGES }),
    signal: controller.signal,
  });
  if (!response.body || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    throw new Error(`subscription refused: ${response.status} ${await response.text()}`);
  }
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        const at = performance.now();
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (/^event: (.*)$/m.exec(block)?.[1] !== 'next') continue;
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trimStart())
            .join('\n');
          const heard = (JSON.parse(data) as { data?: { ticketChanged?: Heard } }).data?.ticketChanged;
          if (!heard) continue;
          const key = `${heard.source}:${heard.ticket.id}`;
          const waiter = waiting.get(key);
          if (!waiter) continue;
          waiting.delete(key);
          clearTimeout(waiter.timer);
          waiter.resolve(at);
        }
      }
    } catch {
      // Aborted at the end of the run.
    }
  })();
  return {
    expect(source, ticketId, timeoutMs) {
      return new Promise<number>((resolve, reject) => {
        const key = `${source}:${ticketId}`;
        const timer = setTimeout(() => {
          waiting.delete(key);
          reject(new Error(`no ${source} event for ${ticketId} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(key, { resolve, timer });
      });
    },
    close: () => controller.abort(),
  };
}

async function ok(response: Response, what: string): Promise<void> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: ${response.status} ${text.slice(0, 200)}`);
}

export interface LiveBenchOptions {
  info: SandboxInfo;
  services: Service[];
  log: (message: string) => void;
  pollMs?: number;
  events?: number;
  idleSeconds?: number;
}

export async function runLiveBench(options: LiveBenchOptions): Promise<LiveBenchResult> {
  const { info, log } = options;
  const pollMs = options.pollMs ?? Number(process.env.BENCH_LIVE_POLL_MS ?? 1000);
  const events = options.events ?? Number(process.env.BENCH_LIVE_EVENTS ?? 20);
  const idleSeconds = options.idleSeconds ?? Number(process.env.BENCH_LIVE_IDLE_S ?? 10);
  const started = Date.now();
  const loadBefore = os.loadavg()[0] ?? 0;
  const skipped: string[] = [];
  const admin = new SandboxAdmin(info);
  const secret = randomBytes(24).toString('hex');

  // As production runs it (compiled, start:prod's flags); a no-op when bench/run.ts built already.
  buildGateway(root);
  const gateway = await startService<string>('ticketgraph (live)', process.execPath, productionArgs(root), {
    cwd: root,
    env: {
      ...info.env,
      ...WITHOUT_SHARED_STATE,
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      CHANGES_POLL_MS: String(pollMs),
      // Moov pushes: with its webhook secret set it is not polled (config.ts), so what is measured
      // for it is the webhook alone.
      MOOV_WEBHOOK_SECRET: secret,
    },
    ready: (line) => LISTENING.exec(line)?.[1],
  });
  options.services.push(gateway.service);
  const base = `http://127.0.0.1:${gateway.value}`;
  const url = `${base}/graphql`;
  const moov = info.providers.moov;
  await ok(
    await fetch(`${moov.url}/__sandbox/webhooks`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: `${base}/webhooks/moov`, secret }) }),
    'registering the Moov webhook',
  );

  const ticketsOf = async (provider: string, count: number) => {
    const answer = await gql(url, `query($p: [Provider!]) { tickets(first: 100, filter: { providers: $p, statuses: [OPEN, IN_PROGRESS, WAITING] }) { nodes { id providerId } } }`, {
      p: [provider],
    });
    if (answer.errors?.length) throw new Error(`${provider} tickets: ${answer.errors[0]?.message}`);
    const nodes = (answer.data as { tickets: { nodes: { id: string; providerId: string }[] } }).tickets.nodes;
    if (nodes.length < count) throw new Error(`${provider}: ${nodes.length} open tickets, ${count} needed`);
    return nodes.slice(0, count);
  };

  const subscription = await subscribe(url);
  const latency: LatencyRow[] = [];
  /**
   * Runs the changes one at a time, the first as warm-up; latency from just before the change
   * to the event. A polled change waits a random part of the interval first: made right after
   * the previous event (itself heard at the end of a round), every change would wait a full
   * interval, and the figure would be the worst case instead of the spread.
   */
  const series = async (
    row: Omit<LatencyRow, 'events' | 'p50' | 'p99' | 'max'>,
    tickets: { id: string; providerId: string }[],
    change: (t: { id: string; providerId: string }) => Promise<void>,
    timeoutMs: number,
  ) => {
    const samples: number[] = [];
    try {
      for (const [index, ticket] of tickets.entries()) {
        if (row.source === 'POLL') await sleep(Math.random() * pollMs);
        const heard = subscription.expect(row.source, ticket.id, timeoutMs);
        const before = performance.now();
        await change(ticket);
        const at = await heard;
        if (index > 0) samples.push(at - before);
      }
      latency.push({ ...row, events: samples.length, p50: round(percentile(samples, 0.5)), p99: round(percentile(samples, 0.99)), max: round(Math.max(...samples)) });
      log(`${row.path}: p50 ${round(percentile(samples, 0.5))} ms, p99 ${round(percentile(samples, 0.99))} ms over ${samples.length} events`);
    } catch (error) {
      skipped.push(`${row.path}: ${error instanceof Error ? error.message : String(error)}`);
      log(`${row.path}: skipped: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  // The first poll rounds only learn the current state: wait until every polled provider has had one.
  const polled = ['spacebring', 'hostup', 'zaia', 'sonzai'] as const;
  const rounds = async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    return Object.fromEntries(
      polled.map((p) => [p, Number(new RegExp(`^ticketgraph_live_polls_total\\{[^}]*provider="${p}"[^}]*outcome="ok"[^}]*\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0)]),
    );
  };
  for (let i = 0; i < 100 && Object.values(await rounds()).some((n) => n === 0); i++) await sleep(100);

  const hostup = await ticketsOf('HOSTUP', 2 * events + 2);
  await series(
    { path: 'write (addComment) → subscriber', source: 'WRITE' },
    hostup.slice(0, events + 1),
    async (t) => {
      const answer = await gql(url, 'mutation($input: AddCommentInput!) { addComment(input: $input) { ticket { id } } }', {
        input: { ticketId: t.id, body: 'bench: written through ticketgraph' },
      });
      if (answer.errors?.length) throw new Error(answer.errors[0]?.message);
    },
    10_000,
  );

  const moovTickets = await ticketsOf('MOOV', events + 1);
  await series(
    { path: 'Moov change → webhook → subscriber', source: 'WEBHOOK' },
    moovTickets,
    async (t) => {
      const [account, id] = t.providerId.split('/') as [string, string];
      await ok(
        await fetch(`${moov.url}/__sandbox/tickets/${encodeURIComponent(account)}/${encodeURIComponent(id)}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ body: 'bench: a message from Moov staff' }),
        }),
        'Moov staff message',
      );
    },
    10_000,
  );

  // Out of band: half the events at HostUp, half at Sonzai, each at the provider's own REST API.
  const oob = Math.max(1, Math.ceil(events / 2));
  const pollNote = `CHANGES_POLL_MS=${pollMs}`;
  await series(
    { path: 'HostUp reply at its REST API → poll → subscriber', source: 'POLL', note: pollNote },
    hostup.slice(events + 1, events + 2 + oob),
    async (t) => {
      await ok(
        await fetch(`${info.providers.hostup.baseUrl}/api/v2/support/tickets/${encodeURIComponent(t.providerId)}/messages`, {
          method: 'POST',
          headers: { ...info.providers.hostup.headers, 'content-type': 'application/json' },
          body: JSON.stringify({ message: 'bench: a reply behind the gateway’s back' }),
        }),
        'HostUp reply',
      );
    },
    pollMs * 3 + 10_000,
  );
  const sonzai = await ticketsOf('SONZAI', oob + 1);
  await series(
    { path: 'Sonzai comment at its REST API → poll → subscriber', source: 'POLL', note: pollNote },
    sonzai,
    async (t) => {
      await ok(
        await fetch(`${info.providers.sonzai.baseUrl}/support/tickets/${encodeURIComponent(t.providerId)}/comments`, {
          method: 'POST',
          headers: { ...info.providers.sonzai.headers, 'content-type': 'application/json' },
          body: JSON.stringify({ content: 'bench: a comment behind the gateway’s back' }),
        }),
        'Sonzai comment',
      );
    },
    pollMs * 3 + 10_000,
  );
  subscription.close();

  // Polling cost: nothing but the pollers calls upstream during the idle window.
  await sleep(pollMs);
  await admin.reset();
  const before = await rounds();
  await sleep(idleSeconds * 1000);
  const counts = await admin.counts();
  const after = await rounds();
  const polling: PollingRow[] = (['spacebring', 'moov', 'hostup', 'zaia', 'sonzai'] as const).map((provider) => {
    const calls = Object.values(counts[provider] ?? {}).reduce((a, b) => a + b, 0);
    const perMinute = (calls * 60) / idleSeconds;
    const done = provider === 'moov' ? 0 : (after[provider] ?? 0) - (before[provider] ?? 0);
    const perRound = done > 0 ? Math.round(calls / done) : 0;
    const limitPerMinute = DOCUMENTED_RPS[provider] * 60;
    const atDefault = provider === 'moov' ? 0 : (perRound * 60_000) / DEFAULT_LIVE_POLL_MS;
    return {
      provider,
      pollMs: provider === 'moov' ? 0 : pollMs,
      callsPerMinute: round(perMinute),
      callsPerRound: perRound,
      callsPerMinuteAtDefault: round(atDefault),
      limitPerMinute,
      shareOfLimit: round((perMinute / limitPerMinute) * 100, 2),
      shareOfLimitAtDefault: round((atDefault / limitPerMinute) * 100, 2),
    };
  });
  await gateway.service.stop();

  const result: LiveBenchResult = {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      pollMs,
      eventsPerSource: events,
      idleSeconds,
      seconds: Math.round((Date.now() - started) / 1000),
      loadAverage: [round(loadBefore), round(os.loadavg()[0] ?? 0)],
    },
    latency,
    polling,
    skipped,
  };
  writeFileSync(join(root, 'bench', 'live-results.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

export function liveTables(result: LiveBenchResult): string {
  const latency = [
    '| change → subscriber | source | events | p50 ms | p99 ms | max ms |',
    '|---|---|---:|---:|---:|---:|',
    ...result.latency.map((r) => `| ${r.path}${r.note ? ` (${r.note})` : ''} | ${r.source} | ${r.events} | ${r.p50} | ${r.p99} | ${r.max} |`),
  ];
  const polling = [
    `| provider | documented limit / min | calls / round | every ${result.meta.pollMs} ms: calls / min (measured) | share of limit | every 30 s (live default): calls / min | share of limit |`,
    '|---|---:|---:|---:|---:|---:|---:|',
    ...result.polling.map((r) =>
      r.pollMs === 0
        ? `| ${r.provider} (webhook, not polled) | ${r.limitPerMinute} | – | ${r.callsPerMinute} | ${r.shareOfLimit} % | – | – |`
        : `| ${r.provider} | ${r.limitPerMinute} | ${r.callsPerRound} | ${r.callsPerMinute} | ${r.shareOfLimit} % | ${r.callsPerMinuteAtDefault} | ${r.shareOfLimitAtDefault} % |`,
    ),
  ];
  const { meta } = result;
  return [
    ...latency,
    '',
    ...polling,
    '',
    `${meta.eventsPerSource} events per source (one at a time, one SSE subscriber, the first of each series not counted), CHANGES_POLL_MS=${meta.pollMs}, ${meta.idleSeconds} s idle window for the polling cost; ${meta.seconds} s, ${meta.cpus} cores, load average ${meta.loadAverage.join(' → ')}. Written to bench/live-results.json.`,
    ...(result.skipped.length ? ['Skipped:', ...result.skipped.map((s) => `- ${s}`)] : []),
  ].join('\n');
}

// `npm run bench:live`: the live part alone, with a sandbox process of its own.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const services: Service[] = [];
  const log = (message: string) => console.error(`bench live: ${message}`);
  const watchdog = setTimeout(() => {
    console.error('bench live: watchdog: still running after 120 s, giving up');
    process.exit(1);
  }, 120_000);
  (async () => {
    const sandbox = await startService<SandboxInfo>('sandbox', process.execPath, tsxArgs('bench/sandbox-process.ts', '--tickets', '300'), {
      cwd: root,
      ready: (line) => parseJsonLine<SandboxInfo>(line),
    });
    services.push(sandbox.service);
    const result = await runLiveBench({ info: sandbox.value, services, log });
    console.log(liveTables(result));
  })()
    .then(async () => {
      for (const service of services.reverse()) await service.stop();
      clearTimeout(watchdog);
      process.exit(0);
    })
    .catch(async (error: unknown) => {
      console.error('bench live: failed:', error instanceof Error ? error.message : error);
      for (const service of services.reverse()) await service.stop().catch(() => undefined);
      process.exit(1);
    });
}
