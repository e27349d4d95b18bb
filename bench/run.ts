import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  gql,
  graphqlTarget,
  LISTENING,
  type Row,
  load,
  memoryOf,
  parseJsonLine,
  sampleRss,
  SandboxAdmin,
  sequential,
  sequentialRotated,
  buildGateway,
  productionArgs,
  startService,
  tsxArgs,
  type Service,
  type Target,
  WITHOUT_SHARED_STATE,
} from './lib.js';
import { liveTables, runLiveBench, type LiveBenchResult } from './live.js';
import { ENTITIES_QUERY, FEED_QUERY, TICKET_QUERY } from './queries.js';
import { measureDeferredFeed } from './deferred.js';
import type { SandboxInfo } from './sandbox-process.js';

/*
 * `npm run bench` (issue 8). The sandbox, the gateway and each reference run as separate
 * processes on loopback; autocannon runs here. Every run is bounded in time and the whole
 * bench by a watchdog. Knobs (environment):
 *   BENCH_DURATION   seconds per measured run (6)       BENCH_WARMUP   seconds of warm-up (2)
 *   BENCH_CONNECTIONS concurrent connections (10)        BENCH_TICKETS  sandbox tickets per provider (300)
 *   BENCH_DEFER_PAIRS deferred + eager pairs of scenario 5 at concurrency 1 (40)
 *   BENCH_ONLY       comma list of implementations: ticketgraph,floor,ceiling,apollo-rest,mesh,live
 *   (live: event latency and polling cost, bench/live.ts, with its own BENCH_LIVE_* knobs)
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'bench');
const DURATION = Number(process.env.BENCH_DURATION ?? 6);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const TICKETS = Number(process.env.BENCH_TICKETS ?? 300);
const ONLY = process.env.BENCH_ONLY?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const LATENCY_MS = 5;
// Scenarios 1–5, the references and the live-changes part: about five minutes on 2 cores.
const WATCHDOG_MS = 480_000;
const execFileAsync = promisify(execFile);

/** Time spent building the gateway and installing peers on first use: not part of the run the watchdog bounds. */
let installMs = 0;
const benchStart = Date.now();
const watchdog = setInterval(() => {
  if (Date.now() - benchStart - installMs < WATCHDOG_MS) return;
  console.error(`bench: watchdog: still running after ${WATCHDOG_MS / 1000} s (peer installs not counted), giving up`);
  process.exit(1);
}, 1000);

const scenarios = {
  ticket: '1. ticket(id) + requester',
  ticketSerial: '1. ticket(id) + requester, concurrency 1',
  feed: '2. tickets(first: 50) + assignee, tags, activities(first: 5)',
  entities: '3. _entities × 100 Tickets',
  feedLatency: `4. = 2, upstream +${LATENCY_MS} ms per call`,
} as const;
type ScenarioKey = keyof typeof scenarios;
/** Scenario 1 at concurrency 1 measured again with the servers side by side (lib.ts, sequentialRotated). */
const SIDE_BY_SIDE = `${scenarios.ticketSerial}, side by side (1 s windows rotated)`;

interface Implementation {
  name: string;
  /** Process whose memory is sampled. */
  pid?: number;
  targets: Partial<Record<ScenarioKey, Target>>;
  /** Checks one answer before it is measured; returns a problem or null. */
  check(scenario: ScenarioKey, body: string): string | null;
  note?: string;
}

const rows: Row[] = [];
const skipped: string[] = [];
const services: Service[] = [];
const log = (message: string) => console.error(`bench: ${message}`);
const want = (name: string) => !ONLY || ONLY.includes(name);

