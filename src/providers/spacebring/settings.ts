import { z } from 'zod';
import { fail, list, refuseBaseUrlWithoutCredentials, requireAll, str, url, parseEnv, type EnvSource, type ProviderMode } from '../../env.js';
import { Secret } from '../../secret.js';

export const SPACEBRING_DEFAULT_BASE_URL = 'https://api.spacebring.com';

export type SpacebringAuth =
  | { kind: 'basic'; clientId: Secret; clientSecret: Secret }
  | { kind: 'oauth'; accessToken: Secret; networkId: string };
export interface SpacebringSettings {
  baseUrl: string;
  auth: SpacebringAuth;
  /** The list endpoint needs a location: the feed walks these. */
  locationRefs: string[];
}

/** Spacebring's section of the environment (read here, not in config.ts). */
export const spacebringEnvSchema = z.object({
  SPACEBRING_BASE_URL: url(),
  SPACEBRING_CLIENT_ID: str(),
  SPACEBRING_CLIENT_SECRET: str(),
  SPACEBRING_ACCESS_TOKEN: str(),
  SPACEBRING_NETWORK_ID: str(),
  SPACEBRING_LOCATION_REFS: list(),
});

export function readSpacebringSettings(source: EnvSource): ProviderMode<SpacebringSettings> {
  const env = parseEnv(spacebringEnvSchema, source);
  refuseBaseUrlWithoutCredentials('SPACEBRING', env.SPACEBRING_BASE_URL, env.SPACEBRING_CLIENT_ID ?? env.SPACEBRING_ACCESS_TOKEN);
  const basic = requireAll('spacebring', { SPACEBRING_CLIENT_ID: env.SPACEBRING_CLIENT_ID, SPACEBRING_CLIENT_SECRET: env.SPACEBRING_CLIENT_SECRET });
  const oauth = requireAll('spacebring', { SPACEBRING_ACCESS_TOKEN: env.SPACEBRING_ACCESS_TOKEN, SPACEBRING_NETWORK_ID: env.SPACEBRING_NETWORK_ID });
  if (!basic && !oauth) return { mode: 'sandbox' };
  if (!env.SPACEBRING_LOCATION_REFS?.length) fail('SPACEBRING_LOCATION_REFS', 'required in live mode: the ticket list needs a location');
  // OAuth wins when both are given: it can also create and comment.
  const auth: SpacebringAuth = oauth
    ? { kind: 'oauth', accessToken: new Secret(env.SPACEBRING_ACCESS_TOKEN as string), networkId: env.SPACEBRING_NETWORK_ID as string }
    : { kind: 'basic', clientId: new Secret(env.SPACEBRING_CLIENT_ID as string), clientSecret: new Secret(env.SPACEBRING_CLIENT_SECRET as string) };
  return { mode: 'live', settings: { baseUrl: env.SPACEBRING_BASE_URL ?? SPACEBRING_DEFAULT_BASE_URL, auth, locationRefs: env.SPACEBRING_LOCATION_REFS } };
}
