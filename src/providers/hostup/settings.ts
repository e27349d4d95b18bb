import { z } from 'zod';
import { emptyToUndefined, refuseBaseUrlWithoutCredentials, str, url, parseEnv, type EnvSource, type ProviderMode } from '../../env.js';
import { Secret } from '../../secret.js';

export const HOSTUP_DEFAULT_BASE_URL = 'https://cloud.hostup.se';

export interface HostupSettings {
  baseUrl: string;
  apiKey: Secret;
  /** v2 is the current API; v1 (the seed's) reads by number only. @default v2 */
  generation: 'v1' | 'v2';
}

/** HostUp's section of the environment (read here, not in config.ts). */
export const hostupEnvSchema = z.object({
  HOSTUP_BASE_URL: url(),
  HOSTUP_API_KEY: str(),
  HOSTUP_API_GENERATION: z.preprocess(emptyToUndefined, z.enum(['v1', 'v2']).optional()),
});

export function readHostupSettings(source: EnvSource): ProviderMode<HostupSettings> {
  const env = parseEnv(hostupEnvSchema, source);
  refuseBaseUrlWithoutCredentials('HOSTUP', env.HOSTUP_BASE_URL, env.HOSTUP_API_KEY);
  if (!env.HOSTUP_API_KEY) return { mode: 'sandbox' };
  return {
    mode: 'live',
    settings: { baseUrl: env.HOSTUP_BASE_URL ?? HOSTUP_DEFAULT_BASE_URL, apiKey: new Secret(env.HOSTUP_API_KEY), generation: env.HOSTUP_API_GENERATION ?? 'v2' },
  };
}
