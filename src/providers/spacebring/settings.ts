import { z } from 'zod';
import { fail, list, refuseBaseUrlWithoutCredentials, requireAll, str, url, parseEnv, type EnvSource, type ProviderMode } from '../../env.js';
import { Secret } from '../../secret.js';

export const SPACEBRING_DEFAULT_BASE_URL = 'https://api.spacebring.com';

export type SpacebringAuth =
  | { kind: 'basic'; clientId: Secret; clientSecret: Secret }
  | {
      kind: 'oauth';
      accessToken: Secret;
      networkId: string;
      /** Header carrying the network id: not in the seed, inferred. @default spacebring-network-id */
      networkHeader: string;
    };

/** The header name is not in the seed (SPACEBRING_NETWORK_HEADER overrides it). */
export const SPACEBRING_DEFAULT_NETWORK_HEADER = 'spacebring-network-id';
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
  SPACEBRING_NETWORK_HEADER: str().refine((name) => name === undefined || /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name), {
    message: 'not an HTTP header name',
  }),
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
    ? {
        kind: 'oauth',
        accessToken: new Secret(env.SPACEBRING_ACCESS_TOKEN as string),
        networkId: env.SPACEBRING_NETWORK_ID as string,
        networkHeader: (env.SPACEBRING_NETWORK_HEADER ?? SPACEBRING_DEFAULT_NETWORK_HEADER).toLowerCase(),
      }
    : { kind: 'basic', clientId: new Secret(env.SPACEBRING_CLIENT_ID as string), clientSecret: new Secret(env.SPACEBRING_CLIENT_SECRET as string) };
  return { mode: 'live', settings: { baseUrl: env.SPACEBRING_BASE_URL ?? SPACEBRING_DEFAULT_BASE_URL, auth, locationRefs: env.SPACEBRING_LOCATION_REFS } };
}
