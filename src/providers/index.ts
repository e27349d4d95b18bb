import type { ProviderMode } from '../env.js';
import { PROVIDER_KEYS, type ProviderKey } from '../model/provider.js';
import { hostup } from './hostup/index.js';
import type { ProviderModule, SettingsOf } from './module.js';
import { moov } from './moov/index.js';
import { sonzai } from './sonzai/index.js';
import { spacebring } from './spacebring/index.js';
import { zaia } from './zaia/index.js';

/*
 * The one table naming every provider. config.ts, the registry, the sandbox and the Provider
 * enum resolver iterate it; a new provider is a folder, a line here, a key in PROVIDER_KEYS
 * (model/provider.ts, kept free of imports so ids and the model do not depend on clients)
 * and an enum value in schema.graphql. The mapped type makes a missing line a type error.
 */
export const PROVIDERS = { spacebring, moov, hostup, zaia, sonzai } satisfies { [K in ProviderKey]: ProviderModule<K, unknown> };

export type ProviderSettingsMap = { [K in ProviderKey]: SettingsOf<(typeof PROVIDERS)[K]> };

/** Each provider's mode as config.ts read it: sandbox, or live with its settings. */
export type ProviderModes = { [K in ProviderKey]: ProviderMode<ProviderSettingsMap[K]> };

/** The module of a provider, with its settings type erased (for loops over all of them). */
export function providerModule(key: ProviderKey): ProviderModule<ProviderKey, unknown> {
  return PROVIDERS[key] as ProviderModule<ProviderKey, unknown>;
}

/** Every provider module, in the fixed order of PROVIDER_KEYS. */
export const PROVIDER_MODULES: readonly ProviderModule<ProviderKey, unknown>[] = PROVIDER_KEYS.map(providerModule);