async function send(target: Target): Promise<string> {
  const response = await fetch(target.url, { method: target.method, headers: target.headers, body: target.body, signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${target.url} answered ${response.status}: ${text.slice(0, 300)}`);
  return text;
}

function graphqlCheck(expect: Partial<Record<ScenarioKey, (data: any) => string | null>>) {
  return (scenario: ScenarioKey, body: string): string | null => {
    const parsed = JSON.parse(body) as { data?: unknown; errors?: Array<{ message: string }> };
    if (parsed.errors?.length)
      return `errors: ${parsed.errors
        .map((e) => e.message)
        .slice(0, 3)
        .join('; ')}`;
    return expect[scenario]?.(parsed.data) ?? null;
  };
}

async function measure(impl: Implementation, scenario: ScenarioKey, admin: SandboxAdmin): Promise<void> {
  // The one-client run of scenario 1 measures latency; it reuses scenario 1's request.
  const serial = scenario === 'ticketSerial';
  const target = serial ? impl.targets.ticket : impl.targets[scenario];
  if (!target) return;
  const label = `${impl.name} / ${scenarios[scenario]}`;
  try {
    if (scenario === 'feedLatency') await admin.setFaults({ latencyMs: LATENCY_MS });
    const problem = impl.check(serial ? 'ticket' : scenario, await send(target));
    if (problem) throw new Error(problem);
    await settle(admin);
    await admin.reset();
    await send(target);
    const single = await admin.total();
    if (WARMUP > 0) await load(target, serial ? 1 : CONNECTIONS, WARMUP);
    await settle(admin);
    await admin.reset();
    const stopRss = sampleRss(impl.pid);
    const result = serial ? await sequential(target, Math.max(2, DURATION / 2)) : await load(target, CONNECTIONS, DURATION);
    const rssPeakMb = stopRss();
    const total = await admin.total();
    const row: Row = {
      scenario: scenarios[scenario],
      implementation: impl.name,
      rps: Math.round(result.rps),
      p50: result.p50,
      p99: result.p99,
      upstreamPerRequest: single,
      upstreamDuringRun: total,
      rssPeakMb: rssPeakMb === null ? null : Math.round(rssPeakMb),
      requests: result.requests,
      errors: result.errors,
      non2xx: result.non2xx,
      ...(impl.note ? { note: impl.note } : {}),
    };
    rows.push(row);
    log(`${label}: ${row.rps} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, ${single} upstream/request, RSS ${row.rssPeakMb ?? '–'} MB`);
  } catch (error) {
    skipped.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
    log(`${label}: skipped: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    if (scenario === 'feedLatency') await admin.setFaults({});
  }
}

/**
 * Waits (at most 5 s) until the upstream counters stop moving: requests still in flight
 * when a load run stops go on calling the sandbox, and must not count in the next figure.
 */
async function settle(admin: SandboxAdmin): Promise<void> {
  let last = await admin.total();
  let stable = 0;
  for (let i = 0; i < 25 && stable < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = await admin.total();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
}

/** Installs a peer's own dependencies on first use (never part of the project's npm install). */
async function ensurePeerInstalled(dir: string): Promise<void> {
  if (existsSync(join(dir, 'node_modules'))) return;
  log(`npm install in ${dir} (first use; bounded to 240 s)`);
  const started = Date.now();
  try {
    await execFileAsync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, timeout: 240_000 });
  } finally {
    installMs += Date.now() - started;
  }
}

