import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import { buildGateway, gql, LISTENING, memoryOf, parseJsonLine, productionArgs, SandboxAdmin, startService, tsxArgs, WITHOUT_SHARED_STATE, type Service } from './lib.js';
import type { SandboxInfo } from './sandbox-process.js';

/*
 * `npm run bench:soak` (issue 9): ten minutes of mixed GraphQL traffic against the gateway
 * in production mode, while the sandbox's fault knobs take each provider down in turn
 * (5xx, 429 budgets, malformed JSON, schema drift, hangs, slowness). Every GraphQL error is
 * sorted by `extensions.code` into the ones the injected faults explain and the rest; the
 * gateway's RSS is sampled each second and compared between the first and the last 10,000
 * requests. Not a test: it takes minutes and its figures depend on the machine.
 *
 * Knobs (environment):
 *   SOAK_SECONDS      length of the measured run (600)    SOAK_WORKERS  concurrent clients (8)
 *   SOAK_PHASE_SECONDS length of one fault or calm phase (20)
 *   SOAK_WINDOW       requests per RSS window (10000)
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const WORKERS = Number(process.env.SOAK_WORKERS ?? 8);
const PHASE_SECONDS = Number(process.env.SOAK_PHASE_SECONDS ?? 20);
const WINDOW = Number(process.env.SOAK_WINDOW ?? 10_000);
/**
 * A fault's effects outlast its phase: calls that hung until the deadline (10 s) fail
 * after it, and the breaker they opened stays open for its cooldown (10 s). An injected
 * code from a provider faulted less than this long ago is explained; from any other, not.
 */
const GRACE_MS = 25_000;
const log = (message: string) => console.error(`soak: ${message}`);

const PROVIDERS = ['spacebring', 'moov', 'hostup', 'zaia', 'sonzai'] as const;
const FAULTS: Array<{ name: string; fault: Record<string, unknown> }> = [
  { name: '500 on half the calls', fault: { status: 500, rate: 0.5 } },
  { name: '429 with Retry-After: 1 on half the calls', fault: { status: 429, rate: 0.5, retryAfter: 1 } },
  { name: 'budget of 20 calls/s', fault: { rateLimitPerSecond: 20 } },
  { name: 'malformed JSON', fault: { malformed: true } },
  { name: 'payloads that break the schema', fault: { drift: true } },
  { name: 'hangs', fault: { hang: true } },
  { name: '300 ms of latency', fault: { latencyMs: 300 } },
];
/** The codes an injected fault may explain; BAD_USER_INPUT answers the deliberately bad ids. */
const INJECTED = new Set(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT', 'UPSTREAM_BAD_RESPONSE', 'RATE_LIMITED']);

interface Operation {
  name: string;
  weight: number;
  body(): string;
  /** Codes this operation answers by design, fault or not. */
  expected?: string[];
}

function pick<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)]!;
}

