import { PROVIDER_KEYS, type ProviderKey } from '../model/provider.js';
import { providerModule, type ProviderSettingsMap } from '../providers/index.js';
import { startSimulator, type SandboxFault, type SimulatorHandle } from '../simkit/server.js';
import { createPeople } from '../simkit/people.js';
import { Random } from '../simkit/random.js';
import type { SandboxProvider, SimulatorForms } from '../simkit/types.js';

export interface SandboxOptions {
  /** @default 42 */
  seed?: number;
  /** Tickets per provider. @default 300 */
  tickets?: number;
  faults?: Partial<Record<ProviderKey, SandboxFault>>;
  providers?: readonly ProviderKey[];
  /** The one form each simulator speaks where the seed leaves a choice open. @default the seeds' forms */
  forms?: SimulatorForms;
}

export interface Sandbox {
  providers: readonly ProviderKey[];
  url(provider: ProviderKey): string;
  settings<K extends ProviderKey>(provider: K): ProviderSettingsMap[K];
  credentials(provider: ProviderKey): Record<string, string>;
  simulator(provider: ProviderKey): SimulatorHandle;
  /** Upstream requests per operation of one provider since the last reset. */
  requests(provider: ProviderKey): Record<string, number>;
  totalRequests(provider?: ProviderKey): number;
  /** Responses of one provider by HTTP status since the last reset. */
  responses(provider: ProviderKey): Record<string, number>;
  resetRequests(): void;
  setFault(provider: ProviderKey, fault: SandboxFault | null): void;
  close(): Promise<void>;
}

/** Starts the five simulators on ephemeral loopback ports, with seeded data. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const seed = options.seed ?? 42;
  const tickets = options.tickets ?? 300;
  const keys = options.providers ?? PROVIDER_KEYS;
  const people = createPeople(seed);
  const simulators = new Map<ProviderKey, { provider: SandboxProvider<unknown>; handle: SimulatorHandle }>();
  const faultRandom = new Random(seed).fork('faults');
  try {
    for (const key of keys) {
      const provider = providerModule(key).createSimulator({ seed, tickets, people, forms: options.forms });
      const handle = await startSimulator(provider.definition, { fault: options.faults?.[key], random: () => faultRandom.next() });
      simulators.set(key, { provider, handle });
    }
  } catch (error) {
    await Promise.all([...simulators.values()].map((s) => s.handle.close()));
    throw error;
  }
  const get = (key: ProviderKey) => {
    const entry = simulators.get(key);
    if (!entry) throw new Error(`sandbox: ${key} is not running`);
    return entry;
  };
  return {
    providers: keys,
    url: (key) => get(key).handle.url,
    settings: <K extends ProviderKey>(key: K) => get(key).provider.settings(get(key).handle.url) as ProviderSettingsMap[K],
    credentials: (key) => get(key).provider.credentials,
    simulator: (key) => get(key).handle,
    requests: (key) => get(key).handle.requests(),
    responses: (key) => get(key).handle.responses(),
    totalRequests: (key) => (key ? get(key).handle.totalRequests() : [...simulators.values()].reduce((sum, s) => sum + s.handle.totalRequests(), 0)),
    resetRequests: () => {
      for (const s of simulators.values()) s.handle.resetRequests();
    },
    setFault: (key, fault) => get(key).handle.setFault(fault),
    close: async () => {
      await Promise.all([...simulators.values()].map((s) => s.handle.close()));
    },
  };
}