async function main(): Promise<void> {
  const buildStarted = Date.now();
  log('npm run build (the gateway runs as start:prod does: compiled, with its heap flags)');
  buildGateway(root);
  installMs += Date.now() - buildStarted;
  const started = Date.now();
  const loadBefore = os.loadavg()[0] ?? 0;
  log(`sandbox: ${TICKETS} tickets per provider`);
  const sandbox = await startService<SandboxInfo>('sandbox', process.execPath, tsxArgs('bench/sandbox-process.ts', '--tickets', String(TICKETS)), {
    cwd: root,
    ready: (line) => parseJsonLine<SandboxInfo>(line),
  });
  services.push(sandbox.service);
  const info = sandbox.value;
  const admin = new SandboxAdmin(info);

  const gateway = await startService<string>('ticketgraph', process.execPath, productionArgs(root), {
    cwd: root,
    env: { ...info.env, ...WITHOUT_SHARED_STATE, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    ready: (line) => LISTENING.exec(line)?.[1],
  });
  services.push(gateway.service);
  const gatewayUrl = `http://127.0.0.1:${gateway.value}/graphql`;

  // Fixtures, read through the gateway: 20 tickets per provider, full shape (also the ceiling's data).
  const SNAPSHOT_FIELDS = `id provider number title status updatedAt requester { id name email } assignee { id name email }
    tags { id name } activities(first: 5) { nodes { id kind createdAt author { id name } } }`;
  const perProvider: Record<string, Array<Record<string, unknown> & { id: string; provider: string }>> = {};
  for (const provider of ['SPACEBRING', 'MOOV', 'HOSTUP', 'ZAIA', 'SONZAI']) {
    const answer = await gql(gatewayUrl, `query($p: [Provider!]) { tickets(first: 20, filter: { providers: $p }) { nodes { ${SNAPSHOT_FIELDS} } } }`, { p: [provider] });
    if (answer.errors?.length) throw new Error(`fixtures: ${provider}: ${answer.errors[0]?.message}`);
    perProvider[provider] = (answer.data as { tickets: { nodes: [] } }).tickets.nodes;
  }
  const feedAnswer = await gql(gatewayUrl, `{ tickets(first: 50) { nodes { ${SNAPSHOT_FIELDS} } } }`);
  if (feedAnswer.errors?.length) throw new Error(`fixtures: feed: ${feedAnswer.errors[0]?.message}`);
  const feedSnapshot = (feedAnswer.data as { tickets: { nodes: Array<{ id: string }> } }).tickets.nodes;
  const oneTicket = perProvider.HOSTUP?.[0];
  if (!oneTicket) throw new Error('fixtures: no HostUp ticket');
  const oneNativeId = Buffer.from(oneTicket.id, 'base64url').toString('utf8').split(':').slice(2).join(':');
  const representations = Object.values(perProvider).flatMap((list) => list.map((t) => ({ __typename: 'Ticket', id: t.id })));
  const tmp = join(os.tmpdir(), `ticketgraph-bench-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  const snapshotFile = join(tmp, 'snapshot.json');
  // The ceiling serves the feed in the gateway's order; the fixtures outside the top 50 come after it.
  const seen = new Set(feedSnapshot.map((t) => t.id));
  const extra = Object.values(perProvider)
    .flat()
    .filter((t) => !seen.has(t.id) && seen.add(t.id));
  writeFileSync(snapshotFile, JSON.stringify({ tickets: [...feedSnapshot, ...extra] }));

  const expectFeed = (n: number) => (data: any) => (data?.tickets?.edges?.length === n ? null : `expected ${n} edges`);
  const ticketgraphCheck = graphqlCheck({
    ticket: (d) => (d?.ticket?.id === oneTicket.id && d.ticket.requester ? null : 'wrong ticket or no requester'),
    feed: expectFeed(50),
    feedLatency: expectFeed(50),
    entities: (d) => (d?._entities?.length === representations.length && d._entities.every((e: unknown) => e) ? null : 'missing entities'),
  });

  // Upstream calls of the feed as `first` grows (one request each).
  const callsOf = async (url: string, query: string, variables: Record<string, unknown>) => {
    await admin.reset();
    const answer = await gql(url, query, variables);
    if (answer.errors?.length) throw new Error(answer.errors[0]?.message);
    return admin.counts();
  };
  const flatten = (counts: Record<string, Record<string, number>>) =>
    Object.entries(counts)
      .flatMap(([p, ops]) => Object.entries(ops).map(([op, n]) => `${p}.${op}=${n}`))
      .join(' ');
  const sum = (counts: Record<string, Record<string, number>>) => Object.values(counts).reduce((a, ops) => a + Object.values(ops).reduce((x, y) => x + y, 0), 0);
  const LIST_ONLY = `query($first: Int!) { tickets(first: $first) { edges { node { id title status assignee { id name } tags { id name } } } } }`;
  const growth: Record<string, { first: number; total: number; byOperation: string }[]> = { 'feed with activities(first: 5)': [], 'feed with assignee and tags only': [] };
  for (const first of [10, 50]) {
    const full = await callsOf(gatewayUrl, FEED_QUERY, { first });
    growth['feed with activities(first: 5)']!.push({ first, total: sum(full), byOperation: flatten(full) });
    const lean = await callsOf(gatewayUrl, LIST_ONLY, { first });
    growth['feed with assignee and tags only']!.push({ first, total: sum(lean), byOperation: flatten(lean) });
  }

  const impls: Implementation[] = [];
  if (want('ticketgraph')) {
    impls.push({
      name: 'ticketgraph',
      pid: gateway.service.pid,
      check: ticketgraphCheck,
      targets: {
        ticket: graphqlTarget(gatewayUrl, TICKET_QUERY, { id: oneTicket.id }),
        feed: graphqlTarget(gatewayUrl, FEED_QUERY, { first: 50 }),
        entities: graphqlTarget(gatewayUrl, ENTITIES_QUERY, { r: representations }),
        feedLatency: graphqlTarget(gatewayUrl, FEED_QUERY, { first: 50 }),
      },
    });
    // The same gateway with UPSTREAM_COALESCE=off: every request makes all of its own calls,
    // as the peers do. Shows what coalescing buys when clients ask the same thing at once.
    const lone = await startService<string>('ticketgraph (coalescing off)', process.execPath, productionArgs(root), {
      cwd: root,
      env: { ...info.env, ...WITHOUT_SHARED_STATE, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', UPSTREAM_COALESCE: 'off' },
      ready: (line) => LISTENING.exec(line)?.[1],
    });
    services.push(lone.service);
    const loneUrl = `http://127.0.0.1:${lone.value}/graphql`;
    impls.push({
      name: 'ticketgraph, coalescing off',
      pid: lone.service.pid,
      check: ticketgraphCheck,
      targets: {
        feed: graphqlTarget(loneUrl, FEED_QUERY, { first: 50 }),
        entities: graphqlTarget(loneUrl, ENTITIES_QUERY, { r: representations }),
        feedLatency: graphqlTarget(loneUrl, FEED_QUERY, { first: 50 }),
      },
    });
  }
  if (want('floor')) {
    const hostup = info.providers.hostup;
    impls.push({
      name: 'floor (REST direct)',
      pid: info.pid,
      note: 'memory: the sandbox process',
      check: (_s, body) => (body.includes(oneNativeId) ? null : 'ticket not in the answer'),
      targets: { ticket: { url: `${hostup.baseUrl}/api/v2/support/tickets/${encodeURIComponent(oneNativeId)}`, method: 'GET', headers: hostup.headers } },
    });
  }

  for (const impl of impls) for (const scenario of Object.keys(scenarios) as ScenarioKey[]) await measure(impl, scenario, admin);
  // Scenario 1 at concurrency 1 again at the end, with every server side by side (sequentialRotated).
  const sideBySide: { name: string; target: Target }[] = [];
  for (const impl of impls) if (impl.targets.ticket) sideBySide.push({ name: impl.name, target: impl.targets.ticket });

  // Scenario 5 (issue 15): the feed with its timelines under @defer, against the eager feed in the same run.
  let deferredSummary: string | null = null;
  if (want('ticketgraph')) {
    try {
      const deferred = await measureDeferredFeed({
        url: gatewayUrl,
        pid: gateway.service.pid,
        admin,
        settle,
        first: 50,
        connections: CONNECTIONS,
        warmupSeconds: WARMUP,
        seconds: DURATION,
        sequentialPairs: Number(process.env.BENCH_DEFER_PAIRS ?? 40),
      });
      rows.push(...deferred.rows);
      deferredSummary = deferred.summary;
      log(deferred.summary);
    } catch (error) {
      skipped.push(`ticketgraph / 5. @defer feed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  if (want('ceiling')) {
    try {
      const ceiling = await startService<{ url: string }>('ceiling', process.execPath, tsxArgs('bench/ceiling.ts', snapshotFile), {
        cwd: root,
        env: { NODE_ENV: 'production' },
        ready: (line) => parseJsonLine<{ url: string }>(line),
      });
      services.push(ceiling.service);
      const impl: Implementation = {
        name: 'ceiling (bare yoga, memory)',
        pid: ceiling.service.pid,
        check: ticketgraphCheck,
        targets: {
          ticket: graphqlTarget(ceiling.value.url, TICKET_QUERY, { id: oneTicket.id }),
          feed: graphqlTarget(ceiling.value.url, FEED_QUERY, { first: 50 }),
          entities: graphqlTarget(ceiling.value.url, ENTITIES_QUERY, { r: representations }),
        },
      };
      for (const scenario of ['ticket', 'ticketSerial', 'feed', 'entities'] as const) await measure(impl, scenario, admin);
      // Left running (stopped with the others at the end) for the side-by-side measure.
      sideBySide.push({ name: impl.name, target: impl.targets.ticket! });
    } catch (error) {
      skipped.push(`ceiling: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  for (const peer of ['apollo-rest', 'mesh'] as const) {
    if (!want(peer)) continue;
    const dir = join(benchDir, 'peers', peer);
    if (!existsSync(join(dir, 'bench.ts'))) {
      skipped.push(`${peer}: not implemented yet (no bench/peers/${peer}/bench.ts); see the README's Benchmarks section`);
      continue;
    }
    try {
      await ensurePeerInstalled(dir);
      const { createPeer } = (await import(`./peers/${peer}/bench.js`)) as {
        createPeer: (ctx: PeerContext) => Promise<{ service: Service; impl: Implementation }>;
      };
      const { service, impl } = await createPeer({ info, dir, oneTicket, oneNativeId, startService, graphqlCheck, expectFeed, tmp });
      services.push(service);
      growth[`${impl.name}: feed with activities(first: 5)`] = [];
      for (const first of [10, 50]) {
        const t = impl.targets.feed;
        if (!t?.body) break;
        const body = JSON.parse(t.body) as { query: string; variables: Record<string, unknown> };
        const counts = await callsOf(t.url, body.query, { ...body.variables, first });
        growth[`${impl.name}: feed with activities(first: 5)`]!.push({ first, total: sum(counts), byOperation: flatten(counts) });
      }
      for (const scenario of Object.keys(scenarios) as ScenarioKey[]) await measure(impl, scenario, admin);
      if (impl.targets.ticket) sideBySide.push({ name: impl.name, target: impl.targets.ticket });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      skipped.push(`${peer}: ${message}`);
      log(`${peer}: skipped: ${message}`);
    }
  }

  if (sideBySide.length > 1) {
    const windows = Number(process.env.BENCH_ROTATED_ROUNDS ?? 8);
    log(`concurrency 1, side by side: ${sideBySide.length} servers, ${windows} rounds of 1 s windows`);
    const results = await sequentialRotated(sideBySide, 1, windows);
    for (const [name, result] of results) {
      const row: Row = {
        scenario: SIDE_BY_SIDE,
        implementation: name,
        rps: Math.round(result.rps),
        p50: result.p50,
        p99: result.p99,
        upstreamPerRequest: null,
        upstreamDuringRun: null,
        rssPeakMb: null,
        requests: result.requests,
        errors: result.errors,
        non2xx: result.non2xx,
      };
      rows.push(row);
      log(`${name} / ${SIDE_BY_SIDE}: p50 ${row.p50} ms, p99 ${row.p99} ms over ${row.requests} requests`);
    }
  }

  let live: LiveBenchResult | null = null;
  if (want('live')) {
    try {
      live = await runLiveBench({ info, services, log });
    } catch (error) {
      skipped.push(`live: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const gatewayMemory = memoryOf(gateway.service.pid);
  for (const service of services.reverse()) await service.stop();

  // The report.
  const floorP50 = rows.find((r) => r.implementation.startsWith('floor') && r.scenario === scenarios.ticketSerial)?.p50;
  const ourP50 = rows.find((r) => r.implementation === 'ticketgraph' && r.scenario === scenarios.ticketSerial)?.p50;
  const overhead = floorP50 && ourP50 ? Math.round((ourP50 / floorP50) * 10) / 10 : null;
  const table = [
    '| scenario | implementation | req/s | p50 ms | p99 ms | upstream calls / request | RSS peak MB |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.scenario} | ${r.implementation} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.upstreamPerRequest ?? '–'} | ${r.rssPeakMb ?? '–'} |`),
  ].join('\n');
  const growthLines = Object.entries(growth).flatMap(([what, list]) => list.map((g) => `- ${what}, first: ${g.first}: ${g.total} upstream calls (${g.byOperation})`));
  const meta = {
    command: 'npm run bench',
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    warmupSeconds: WARMUP,
    ticketsPerProvider: TICKETS,
    seconds: Math.round((Date.now() - started) / 1000),
    peerInstallSeconds: Math.round(installMs / 1000),
    gatewayPeakRssMb: gatewayMemory ? Math.round(gatewayMemory.hwmMb) : null,
    gatewayOverheadP50: overhead,
    /** 1-minute load average at start and end: other work on the machine skews every figure. */
    loadAverage: [Math.round(loadBefore * 10) / 10, Math.round((os.loadavg()[0] ?? 0) * 10) / 10],
  };
  writeFileSync(join(benchDir, 'results.json'), `${JSON.stringify({ meta, rows, upstreamGrowth: growth, skipped }, null, 2)}\n`);
  console.log(table);
  console.log('');
  console.log(`Gateway overhead (scenario 1, concurrency 1): ticketgraph p50 / floor p50 = ${overhead ?? '–'}×. Gateway VmHWM: ${meta.gatewayPeakRssMb ?? '–'} MB.`);
  const rps = (impl: string, scenario: ScenarioKey) => rows.find((r) => r.implementation === impl && r.scenario === scenarios[scenario])?.rps;
  const ratio = (a?: number, b?: number) => (a && b ? `${Math.round((a / b) * 100) / 100}×` : '–');
  const peer = 'Apollo Server 5 + RESTDataSource';
  const p50Of = (impl: string, scenario: string) => rows.find((r) => r.implementation === impl && r.scenario === scenario)?.p50;
  console.log(
    `${scenarios.ticketSerial}: ticketgraph p50 / peer p50 = ${ratio(p50Of('ticketgraph', scenarios.ticketSerial), p50Of(peer, scenarios.ticketSerial))} measured one after the other,` +
      ` ${ratio(p50Of('ticketgraph', SIDE_BY_SIDE), p50Of(peer, SIDE_BY_SIDE))} side by side`,
  );
  for (const scenario of ['feed', 'feedLatency', 'entities'] as const) {
    console.log(
      `${scenarios[scenario]}: ticketgraph / peer = ${ratio(rps('ticketgraph', scenario), rps(peer, scenario))}` +
        ` (coalescing off: ${ratio(rps('ticketgraph, coalescing off', scenario), rps(peer, scenario))});` +
        ` ticketgraph / ceiling = ${ratio(rps('ticketgraph', scenario), rps('ceiling (bare yoga, memory)', scenario))}`,
    );
  }
  if (deferredSummary) console.log(deferredSummary);
  console.log('Upstream calls per request as first grows:');
  console.log(growthLines.join('\n'));
  if (live) console.log(`\nLive changes (issue 20):\n${liveTables(live)}\n`);
  if (skipped.length) console.log(`Skipped:\n${skipped.map((s) => `- ${s}`).join('\n')}`);
  console.log(
    `\n${meta.seconds} s, ${CONNECTIONS} connections, ${DURATION} s per run after ${WARMUP} s warm-up, ${os.cpus().length} cores (load average ${meta.loadAverage.join(' → ')}), Node ${process.version}. Written to bench/results.json.`,
  );
}

export interface PeerContext {
  info: SandboxInfo;
  dir: string;
  oneTicket: { id: string };
  oneNativeId: string;
  tmp: string;
  startService: typeof startService;
  graphqlCheck: typeof graphqlCheck;
  expectFeed: (n: number) => (data: any) => string | null;
}
export type { Implementation };

main()
  .then(() => {
    clearInterval(watchdog);
    process.exit(0);
  })
  .catch(async (error: unknown) => {
    console.error('bench: failed:', error instanceof Error ? error.message : error);
    for (const service of services.reverse()) await service.stop().catch(() => undefined);
    process.exit(1);
  });
