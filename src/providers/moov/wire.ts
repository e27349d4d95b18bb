import { z } from 'zod';

/*
 * Moov support-ticket payloads (seed 001, docs.moov.io, moov-typescript models). Only what
 * mapper.ts reads; z.object strips the rest. Status stays a string: the TS SDK treats the
 * enum as open, and the mapper keeps the raw value in providerStatus.
 */

/** RFC 3339 as the docs state; offsets and fractional seconds are legal. */
const timestamp = z.iso.datetime({ offset: true });

export const MOOV_TICKET_STATUSES = ['new', 'in-progress', 'on-hold', 'closed'] as const;
export type MoovTicketStatus = (typeof MOOV_TICKET_STATUSES)[number];

export const moovContactSchema = z.object({
  email: z.string(),
  name: z.string().nullish(),
});
export type MoovContact = z.infer<typeof moovContactSchema>;

export const moovTicketSchema = z.object({
  // Non-empty because it becomes half of our native id (`accountID/ticketID`).
  ticketID: z.string().min(1),
  number: z.number().int(),
  title: z.string(),
  contact: moovContactSchema,
  status: z.string(),
  createdOn: timestamp,
  updatedOn: timestamp,
  latestMessageOn: timestamp.nullish(),
  closedOn: timestamp.nullish(),
  foreignID: z.string().nullish(),
});
export type MoovTicket = z.infer<typeof moovTicketSchema>;

const moovNextPageSchema = z.object({ cursor: z.string().min(1) }).nullish();

/** `GET /accounts/{accountID}/tickets`: `nextPage` is missing on the last page. */
export const moovTicketListSchema = z.object({
  items: z.array(moovTicketSchema),
  nextPage: moovNextPageSchema,
});
export type MoovTicketList = z.infer<typeof moovTicketListSchema>;

/** The list as the client reads it: the envelope now, each row when the feed uses it (src/upstream/rows.ts). */
export const moovTicketListEnvelopeSchema = z.object({ items: z.array(z.unknown()), nextPage: moovNextPageSchema });

/** What a list row's place in the feed is made of. */
export const moovTicketKeySchema = moovTicketSchema.pick({ ticketID: true, updatedOn: true });
export type MoovTicketKey = z.infer<typeof moovTicketKeySchema>;

/** `author` is a free string (a name or an email); there is no message id. */
export const moovMessageSchema = z.object({
  author: z.string(),
  body: z.string(),
  sentOn: timestamp,
});
export type MoovMessage = z.infer<typeof moovMessageSchema>;

/** `GET …/tickets/{ticketID}/messages`: a bare array, no paging. */
export const moovMessageListSchema = z.array(moovMessageSchema);

/** Request of `POST /accounts/{accountID}/tickets`; the body becomes the first message. */
export const moovCreateTicketRequestSchema = z.object({
  title: z.string(),
  body: z.string(),
  contact: z.object({ email: z.string(), name: z.string().optional() }),
  /** Overrides the author of the first message. */
  author: z.string().optional(),
  foreignID: z.string().optional(),
});
export type MoovCreateTicketRequest = z.infer<typeof moovCreateTicketRequestSchema>;

/** Request of `PATCH …/tickets/{ticketID}`: `closed` is the only value the API accepts. */
export const moovUpdateTicketRequestSchema = z.object({ status: z.literal('closed').optional() });
export type MoovUpdateTicketRequest = z.infer<typeof moovUpdateTicketRequestSchema>;

/** 400 and 409 (`GenericError`). */
export const moovGenericErrorSchema = z.object({ error: z.string() });
export type MoovGenericError = z.infer<typeof moovGenericErrorSchema>;

/** 422 on create: mirrors the request, each field holding its message. */
export const moovCreateTicketErrorSchema = z.object({
  title: z.string().optional(),
  body: z.string().optional(),
  author: z.string().optional(),
  contact: z.object({ email: z.string().optional(), name: z.string().optional() }).optional(),
  foreignID: z.string().optional(),
});
export type MoovCreateTicketError = z.infer<typeof moovCreateTicketErrorSchema>;

/** 422 on update. */
export const moovUpdateTicketErrorSchema = z.object({ status: z.string().optional() });
export type MoovUpdateTicketError = z.infer<typeof moovUpdateTicketErrorSchema>;
