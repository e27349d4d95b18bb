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
