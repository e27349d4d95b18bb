import type { z } from 'zod';
import type { ProviderKey } from '../model/provider.js';
import { providerText, UpstreamError } from './errors.js';

/** Called for each payload that breaks its schema (metrics, logs). */
export type BadPayloadListener = (info: { provider: ProviderKey; operation: string; path: string; issues: unknown }) => void;

/**
 * The one point where upstream payloads are checked: a payload that breaks its schema
 * never reaches a mapper half-parsed. The client sees the provider and the path of the
 * first bad field; the full zod issues go to the listener (logs) only.
 */
export function parsePayload<S extends z.ZodType>(
  provider: ProviderKey,
  operation: string,
  schema: S,
  body: unknown,
  onBadPayload?: BadPayloadListener,
  /** Where `body` sits in the payload (a list row: `['items', 3]`), prefixed to the reported path. */
  at: readonly (string | number)[] = [],
): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const full = [...at, ...(first?.path ?? [])];
  // Record keys in the path are the provider's text: redacted and capped like any other.
  const path = full.length > 0 ? providerText(full.map(String).join('.'), 200) : '(root)';
  onBadPayload?.({ provider, operation, path, issues: result.error.issues });
  return failBadPayload(provider, operation, path);
}

export function failBadPayload(provider: ProviderKey, operation: string, path: string): never {
  throw new UpstreamError('UPSTREAM_BAD_RESPONSE', `${provider} answered ${operation} with a payload that breaks its schema at ${path}`, { provider, operation, path });
}