async function main(): Promise<void> {
  // The gateway as production runs it: compiled, with start:prod's heap flags.
  buildGateway(root);
  const started = Date.now();
  const services: Service[] = [];
  const stopAll = async () => {
    for (const service of services.reverse()) await service.stop().catch(() => undefined);
  };
  process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));

  const sandbox = await startService<SandboxInfo>('sandbox', process.execPath, tsxArgs('bench/sandbox-process.ts', '--tickets', '300'), {
    cwd: root,
    ready: (line) => parseJsonLine<SandboxInfo>(line),
  });
  services.push(sandbox.service);
  const admin = new SandboxAdmin(sandbox.value);
  const gateway = await startService<string>('ticketgraph', process.execPath, productionArgs(root), {
    cwd: root,
    env: { ...sandbox.value.env, ...WITHOUT_SHARED_STATE, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    ready: (line) => LISTENING.exec(line)?.[1],
  });
  services.push(gateway.service);
  const url = `http://127.0.0.1:${gateway.value}/graphql`;

  // Fixtures: ticket ids per provider, and which providers take a comment.
  const ids: string[] = [];
  const openIds: string[] = [];
  for (const provider of PROVIDERS) {
    const answer = await gql(url, `query($p: [Provider!]) { tickets(first: 20, filter: { providers: $p }) { nodes { id status } } }`, { p: [provider.toUpperCase()] });
    if (answer.errors?.length) throw new Error(`fixtures: ${provider}: ${answer.errors[0]?.message}`);
    for (const node of (answer.data as { tickets: { nodes: Array<{ id: string; status: string }> } }).tickets.nodes) {
      ids.push(node.id);
      if (node.status !== 'CLOSED' && node.status !== 'RESOLVED') openIds.push(node.id);
    }
  }
  const caps = await gql(url, '{ providers { provider capabilities } }');
  const commentable = new Set(
    (caps.data as { providers: Array<{ provider: string; capabilities: string[] }> }).providers.filter((p) => p.capabilities.includes('ADD_COMMENT')).map((p) => p.provider),
  );
  const commentIds = openIds.filter((id) => commentable.has(Buffer.from(id, 'base64url').toString('utf8').split(':')[1]?.toUpperCase() ?? ''));
  const q = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });
  const operations: Operation[] = [
    { name: 'ticket(id)', weight: 35, body: () => q('query($id: ID!) { ticket(id: $id) { id title status requester { name email } } }', { id: pick(ids) }) },
    { name: 'feed first 20', weight: 15, body: () => q('{ tickets(first: 20) { edges { cursor node { id title status assignee { name } tags { name } } } } }') },
    {
      name: 'feed first 10 + activities',
      weight: 10,
      body: () => q('{ tickets(first: 10) { nodes { id activities(first: 3) { nodes { kind createdAt author { name } } } } } }'),
    },
    {
      name: 'one provider, first 5',
      weight: 10,
      body: () =>
        q('query($p: [Provider!]) { tickets(first: 5, filter: { providers: $p }) { pageInfo { endCursor } nodes { id status } } }', {
          p: [pick(PROVIDERS).toUpperCase()],
        }),
    },
    {
      name: '_entities × 25',
      weight: 10,
      body: () =>
        q('query($r: [_Any!]!) { _entities(representations: $r) { ... on Ticket { id title } } }', { r: Array.from({ length: 25 }, () => ({ __typename: 'Ticket', id: pick(ids) })) }),
    },
    { name: 'providers health', weight: 5, body: () => q('{ providers { provider health { state consecutiveFailures } } }') },
    {
      name: 'addComment',
      weight: 10,
      body: () => q('mutation($i: AddCommentInput!) { addComment(input: $i) { activity { id } } }', { i: { ticketId: pick(commentIds), body: `soak ${Date.now()}` } }),
    },
    { name: 'malformed id', weight: 5, body: () => q('{ ticket(id: "not-a-ticket-id") { id } }'), expected: ['BAD_USER_INPUT'] },
  ];
  const totalWeight = operations.reduce((sum, op) => sum + op.weight, 0);
  const chooseOperation = () => {
    let r = Math.random() * totalWeight;
    for (const op of operations) if ((r -= op.weight) < 0) return op;
    return operations[0]!;
  };

  // The fault schedule: calm, fault on one provider, calm, the next fault on the next provider…
  let phase = { index: 0, fault: null as null | string, provider: null as null | string };
  /** Per provider: when its last fault ended (Infinity while one is on). */
  const faultEnded = new Map<string, number>();
  const schedule: Array<{ atSecond: number; provider: string | null; fault: string | null }> = [];
  const nextPhase = async (index: number) => {
    const previous = phase;
    if (previous.provider) {
      await admin.setFault(previous.provider as (typeof PROVIDERS)[number], {});
      faultEnded.set(previous.provider, Date.now());
    }
    const faulty = index % 2 === 1;
    const n = Math.floor(index / 2);
    const provider = faulty ? PROVIDERS[n % PROVIDERS.length]! : null;
    const fault = faulty ? FAULTS[n % FAULTS.length]! : null;
    if (provider && fault) {
      faultEnded.set(provider, Infinity);
      await admin.setFault(provider, fault.fault);
    }
    phase = { index, fault: fault?.name ?? null, provider };
    schedule.push({ atSecond: Math.round((Date.now() - runStart) / 1000), provider, fault: fault?.name ?? null });
    if (provider) log(`${Math.round((Date.now() - runStart) / 1000)} s: ${provider}: ${fault!.name}`);
  };

  const agent = new http.Agent({ keepAlive: true, maxSockets: WORKERS });
  const post = (body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', accept: 'application/json' }, timeout: 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('no answer in 30 s')));
      req.on('error', reject);
      req.end(body);
    });
  const tally = {
    requests: 0,
    http: {} as Record<string, number>,
    byCode: {} as Record<string, number>,
    unexplainedCount: 0,
    unexplainedBy: {} as Record<string, number>,
    unexplained: [] as Array<{ second: number; operation: string; code: string; message: string; phase: string }>,
    transportErrors: 0,
  };
  const rss: Array<{ second: number; requests: number; rssMb: number; heapUsedMb?: number }> = [];
  const metricsUrl = url.replace(/\/graphql$/, '/metrics');
  const heapUsedMb = async () => {
    try {
      const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(2000) })).text();
      const bytes = Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1]);
      return Number.isFinite(bytes) ? Math.round(bytes / 1e5) / 10 : undefined;
    } catch {
      return undefined;
    }
  };
  const runStart = Date.now();
  const deadline = runStart + SECONDS * 1000;
  await nextPhase(0);
  const phaseTimer = setInterval(() => void nextPhase(phase.index + 1), PHASE_SECONDS * 1000);
  let tick = 0;
  const rssTimer = setInterval(() => {
    const m = memoryOf(gateway.service.pid);
    if (!m) return;
    const sample: (typeof rss)[number] = { second: Math.round((Date.now() - runStart) / 1000), requests: tally.requests, rssMb: Math.round(m.rssMb * 10) / 10 };
    rss.push(sample);
    // The JS heap, from the gateway's own metrics, every 10 s: tells a leak from a heap that grew to its working size.
    if (tick++ % 10 === 0) void heapUsedMb().then((mb) => mb !== undefined && (sample.heapUsedMb = mb));
  }, 1000);

  const worker = async () => {
    while (Date.now() < deadline) {
      const op = chooseOperation();
      try {
        const { status, text } = await post(op.body());
        tally.requests++;
        tally.http[status] = (tally.http[status] ?? 0) + 1;
        const answer = JSON.parse(text) as { errors?: Array<{ message: string; extensions?: { code?: string; provider?: string } }> };
        for (const error of answer.errors ?? []) {
          const code = error.extensions?.code ?? '(none)';
          tally.byCode[code] = (tally.byCode[code] ?? 0) + 1;
          // Errors name providers as the schema's enum does (SPACEBRING); the fault schedule keys them by module key.
          const provider = error.extensions?.provider?.toLowerCase();
          const faulted = provider !== undefined && Date.now() - (faultEnded.get(provider) ?? -Infinity) < GRACE_MS;
          const explained = op.expected?.includes(code) || (INJECTED.has(code) && faulted);
          if (explained) continue;
          tally.unexplainedCount++;
          const label = `${op.name}: ${code}`;
          tally.unexplainedBy[label] = (tally.unexplainedBy[label] ?? 0) + 1;
          if (tally.unexplained.length < 50) {
            tally.unexplained.push({
              second: Math.round((Date.now() - runStart) / 1000),
              operation: op.name,
              code,
              message: error.message.slice(0, 200),
              phase: phase.provider ? `${phase.provider}: ${phase.fault}` : 'calm',
            });
          }
        }
      } catch (error) {
        tally.transportErrors++;
        tally.unexplainedCount++;
        if (tally.unexplained.length < 50) {
          tally.unexplained.push({
            second: Math.round((Date.now() - runStart) / 1000),
            operation: op.name,
            code: 'TRANSPORT',
            message: String(error).slice(0, 200),
            phase: String(phase.provider),
          });
        }
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  clearInterval(phaseTimer);
  clearInterval(rssTimer);
  await admin.setFaults({});
  agent.destroy();

  // RSS of the first and the last window of requests (the median sample in each).
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  const first = rss.filter((s) => s.requests <= WINDOW).map((s) => s.rssMb);
  const last = rss.filter((s) => s.requests >= tally.requests - WINDOW).map((s) => s.rssMb);
  const rssFirst = median(first);
  const rssLast = median(last);
  const growth = Math.round(((rssLast - rssFirst) / rssFirst) * 1000) / 10;
  const peak = memoryOf(gateway.service.pid)?.hwmMb ?? null;
  const heaps = rss.filter((s) => s.heapUsedMb !== undefined);
  const heapFirst = median(heaps.filter((s) => s.requests <= WINDOW).map((s) => s.heapUsedMb!));
  const heapLast = median(heaps.filter((s) => s.requests >= tally.requests - WINDOW).map((s) => s.heapUsedMb!));
  await stopAll();

  const result = {
    meta: {
      command: 'npm run bench:soak',
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      seconds: SECONDS,
      workers: WORKERS,
      phaseSeconds: PHASE_SECONDS,
      totalSeconds: Math.round((Date.now() - started) / 1000),
      loadAverageEnd: Math.round((os.loadavg()[0] ?? 0) * 10) / 10,
    },
    requests: tally.requests,
    requestsPerSecond: Math.round(tally.requests / SECONDS),
    httpStatus: tally.http,
    errorsByCode: tally.byCode,
    transportErrors: tally.transportErrors,
    unexplainedCount: tally.unexplainedCount,
    unexplainedBy: tally.unexplainedBy,
    unexplained: tally.unexplained,
    rss: {
      window: WINDOW,
      firstMedianMb: rssFirst,
      lastMedianMb: rssLast,
      growthPercent: growth,
      heapUsedFirstMb: heapFirst,
      heapUsedLastMb: heapLast,
      peakMb: peak === null ? null : Math.round(peak),
      samples: rss,
    },
    schedule,
  };
  writeFileSync(join(root, 'bench', 'soak-results.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`${tally.requests} requests in ${SECONDS} s (${result.requestsPerSecond} req/s, ${WORKERS} clients), HTTP ${JSON.stringify(tally.http)}`);
  console.log(`GraphQL errors by code: ${JSON.stringify(tally.byCode)}`);
  console.log(
    `Unexplained by the injected faults: ${tally.unexplainedCount}${tally.unexplainedCount ? ` ${JSON.stringify(tally.unexplainedBy)}, first: ${JSON.stringify(tally.unexplained.slice(0, 3))}` : ''}`,
  );
  console.log(
    `Gateway RSS, median of the first ${WINDOW} requests: ${rssFirst} MB; of the last ${WINDOW}: ${rssLast} MB (${growth >= 0 ? '+' : ''}${growth}%); peak ${result.rss.peakMb} MB. JS heap used: ${heapFirst} → ${heapLast} MB.`,
  );
  console.log('Written to bench/soak-results.json.');
  process.exit(tally.unexplainedCount === 0 && Math.abs(growth) <= 10 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error('soak: failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
