import type { z } from 'zod';
import { refuseBaseUrlWithoutCredentials, str, url, type ProviderMode } from '../../env.js';
import { Secret } from '../../secret.js';

export const ZAIA_DEFAULT_BASE_URL = 'https://api.endless.zaia.app';

export interface ZaiaSettings {
  baseUrl: string;
  apiKey: Secret;
  /** The workspace user that completes tickets (Zaia's complete needs a userId). */
  actingUserId: string | null;
}

/** Zaia's section of the environment (config.ts composes the sections). */
export const zaiaEnv = {
  ZAIA_BASE_URL: url(),
  ZAIA_API_KEY: str(),
  ZAIA_USER_ID: str(),
};
export type ZaiaEnv = z.infer<z.ZodObject<typeof zaiaEnv>>;

export function readZaiaSettings(env: ZaiaEnv): ProviderMode<ZaiaSettings> {
  refuseBaseUrlWithoutCredentials('ZAIA', env.ZAIA_BASE_URL, env.ZAIA_API_KEY);
  if (!env.ZAIA_API_KEY) return { mode: 'sandbox' };
  return {
    mode: 'live',
    settings: { baseUrl: env.ZAIA_BASE_URL ?? ZAIA_DEFAULT_BASE_URL, apiKey: new Secret(env.ZAIA_API_KEY), actingUserId: env.ZAIA_USER_ID ?? null },
  };
}
