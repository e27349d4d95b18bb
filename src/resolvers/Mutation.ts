import { z } from 'zod';
import type { Context } from '../context.js';
import { supports } from '../upstream/capabilities.js';
import type { TicketProvider, WriteOperation, WriteResult } from '../upstream/provider.js';
import { BadUserInputError, UnsupportedByProviderError } from '../errors.js';
import type { MutationResolvers } from '../generated/resolvers-types.js';
import { decodeId, type IdType } from '../ids.js';
import { KIND_OF_WRITE } from '../live/events.js';
import { primeTicket } from '../loaders/index.js';
import type { ProviderKey } from '../model/provider.js';

/*
 * Inputs are checked here, before any upstream call: a bad input never reaches a
 * provider. The capability check comes first of all, so an unsupported write costs
 * nothing whatever its input.
 */

const MAX_TITLE = 200;
const MAX_BODY = 10_000;

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const optionalText = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`).nullish();

const createSchema = z.object({
  title: text(MAX_TITLE),
  description: text(MAX_BODY),
  type: optionalText(100),
  scope: optionalText(200),
  department: optionalText(200),
  requester: z.object({ email: z.email('must be an email address').nullish(), name: optionalText(200), id: optionalText(200) }).nullish(),
});

const commentSchema = z.object({ body: text(MAX_BODY) });

function validate<S extends z.ZodType>(schema: S, input: unknown, prefix = 'input'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = [prefix, ...(issue?.path ?? []).map(String)].join('.');
  throw new BadUserInputError(`${field} ${issue?.message ?? 'is invalid'}`, { argument: field });
}

/** A ticket id of ours → provider and native id (BAD_USER_INPUT on garbage). */
function ticketOf(ticketId: string): { provider: ProviderKey; nativeId: string } {
  const { provider, nativeId } = decodeId(ticketId, 'Ticket', 'input.ticketId');
  return { provider, nativeId };
}

/**
 * A person or tag reference: our global id (of the same provider), or the provider's own
 * id as is — Zaia's tags, for instance, cannot be read, so clients hold Zaia's ids.
 */
function plainId(value: string, argument: string): string {
  const trimmed = value.trim();
  // eslint-disable-next-line no-control-regex -- control characters are what this rejects
  if (trimmed.length === 0 || trimmed.length > 200 || /[\u0000-\u001f/?#\\]/.test(trimmed)) {
    throw new BadUserInputError(`${argument} is not a valid id`, { argument });
  }
  return trimmed;
}

function nativeRef(value: string, type: IdType, provider: ProviderKey, argument: string): string {
  const trimmed = plainId(value, argument);
  let decoded: ReturnType<typeof decodeId>;
  try {
    decoded = decodeId(trimmed, type, argument);
  } catch {
    // Not a global id of this type: the provider's own native id.
    return trimmed;
  }
  if (decoded.provider !== provider) {
    throw new BadUserInputError(`${argument} belongs to ${decoded.provider}, not ${provider}`, { argument });
  }
  return decoded.nativeId;
}

function providerFor(ctx: Context, key: ProviderKey, operation: WriteOperation): TicketProvider {
  const provider = ctx.registry.get(key);
  if (!supports(provider, operation)) throw new UnsupportedByProviderError(key, operation);
  return provider;
}

function done(ctx: Context, clientMutationId: string | null | undefined, result: WriteResult, operation: WriteOperation) {
  primeTicket(ctx.loaders, result.ticket);
  ctx.outcomes.ok(result.ticket.provider);
  // Announced after the provider accepted the write; not awaited, so the answer never waits on the feed (publish never throws).
  void ctx.live.publish({
    kind: KIND_OF_WRITE[operation],
    source: 'WRITE',
    ticket: result.ticket,
    activity: result.activity ?? null,
    occurredAt: result.activity?.createdAt ?? new Date(),
  });
  return { clientMutationId: clientMutationId ?? null, ticket: result.ticket, activity: result.activity ?? null };
}

async function onTicket(
  ctx: Context,
  input: { ticketId: string; clientMutationId?: string | null | undefined },
  operation: WriteOperation,
  run: (provider: TicketProvider, nativeId: string) => Promise<WriteResult>,
) {
  const { provider: key, nativeId } = ticketOf(input.ticketId);
  const provider = providerFor(ctx, key, operation);
  return done(ctx, input.clientMutationId, await run(provider, nativeId), operation);
}

export const Mutation: MutationResolvers = {
  createTicket: async (_parent, { input }, ctx) => {
    const provider = providerFor(ctx, input.provider, 'createTicket');
    const valid = validate(createSchema, input);
    const requesterRef = valid.requester?.id ? nativeRef(valid.requester.id, 'Membership', input.provider, 'input.requester.id') : null;
    const result = await provider.createTicket!(
      {
        title: valid.title,
        description: valid.description,
        type: valid.type ?? null,
        priority: input.priority ?? null,
        requesterEmail: valid.requester?.email ?? null,
        requesterName: valid.requester?.name ?? null,
        requesterNativeId: requesterRef,
        scope: valid.scope ?? null,
        department: valid.department ?? null,
        chatId: input.chatId ? plainId(input.chatId, 'input.chatId') : null,
        teamId: input.teamId ? plainId(input.teamId, 'input.teamId') : null,
        assigneeNativeId: input.assigneeId ? nativeRef(input.assigneeId, 'Membership', input.provider, 'input.assigneeId') : null,
      },
      { signal: ctx.signal },
    );
    return done(ctx, input.clientMutationId, result, 'createTicket');
  },

  addComment: (_parent, { input }, ctx) =>
    onTicket(ctx, input, 'addComment', (provider, id) => {
      const { body } = validate(commentSchema, input);
      return provider.addComment!(id, { body, internal: input.internal ?? false }, { signal: ctx.signal });
    }),

  closeTicket: (_parent, { input }, ctx) => onTicket(ctx, input, 'closeTicket', (p, id) => p.closeTicket!(id, { signal: ctx.signal })),

  reopenTicket: (_parent, { input }, ctx) => onTicket(ctx, input, 'reopenTicket', (p, id) => p.reopenTicket!(id, { signal: ctx.signal })),

  setTicketStatus: (_parent, { input }, ctx) =>
    onTicket(ctx, input, 'setTicketStatus', (p, id) => {
      if (input.status === 'UNKNOWN') throw new BadUserInputError('input.status UNKNOWN cannot be set', { argument: 'input.status' });
      return p.setTicketStatus!(id, input.status, { signal: ctx.signal });
    }),

  assignTicket: (_parent, { input }, ctx) =>
    onTicket(ctx, input, 'assignTicket', (p, id) => {
      const assignee = input.assigneeId ? nativeRef(input.assigneeId, 'Membership', p.key, 'input.assigneeId') : null;
      return p.assignTicket!(id, assignee, { signal: ctx.signal });
    }),

  takeOverTicket: (_parent, { input }, ctx) =>
    onTicket(ctx, input, 'takeOverTicket', (p, id) => p.takeOverTicket!(id, nativeRef(input.assigneeId, 'Membership', p.key, 'input.assigneeId'), { signal: ctx.signal })),

  addTicketTag: (_parent, { input }, ctx) =>
    onTicket(ctx, input, 'addTicketTag', (p, id) => p.addTicketTag!(id, nativeRef(input.tagId, 'Tag', p.key, 'input.tagId'), { signal: ctx.signal })),

  removeTicketTag: (_parent, { input }, ctx) =>
    onTicket(ctx, input, 'removeTicketTag', (p, id) => p.removeTicketTag!(id, nativeRef(input.tagId, 'Tag', p.key, 'input.tagId'), { signal: ctx.signal })),
};
