import { createInterface } from 'node:readline';
import type { ProviderSettingsMap } from '../src/providers/index.js';
import { PROVIDER_KEYS, type ProviderKey } from '../src/model/provider.js';
import { startSandbox } from '../src/sandbox/index.js';
import { liveEnv } from '../src/sandbox/live-env.js';

/*
 * The sandbox as its own process, for `npm run bench`: the load generator, the gateway
 * and the simulators then do not share one event loop. Prints one JSON line on stdout:
 * each provider's base URL, the headers that authenticate against it, its settings with
 * the credentials revealed, and the live-mode environment that points ticketgraph at it.
 * Exits on SIGTERM, SIGINT or when stdin closes (the parent died), so it never outlives
 * the bench.
 *
 *   tsx bench/sandbox-process.ts [--tickets 300] [--seed 42]
 */

export interface SandboxProviderInfo {
  url: string;
  /** The base URL the datasource uses (Sonzai adds /api/v1). */
  baseUrl: string;
  /** Header name → value, for direct REST calls (the floor, the peers). */
  headers: Record<string, string>;
  /** Settings with credentials revealed. */
  settings: Record<string, unknown>;
}

export interface SandboxInfo {
  pid: number;
  providers: Record<ProviderKey, SandboxProviderInfo>;
  /** Live-mode variables that point the gateway at this sandbox (config.ts). */
  env: Record<string, string>;
}

function reveal(value: unknown): unknown {
  if (value && typeof value === 'object') {
    if (typeof (value as { reveal?: unknown }).reveal === 'function') return (value as { reveal(): string }).reveal();
    if (Array.isArray(value)) return value.map(reveal);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  }
  return value;
}

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name}: expected a non-negative integer`);
  return value;
}

/** Request headers the datasources send, per provider (what the floor and the peers send too). */
function headersOf<K extends ProviderKey>(key: K, s: ProviderSettingsMap[K]): Record<string, string> {
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const json = { accept: 'application/json' };
  switch (key) {
    case 'spacebring': {
      const { auth } = s as ProviderSettingsMap['spacebring'];
      return auth.kind === 'oauth'
        ? { ...json, authorization: `Bearer ${auth.accessToken.reveal()}`, 'spacebring-network-id': auth.networkId }
        : { ...json, authorization: basic(auth.clientId.reveal(), auth.clientSecret.reveal()) };
    }
    case 'moov': {
      const m = s as ProviderSettingsMap['moov'];
      const authorization = m.auth.kind === 'basic' ? basic(m.auth.publicKey.reveal(), m.auth.secretKey.reveal()) : `Bearer ${m.auth.token.reveal()}`;
      return { ...json, authorization, 'x-moov-version': m.apiVersion };
    }
    case 'hostup':
      return { ...json, authorization: `Bearer ${(s as ProviderSettingsMap['hostup']).apiKey.reveal()}` };
    case 'zaia':
      return { ...json, authorization: `Bearer ${(s as ProviderSettingsMap['zaia']).apiKey.reveal()}` };
    default:
      return { ...json, authorization: `Bearer ${(s as ProviderSettingsMap['sonzai']).token.reveal()}` };
  }
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({ seed: arg('seed', 42), tickets: arg('tickets', 300), providers: PROVIDER_KEYS });
  const all = Object.fromEntries(PROVIDER_KEYS.map((key) => [key, sandbox.settings(key)])) as { [K in ProviderKey]: ProviderSettingsMap[K] };
  const providers = Object.fromEntries(
    PROVIDER_KEYS.map((key) => [
      key,
      {
        url: sandbox.url(key),
        baseUrl: all[key].baseUrl,
        headers: headersOf(key, all[key]),
        settings: reveal(all[key]) as Record<string, unknown>,
      } satisfies SandboxProviderInfo,
    ]),
  ) as Record<ProviderKey, SandboxProviderInfo>;
  const info: SandboxInfo = { pid: process.pid, providers, env: liveEnv(all) };
  process.stdout.write(`${JSON.stringify(info)}\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(0), 3000);
    force.unref();
    void sandbox.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (!process.stdin.isTTY) createInterface({ input: process.stdin }).on('close', stop);
}

main().catch((error: unknown) => {
  console.error('bench sandbox: failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
