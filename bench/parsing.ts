import { PROVIDER_KEYS, type ProviderKey } from '../src/model/provider.js';
import type { ProviderPage } from '../src/model/page.js';
import { providerModule } from '../src/providers/index.js';
import { startSandbox } from '../src/sandbox/index.js';
import type { HttpSettings } from '../src/upstream/http.js';
import type { ListTicketsQuery, TicketProvider } from '../src/upstream/provider.js';
import { pageTickets } from '../src/upstream/rows.js';

/*
 * `npx tsx bench/parsing.ts` (issue 18): what reading a list page costs the gateway in
 * validation and mapping, apart from the network. Each provider's first list page of the
 * feed's size (51 rows) is read once from the sandbox and then replayed from memory through
 * the real client (ky, the one parse point, rows.ts), so the figures hold CPU time of this
 * process only. Two ways of using a page, alternated in rounds, median CPU per page:
 *   all rows   every row validated and mapped (what every list read did before issue 18)
 *   5 rows     the keys of all rows, 5 rows validated and mapped (what the feed does: ten
 *              pages of ~50 rows for a page of 50)
 * Knobs: PARSING_ROUNDS (7), PARSING_READS (200 reads per round and mode).
 */

const ROUNDS = Number(process.env.PARSING_ROUNDS ?? 7);
const READS = Number(process.env.PARSING_READS ?? 200);
const USED = 5;
const LIMIT = 51;

const sandbox = await startSandbox({ seed: 42, tickets: 300, providers: PROVIDER_KEYS });
const recorded = new Map<string, { status: number; headers: [string, string][]; body: string }>();
const network = globalThis.fetch.bind(globalThis);
// The clients bind the global fetch when built (transport 'fetch'): replace it first.
globalThis.fetch = async (input, init) => {
  const request = new Request(input, init);
  const key = `${request.method} ${request.url}`;
  let answer = recorded.get(key);
  if (!answer) {
    const response = await network(request);
    answer = { status: response.status, headers: [...response.headers], body: await response.text() };
    recorded.set(key, answer);
  }
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
};

const http: HttpSettings = { timeoutMs: 5000, deadlineMs: 10_000, retryLimit: 0, maxRetryAfterMs: 0, backoffLimitMs: 0, transport: 'fetch' };

interface Subject {
  key: ProviderKey;
  client: TicketProvider;
  query: ListTicketsQuery;
  rows: number;
}

const subjects: Subject[] = [];
for (const key of PROVIDER_KEYS) {
  const client = providerModule(key).createClient(sandbox.settings(key), { http });
  const source = client.listSources({})[0];
  if (source === undefined || client.lists === false) continue;
  const query: ListTicketsQuery = { source, cursor: null, limit: Math.min(LIMIT, client.maxPageSize), filter: {} };
  const page = await client.listTickets(query, {});
  subjects.push({ key, client, query, rows: page.rows.length });
}

const use = {
  all: (page: ProviderPage) => pageTickets(page).length,
  five: (page: ProviderPage) => page.rows.slice(0, USED).map((row) => row.ticket()).length,
};

async function cpuPerPage(subject: Subject, mode: keyof typeof use): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < READS; i++) use[mode](await subject.client.listTickets(subject.query, {}));
  const spent = process.cpuUsage(start);
  return (spent.user + spent.system) / READS;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

// Warm-up: every path compiled before anything is counted.
for (const subject of subjects) for (const mode of ['all', 'five'] as const) await cpuPerPage(subject, mode);

console.log(`| provider | rows/page | CPU/page, all rows (µs) | CPU/page, keys + ${USED} rows (µs) | saved per page (µs) | per unused row (µs) |`);
console.log('|---|---:|---:|---:|---:|---:|');
for (const subject of subjects) {
  const samples = { all: [] as number[], five: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternated, so a burst of load elsewhere falls on both.
    samples.all.push(await cpuPerPage(subject, 'all'));
    samples.five.push(await cpuPerPage(subject, 'five'));
  }
  const all = median(samples.all);
  const five = median(samples.five);
  const saved = all - five;
  const unused = Math.max(1, subject.rows - USED);
  console.log(`| ${subject.key} | ${subject.rows} | ${all.toFixed(0)} | ${five.toFixed(0)} | ${saved.toFixed(0)} | ${(saved / unused).toFixed(1)} |`);
}
await sandbox.close();
