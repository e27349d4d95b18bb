import { z } from 'zod';
import { refuseBaseUrlWithoutCredentials, str, url, parseEnv, type EnvSource, type ProviderMode } from '../../env.js';
import { Secret } from '../../secret.js';

export const SONZAI_DEFAULT_BASE_URL = 'https://api.sonz.ai/api/v1';

export interface SonzaiSettings {
  baseUrl: string;
  /** A dashboard user's Clerk session JWT: the support API takes nothing else. */
  token: Secret;
}

/** Sonzai's section of the environment (read here, not in config.ts). */
export const sonzaiEnvSchema = z.object({
  SONZAI_BASE_URL: url(),
  SONZAI_TOKEN: str(),
});

export function readSonzaiSettings(source: EnvSource): ProviderMode<SonzaiSettings> {
  const env = parseEnv(sonzaiEnvSchema, source);
  refuseBaseUrlWithoutCredentials('SONZAI', env.SONZAI_BASE_URL, env.SONZAI_TOKEN);
  if (!env.SONZAI_TOKEN) return { mode: 'sandbox' };
  return { mode: 'live', settings: { baseUrl: env.SONZAI_BASE_URL ?? SONZAI_DEFAULT_BASE_URL, token: new Secret(env.SONZAI_TOKEN) } };
}
