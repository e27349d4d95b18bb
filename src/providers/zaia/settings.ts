import { z } from 'zod';
import { refuseBaseUrlWithoutCredentials, str, url, parseEnv, type EnvSource, type ProviderMode } from '../../env.js';
import { Secret } from '../../secret.js';

export const ZAIA_DEFAULT_BASE_URL = 'https://api.endless.zaia.app';

export interface ZaiaSettings {
  baseUrl: string;
  apiKey: Secret;
  /** The workspace user that completes tickets (Zaia's complete needs a userId). */
  actingUserId: string | null;
}

/** Zaia's section of the environment (read here, not in config.ts). */
export const zaiaEnvSchema = z.object({
  ZAIA_BASE_URL: url(),
  ZAIA_API_KEY: str(),
  ZAIA_USER_ID: str(),
});

export function readZaiaSettings(source: EnvSource): ProviderMode<ZaiaSettings> {
  const env = parseEnv(zaiaEnvSchema, source);
  refuseBaseUrlWithoutCredentials('ZAIA', env.ZAIA_BASE_URL, env.ZAIA_API_KEY);
  if (!env.ZAIA_API_KEY) return { mode: 'sandbox' };
  return {
    mode: 'live',
    settings: { baseUrl: env.ZAIA_BASE_URL ?? ZAIA_DEFAULT_BASE_URL, apiKey: new Secret(env.ZAIA_API_KEY), actingUserId: env.ZAIA_USER_ID ?? null },
  };
}
