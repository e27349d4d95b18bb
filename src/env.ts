import { z } from 'zod';

/*
 * The pieces config.ts and the providers' settings.ts share: the env value parsers and the one
 * error a bad value raises. Nothing here reads process.env (config.ts does, once).
 */

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** A provider is on the sandbox (no credentials set) or live with its settings. */
export type ProviderMode<S> = { mode: 'sandbox' } | { mode: 'live'; settings: S };

export const emptyToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
export const str = () => z.preprocess(emptyToUndefined, z.string().optional());
export const url = () => z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional());
export const int = (min: number, max: number) => z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).optional());
export const list = () =>
  z.preprocess(
    (value) =>
      typeof value === 'string' && value.trim() !== ''
        ? value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined,
    z.array(z.string()).optional(),
  );

/** The environment as config.ts hands it over (process.env in production, a literal in tests). */
export type EnvSource = Record<string, string | undefined>;

/** Parses one section of the environment; a bad value stops the start with one line naming the variable. */
export function parseEnv<T extends z.ZodType>(schema: T, source: EnvSource): z.infer<T> {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path[0] !== undefined ? String(issue.path[0]) : 'environment';
    const detail = issue?.path.length && issue.path.length > 1 ? ` (${issue.path.slice(1).join('.')})` : '';
    fail(variable, `${issue?.message ?? 'invalid value'}${detail}`);
  }
  return parsed.data;
}

export function fail(variable: string, reason: string): never {
  throw new ConfigError(`${variable}: ${reason}`);
}

/** True when every one of `present` is set, false when none is; half a set is an error. */
export function requireAll(provider: string, present: Record<string, unknown>): boolean {
  const set = Object.entries(present)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);
  const missing = Object.entries(present)
    .filter(([, v]) => v === undefined)
    .map(([k]) => k);
  if (set.length > 0 && missing.length > 0) {
    fail(missing[0] as string, `required because ${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} set (${provider} live mode)`);
  }
  return set.length > 0;
}

/** A base URL only means something for a live provider: set alone it is a mistake, not a sandbox. */
export function refuseBaseUrlWithoutCredentials(prefix: string, baseUrl: string | undefined, credential: unknown): void {
  if (baseUrl !== undefined && credential === undefined) {
    fail(`${prefix}_BASE_URL`, `set without credentials; set the ${prefix.toLowerCase()} credentials too, or unset it for the sandbox`);
  }
}
