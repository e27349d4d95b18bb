import { z } from 'zod';

/*
 * Sonzai dashboard support payloads (seed 004, sonz.ai/docs/en/api/support, the production
 * openapi.json in sonz-ai/sonzai-go). The server is Huma (Go): every body carries a
 * `$schema` link, which z.object strips. Status, priority and type stay strings: the docs
 * give no enum, and the mapper keeps the raw values. Go serialises a nil slice as `null`,
 * so arrays that may be empty are `.nullish()`.
 */

/** RFC 3339 from Go's time.Time: offsets and fractional seconds are legal. */
const timestamp = z.iso.datetime({ offset: true });

export const SONZAI_TICKET_STATUSES = ['open', 'in_progress', 'resolved', 'closed'] as const;
export type SonzaiTicketStatus = (typeof SONZAI_TICKET_STATUSES)[number];

export const sonzaiCommentSchema = z.object({
  comment_id: z.string().min(1),
  ticket_id: z.string().nullish(),
  author_id: z.string().nullish(),
  author_email: z.string().nullish(),
  /** `user` for the dashboard user, a staff word (`staff`, `admin`, …) for Sonzai support [inferred]. */
  author_type: z.string().nullish(),
  content: z.string(),
  is_internal: z.boolean(),
  created_at: timestamp,
});
export type SonzaiComment = z.infer<typeof sonzaiCommentSchema>;

/** `SupportTicket`: create, close, and the `ticket` of the detail. */
export const sonzaiTicketSchema = z.object({
  // Non-empty: it is our native id and the path segment of every later call.
  ticket_id: z.string().min(1),
  title: z.string(),
  description: z.string().nullish(),
  type: z.string().nullish(),
  status: z.string(),
  priority: z.string().nullish(),
  created_by: z.string().nullish(),
  created_by_email: z.string().nullish(),
  assigned_to: z.string().nullish(),
  assigned_to_email: z.string().nullish(),
  comments: z.array(sonzaiCommentSchema).nullish(),
  created_at: timestamp,
  updated_at: timestamp,
  resolved_at: timestamp.nullish(),
});
export type SonzaiTicket = z.infer<typeof sonzaiTicketSchema>;

/** `TicketSummary`: a list row. No ids of people, only their emails; no description, no comments. */
export const sonzaiTicketSummarySchema = z.object({
  ticket_id: z.string().min(1),
  title: z.string(),
  type: z.string().nullish(),
  status: z.string(),
  priority: z.string().nullish(),
  created_by_email: z.string().nullish(),
  assigned_to_email: z.string().nullish(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type SonzaiTicketSummary = z.infer<typeof sonzaiTicketSummarySchema>;

/**
 * `GET /support/tickets`. Two paging dialects exist: the production spec's cursor form
 * (`next_cursor`) and the seed's offset form (`total`). Both are optional so either parses.
 */
export const sonzaiTicketListSchema = z.object({
  tickets: z.array(sonzaiTicketSummarySchema).nullish(),
  has_more: z.boolean(),
  next_cursor: z.string().nullish(),
  total: z.number().int().nonnegative().nullish(),
});
export type SonzaiTicketList = z.infer<typeof sonzaiTicketListSchema>;

/** The list as the client reads it: the envelope now, each row when the feed uses it (src/upstream/rows.ts). */
export const sonzaiTicketListEnvelopeSchema = sonzaiTicketListSchema.extend({ tickets: z.array(z.unknown()).nullish() });

/** What a list row's place in the feed is made of. */
export const sonzaiTicketKeySchema = sonzaiTicketSummarySchema.pick({ ticket_id: true, updated_at: true });
export type SonzaiTicketKey = z.infer<typeof sonzaiTicketKeySchema>;

export const sonzaiHistorySchema = z.object({
  history_id: z.string().min(1),
  ticket_id: z.string().nullish(),
  changed_by: z.string().nullish(),
  changed_by_email: z.string().nullish(),
  /** `status`, `assigned_to`, `priority`, … (free string). */
  field_changed: z.string(),
  old_value: z.string().nullish(),
  new_value: z.string().nullish(),
  created_at: timestamp,
});
export type SonzaiHistory = z.infer<typeof sonzaiHistorySchema>;

/** `GET /support/tickets/{ticketId}`: the ticket with its comments, and the change history beside it. */
export const sonzaiTicketDetailSchema = z.object({
  ticket: sonzaiTicketSchema,
  history: z.array(sonzaiHistorySchema).nullish(),
});
export type SonzaiTicketDetail = z.infer<typeof sonzaiTicketDetailSchema>;

/** Request of `POST /support/tickets`. The server defaults `type` to `support` and `priority` to `medium`. */
export const sonzaiCreateTicketRequestSchema = z.object({
  title: z.string(),
  description: z.string(),
  type: z.string(),
  priority: z.string().optional(),
});
export type SonzaiCreateTicketRequest = z.infer<typeof sonzaiCreateTicketRequestSchema>;

/** Request of `POST /support/tickets/{ticketId}/comments`; user comments are never internal. */
export const sonzaiAddCommentRequestSchema = z.object({ content: z.string() });
export type SonzaiAddCommentRequest = z.infer<typeof sonzaiAddCommentRequestSchema>;

/** RFC 7807 problem+json as Huma writes it (`ErrorModel`). Every field may be missing. */
export const sonzaiErrorDetailSchema = z.object({
  location: z.string().nullish(),
  message: z.string().nullish(),
  value: z.unknown().optional(),
});
export const sonzaiErrorSchema = z.object({
  type: z.string().nullish(),
  title: z.string().nullish(),
  status: z.number().int().nullish(),
  detail: z.string().nullish(),
  instance: z.string().nullish(),
  errors: z.array(sonzaiErrorDetailSchema).nullish(),
});
export type SonzaiError = z.infer<typeof sonzaiErrorSchema>;
