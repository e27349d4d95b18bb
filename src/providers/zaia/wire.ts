import { z } from 'zod';

/**
 * Zaia "Public API" (alpha) payloads. The docs mark every field Required, many of them
 * nullable: required ones are strict here, nullable ones `.nullish()` so that a field the
 * alpha API starts omitting does not break reads. Enums (status, channelType, ownerEntity,
 * responderEntity, circumstance) are plain strings: their values are not published, and
 * the mapper keeps the raw value.
 */

/** A date-time that must parse: a timestamp we cannot read is a broken payload, not a null. */
const dateTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), { message: 'not a date-time' });

/** `GET /api/v1/tickets/{id}/details` and each row of `GET /api/v1/tickets/details`. */
export const zaiaTicketDetailsSchema = z.object({
  id: z.string(),
  status: z.string(),
  summary: z.string(),
  createdAt: dateTime,
  ongoingAt: dateTime.nullish(),
  completedAt: dateTime.nullish(),

  chatId: z.string(),
  channelId: z.string().nullish(),
  channelName: z.string().nullish(),
  channelType: z.string().nullish(),

  assigneeId: z.string().nullish(),
  assigneeName: z.string().nullish(),
  assigneeEmail: z.string().nullish(),
  assigneePicture: z.string().nullish(),

  ticketingTeamId: z.string().nullish(),
  ticketingTeamName: z.string().nullish(),
  ticketingTeamPicture: z.string().nullish(),

  responderEntity: z.string(),
  responderId: z.string(),
  responderName: z.string(),
  responderPicture: z.string().nullish(),

  chatOwnerId: z.string(),
  ownerEntity: z.string(),
  ownerEmail: z.string().nullish(),
  ownerIdentifier: z.string().nullish(),
  ownerName: z.string().nullish(),
  isOwnerBlocked: z.boolean().nullish(),
});
export type ZaiaTicketDetails = z.infer<typeof zaiaTicketDetailsSchema>;

/**
 * The list's envelope is not documented (the docs show the row fields only): we assume a
 * bare JSON array of rows, with no total.
 */
export const zaiaTicketDetailsListSchema = z.array(zaiaTicketDetailsSchema);

/** The list as the client reads it: the array now, each row when the feed uses it (src/upstream/rows.ts). */
export const zaiaTicketDetailsListEnvelopeSchema = z.array(z.unknown());

/** What a list row's place in the feed is made of (updatedAt is derived from the lifecycle times). */
export const zaiaTicketKeySchema = zaiaTicketDetailsSchema.pick({ id: true, createdAt: true, ongoingAt: true, completedAt: true });
export type ZaiaTicketKey = z.infer<typeof zaiaTicketKeySchema>;

/** The raw ticket entity every ticket mutation returns (no people, no names). */
export const zaiaTicketSchema = z.object({
  id: z.string(),
  createdAt: dateTime,
  updatedAt: dateTime,
  assigneeId: z.string().nullish(),
  chatId: z.string(),
  circumstance: z.string(),
  completedAt: dateTime.nullish(),
  lastViewedAt: dateTime.nullish(),
  ongoingAt: dateTime.nullish(),
  status: z.string(),
  summary: z.string(),
  ticketingTeamId: z.string().nullish(),
});
export type ZaiaTicket = z.infer<typeof zaiaTicketSchema>;

/** `POST /api/v1/tickets/{ticketId}/tags`: the link that was created. */
export const zaiaTicketTagSchema = z.object({
  ticketId: z.string(),
  tagId: z.string(),
  createdAt: dateTime,
  updatedAt: dateTime,
});
export type ZaiaTicketTag = z.infer<typeof zaiaTicketTagSchema>;

/** Calls with no entity to return (`DELETE …/tags/{tagId}`). */
export const zaiaMessageSchema = z.object({ message: z.string() });
export type ZaiaMessage = z.infer<typeof zaiaMessageSchema>;

/**
 * Error body: NOT documented (the alpha spec lists 200 responses only). Assumed to be the
 * usual NestJS-style `{ statusCode, message, error }`, where `message` may be a list of
 * validation messages.
 */
export const zaiaErrorSchema = z.object({
  statusCode: z.number().int(),
  message: z.union([z.string(), z.array(z.string())]),
  error: z.string().nullish(),
});
export type ZaiaError = z.infer<typeof zaiaErrorSchema>;

/**
 * `GET /api/v1/ticketing-teams` and `GET /api/v1/chats`: documented to exist with
 * page-number paging, field lists not captured. Not read by the datasource; the sandbox
 * serves them so that a client can find the chat and team ids createTicket needs.
 */
export const zaiaTicketingTeamSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  picture: z.string().nullish(),
  createdAt: dateTime,
  updatedAt: dateTime,
});
export type ZaiaTicketingTeam = z.infer<typeof zaiaTicketingTeamSchema>;
export const zaiaTicketingTeamListSchema = z.array(zaiaTicketingTeamSchema);

export const zaiaChatSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  channelId: z.string().nullish(),
  channelType: z.string().nullish(),
  ownerId: z.string(),
  ownerEntity: z.string(),
  responderEntity: z.string(),
  responderId: z.string(),
  isRemoved: z.boolean(),
  lastMessageAt: dateTime.nullish(),
  createdAt: dateTime,
  updatedAt: dateTime,
});
export type ZaiaChat = z.infer<typeof zaiaChatSchema>;
export const zaiaChatListSchema = z.array(zaiaChatSchema);
