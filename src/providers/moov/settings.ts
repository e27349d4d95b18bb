import { z } from 'zod';
import { emptyToUndefined, fail, list, refuseBaseUrlWithoutCredentials, requireAll, str, url, parseEnv, type EnvSource, type ProviderMode } from '../../env.js';
import { Secret } from '../../secret.js';

export const MOOV_DEFAULT_BASE_URL = 'https://api.moov.io';
export const MOOV_API_VERSION = 'v2025.07.00';

export type MoovAuth = { kind: 'basic'; publicKey: Secret; secretKey: Secret } | { kind: 'bearer'; token: Secret };
export interface MoovSettings {
  baseUrl: string;
  auth: MoovAuth;
  accountIds: string[];
  /** Pinned X-Moov-Version. @default v2025.07.00 */
  apiVersion: string;
}

/** Moov's section of the environment (read here, not in config.ts). */
export const moovEnvSchema = z.object({
  MOOV_BASE_URL: url(),
  MOOV_PUBLIC_KEY: str(),
  MOOV_SECRET_KEY: str(),
  MOOV_ACCESS_TOKEN: str(),
  MOOV_ACCOUNT_IDS: list(),
  MOOV_API_VERSION: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^v\d{4}\.\d{2}\.\d{2}$/, 'expected vYYYY.QQ.BB')
      .optional(),
  ),
});

export function readMoovSettings(source: EnvSource): ProviderMode<MoovSettings> {
  const env = parseEnv(moovEnvSchema, source);
  refuseBaseUrlWithoutCredentials('MOOV', env.MOOV_BASE_URL, env.MOOV_PUBLIC_KEY ?? env.MOOV_ACCESS_TOKEN);
  const basic = requireAll('moov', { MOOV_PUBLIC_KEY: env.MOOV_PUBLIC_KEY, MOOV_SECRET_KEY: env.MOOV_SECRET_KEY });
  const bearer = env.MOOV_ACCESS_TOKEN !== undefined;
  if (!basic && !bearer) return { mode: 'sandbox' };
  if (!env.MOOV_ACCOUNT_IDS?.length) fail('MOOV_ACCOUNT_IDS', 'required in live mode: tickets live under an account');
  const auth: MoovAuth = bearer
    ? { kind: 'bearer', token: new Secret(env.MOOV_ACCESS_TOKEN as string) }
    : { kind: 'basic', publicKey: new Secret(env.MOOV_PUBLIC_KEY as string), secretKey: new Secret(env.MOOV_SECRET_KEY as string) };
  return {
    mode: 'live',
    settings: { baseUrl: env.MOOV_BASE_URL ?? MOOV_DEFAULT_BASE_URL, auth, accountIds: env.MOOV_ACCOUNT_IDS, apiVersion: env.MOOV_API_VERSION ?? MOOV_API_VERSION },
  };
}
