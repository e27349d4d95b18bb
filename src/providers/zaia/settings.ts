import { z } from 'zod';
import { emptyToUndefined, list, refuseBaseUrlWithoutCredentials, str, url, parseEnv, type EnvSource, type ProviderMode } from '../../env.js';
import { Secret } from '../../secret.js';

export const ZAIA_DEFAULT_BASE_URL = 'https://api.endless.zaia.app';

export interface ZaiaSettings {
  baseUrl: string;
  apiKey: Secret;
  /** The workspace user that completes tickets (Zaia's complete needs a userId). */
  actingUserId: string | null;
  /**
   * How the API key goes in the `authorization` header. The seed says the header carries "the
   * API key" (raw); `Bearer <key>` is the legacy API's form. null: try raw first, fall back to
   * Bearer once on a 401 and keep whichever worked. @default null (ZAIA_AUTH_SCHEME unset)
   */
  authScheme: ZaiaAuthScheme | null;
  /** @default pending, ongoing, completed (ZAIA_STATUS_VALUES, in that order) */
  statusValues: Readonly<ZaiaStatusValues>;
}

export type ZaiaAuthScheme = 'raw' | 'bearer';

/**
 * Zaia's three lifecycle status values, by role. The seed's enum is empty ("Possible values:"
 * with none listed), yet the list and create require one: these are inferred from the row's
 * `ongoingAt`/`completedAt` and the Inbox lifecycle. ZAIA_STATUS_VALUES overrides them.
 */
export interface ZaiaStatusValues {
  /** Waiting for a human (OPEN); also the status a created ticket starts in. */
  open: string;
  /** Taken over (IN_PROGRESS). */
  ongoing: string;
  /** Completed (CLOSED). */
  completed: string;
}

export const ZAIA_DEFAULT_STATUS_VALUES: Readonly<ZaiaStatusValues> = Object.freeze({ open: 'pending', ongoing: 'ongoing', completed: 'completed' });

/** Zaia's section of the environment (read here, not in config.ts). */
export const zaiaEnvSchema = z.object({
  ZAIA_BASE_URL: url(),
  ZAIA_API_KEY: str(),
  ZAIA_USER_ID: str(),
  ZAIA_AUTH_SCHEME: z.preprocess(emptyToUndefined, z.enum(['raw', 'bearer']).optional()),
  ZAIA_STATUS_VALUES: list().refine((values) => values === undefined || (values.length === 3 && new Set(values).size === 3), {
    message: 'expected three distinct comma-separated values: open, ongoing, completed (e.g. pending,ongoing,completed)',
  }),
});

export function readZaiaSettings(source: EnvSource): ProviderMode<ZaiaSettings> {
  const env = parseEnv(zaiaEnvSchema, source);
  refuseBaseUrlWithoutCredentials('ZAIA', env.ZAIA_BASE_URL, env.ZAIA_API_KEY);
  if (!env.ZAIA_API_KEY) return { mode: 'sandbox' };
  return {
    mode: 'live',
    settings: {
      baseUrl: env.ZAIA_BASE_URL ?? ZAIA_DEFAULT_BASE_URL,
      apiKey: new Secret(env.ZAIA_API_KEY),
      actingUserId: env.ZAIA_USER_ID ?? null,
      authScheme: env.ZAIA_AUTH_SCHEME ?? null,
      statusValues: statusValuesOf(env.ZAIA_STATUS_VALUES),
    },
  };
}

function statusValuesOf(values: string[] | undefined): Readonly<ZaiaStatusValues> {
  if (!values) return ZAIA_DEFAULT_STATUS_VALUES;
  const [open, ongoing, completed] = values as [string, string, string];
  return Object.freeze({ open, ongoing, completed });
}
