import type { EnvSource, ProviderMode } from '../env.js';
import type { ProviderKey } from '../model/provider.js';
import type { SandboxProvider, SimulatorOptions } from '../simkit/types.js';
import type { ProviderDeps, TicketProvider } from '../upstream/provider.js';

/**
 * One provider as a single object (vercel/ai's provider packages export one factory that owns
 * their settings, errors and wire format): config reads its settings, the registry builds its
 * client, the sandbox starts its simulator — none of them names a provider.
 */
export interface ProviderModule<K extends ProviderKey, S> {
  readonly key: K;
  /** Its section of the environment: sandbox when no credential is set, live otherwise. */
  readSettings(env: EnvSource): ProviderMode<S>;
  createClient(settings: S, deps: ProviderDeps): TicketProvider;
  /** Its HTTP simulator, and the settings that point the client at it. */
  createSimulator(options: SimulatorOptions): SandboxProvider<S>;
}

/** The settings type of a provider module. */
export type SettingsOf<M> = M extends ProviderModule<ProviderKey, infer S> ? S : never;
