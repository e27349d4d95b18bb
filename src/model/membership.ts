import { encodeId } from '../ids.js';
import type { ProviderKey } from './provider.js';

/** How a person appears in one provider. */
export type MembershipKind = 'USER' | 'MEMBER' | 'CONTACT' | 'AGENT' | 'OWNER' | 'RESPONDER' | 'AI' | 'SYSTEM';

export interface MembershipModel {
  /** Global id (ids.ts), stable for the same provider person. */
  id: string;
  provider: ProviderKey;
  /** The provider's own id, or a synthetic one (hash of the email) where the provider has none. */
  nativeId: string;
  kind: MembershipKind;
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  avatarUrl: string | null;
  /** The provider's own role words (Spacebring roleType/type, Sonzai author_type, …). */
  role: string | null;
  blocked: boolean | null;
}

/** A person by email, across providers (federation key). */
export interface PersonModel {
  email: string;
}

/*
 * The one email pattern, and the one convention for people known only by email. Loose on
 * purpose: something@something without spaces. Providers disagree on the rest, and a
 * dotless domain is still an address; the pattern only has to tell an email from a name,
 * a handle or a phone number.
 */
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export const isEmail = (value: string): boolean => EMAIL.test(value.trim());

/** Emails compare case-insensitively everywhere (ids, filters, Person keys). */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

const EMAIL_ID_PREFIX = 'email:';

/**
 * The native id of a person a provider shows without an id of its own (or with ids that
 * differ between its list and its detail): `email:<lower-cased email>`, so the same person
 * has one membership id wherever they appear.
 */
export const emailNativeId = (email: string): string => `${EMAIL_ID_PREFIX}${normaliseEmail(email)}`;

/** The email an `email:` native id stands for; null for a provider's own id (which can be sent back to it). */
export const emailOfNativeId = (nativeId: string): string | null => (nativeId.startsWith(EMAIL_ID_PREFIX) ? nativeId.slice(EMAIL_ID_PREFIX.length) : null);

/** Everything of a membership but its identity; absent fields are null (the provider does not say). */
export type MembershipFields = Partial<Omit<MembershipModel, 'id' | 'provider' | 'nativeId' | 'kind'>>;

/** The one membership factory: the global id is derived from provider and native id, unset fields are null. */
export function createMembership(provider: ProviderKey, nativeId: string, kind: MembershipKind, fields: MembershipFields = {}): MembershipModel {
  return {
    id: encodeId('Membership', provider, nativeId),
    provider,
    nativeId,
    kind,
    name: fields.name ?? null,
    firstName: fields.firstName ?? null,
    lastName: fields.lastName ?? null,
    email: fields.email ?? null,
    phone: fields.phone ?? null,
    avatarUrl: fields.avatarUrl ?? null,
    role: fields.role ?? null,
    blocked: fields.blocked ?? null,
  };
}
