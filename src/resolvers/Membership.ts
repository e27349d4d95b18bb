import type { Context } from '../context.js';
import { TicketgraphError } from '../errors.js';
import type { MembershipResolvers, TagResolvers } from '../generated/resolvers-types.js';
import { decodeId } from '../ids.js';
import { createMembership, emailOfNativeId, type MembershipModel } from '../model/membership.js';
import type { TagModel } from '../model/tag.js';
import { MembershipPerson } from './Person.js';

/*
 * Every field of a person or tag is answered from the directory's merged record (see
 * directory.ts), so one id carries one set of values wherever it appears.
 */
const fromDirectory =
  <K extends keyof MembershipModel>(field: K) =>
  (membership: MembershipModel, _args: unknown, ctx: Context): MembershipModel[K] =>
    ctx.directory.membership(membership)[field];

/**
 * No provider has an endpoint that reads a person by id: a reference resolves to what the
 * directory knows, or else to what its id carries (provider, native id, the email where
 * the id is email-based).
 */
export function membershipById(id: string, ctx: Context): MembershipModel {
  const known = ctx.directory.knownMembership(id);
  if (known) return known;
  const { provider, nativeId } = decodeId(id, 'Membership');
  const email = emailOfNativeId(nativeId);
  // The reference's own id, as the gateway sent it.
  return { ...createMembership(provider, nativeId, email ? 'CONTACT' : 'USER', { email }), id };
}

/** A tag the directory has seen (no provider reads one tag by id); NOT_FOUND otherwise. */
export function tagById(id: string, ctx: Context): TagModel {
  const known = ctx.directory.knownTag(id);
  if (known) return known;
  const { provider } = decodeId(id, 'Tag');
  throw new TicketgraphError('NOT_FOUND', `This tag is not known yet: no ${provider} endpoint reads a tag by id; read a ticket that carries it first`, { provider });
}

export const Membership: MembershipResolvers = {
  ...MembershipPerson,
  providerId: (membership) => membership.nativeId,
  kind: fromDirectory('kind'),
  name: fromDirectory('name'),
  firstName: fromDirectory('firstName'),
  lastName: fromDirectory('lastName'),
  email: fromDirectory('email'),
  phone: fromDirectory('phone'),
  avatarUrl: fromDirectory('avatarUrl'),
  blocked: fromDirectory('blocked'),
  role: () => null,
  __resolveReference: (reference, ctx) => membershipById(reference.id, ctx),
};

export const Tag: TagResolvers = {
  providerId: (tag) => tag.nativeId,
  name: (tag, _args, ctx) => ctx.directory.tag(tag).name,
  __resolveReference: (reference, ctx) => {
    const known = ctx.directory.knownTag(reference.id);
    if (known) return known;
    // A gateway's reference to a tag not seen yet: what its id carries.
    const { provider, nativeId } = decodeId(reference.id, 'Tag');
    return { id: reference.id, provider, nativeId, name: null };
  },
};
