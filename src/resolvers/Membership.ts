import type { MembershipResolvers, TagResolvers } from '../generated/resolvers-types.js';
import { decodeId } from '../ids.js';
import { MembershipPerson } from './Person.js';

export const Membership: MembershipResolvers = {
  ...MembershipPerson,
  providerId: (membership) => membership.nativeId,
  /**
   * No provider has an endpoint that reads a person by id, so a reference resolves to
   * what its id carries: provider, native id, and the email where the id is email-based.
   */
  __resolveReference: (reference) => {
    const { provider, nativeId } = decodeId(reference.id, 'Membership');
    const email = nativeId.startsWith('email:') ? nativeId.slice('email:'.length) : null;
    return {
      id: reference.id, provider, nativeId, kind: email ? 'CONTACT' : 'USER', name: null, firstName: null, lastName: null,
      email, phone: null, avatarUrl: null, role: null, blocked: null,
    };
  },
};

export const Tag: TagResolvers = {
  providerId: (tag) => tag.nativeId,
  __resolveReference: (reference) => {
    const { provider, nativeId } = decodeId(reference.id, 'Tag');
    return { id: reference.id, provider, nativeId, name: null };
  },
};
