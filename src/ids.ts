import { BadUserInputError } from './errors.js';
import { isProviderKey, type ProviderKey } from './model/provider.js';

/** Types that carry a global id. */
export const ID_TYPES = ['Ticket', 'Membership', 'Tag', 'Activity'] as const;
export type IdType = (typeof ID_TYPES)[number];

export interface DecodedId {
  type: IdType;
  provider: ProviderKey;
  nativeId: string;
}

const MAX_ID_LENGTH = 1024;

/**
 * Opaque global id: base64url of `Type:provider:nativeId`. The native id may itself contain
 * `:` or `/` (Moov's `accountID/ticketID`), so only the first two separators split.
 */
export function encodeId(type: IdType, provider: ProviderKey, nativeId: string): string {
  return Buffer.from(`${type}:${provider}:${nativeId}`, 'utf8').toString('base64url');
}

export function decodeId(id: string, expected?: IdType, argument = 'id'): DecodedId {
  const bad = (why: string) => new BadUserInputError(`Invalid ${argument}: ${why}`, { argument });
  if (typeof id !== 'string' || id.length === 0) throw bad('empty id');
  if (id.length > MAX_ID_LENGTH) throw bad('too long');
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(id)) throw bad('not an id issued by ticketgraph');
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const first = text.indexOf(':');
  const second = first < 0 ? -1 : text.indexOf(':', first + 1);
  if (first < 0 || second < 0) throw bad('not an id issued by ticketgraph');
  const type = text.slice(0, first);
  const provider = text.slice(first + 1, second);
  const nativeId = text.slice(second + 1);
  if (!(ID_TYPES as readonly string[]).includes(type)) throw bad('not an id issued by ticketgraph');
  if (!isProviderKey(provider)) throw bad(`unknown provider "${provider.slice(0, 40)}"`);
  // eslint-disable-next-line no-control-regex -- control characters are what this rejects
  if (nativeId.length === 0 || /[\u0000-\u001f]/.test(nativeId)) throw bad('malformed native id');
  if (expected && type !== expected) throw bad(`expected a ${expected} id, got a ${type} id`);
  return { type: type as IdType, provider, nativeId };
}
