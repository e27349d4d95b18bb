import type { z } from 'zod';
import { refuseBaseUrlWithoutCredentials, str, url, type ProviderMode } from '../../env.js';
import { Secret } from '../../secret.js';

export const SONZAI_DEFAULT_BASE_URL = 'https://api.sonz.ai/api/v1';

export interface SonzaiSettings {
  baseUrl: string;
  /** A dashboard user's Clerk session JWT: the support API takes nothing else. */
  token: Secret;
}

/** Sonzai's section of the environment (config.ts composes the sections). */
export const sonzaiEnv = {
  SONZAI_BASE_URL: url(),
  SONZAI_TOKEN: str(),
};
export type SonzaiEnv = z.infer<z.ZodObject<typeof sonzaiEnv>>;

export function readSonzaiSettings(env: SonzaiEnv): ProviderMode<SonzaiSettings> {
  refuseBaseUrlWithoutCredentials('SONZAI', env.SONZAI_BASE_URL, env.SONZAI_TOKEN);
  if (!env.SONZAI_TOKEN) return { mode: 'sandbox' };
  return { mode: 'live', settings: { baseUrl: env.SONZAI_BASE_URL ?? SONZAI_DEFAULT_BASE_URL, token: new Secret(env.SONZAI_TOKEN) } };
}
