import { z } from 'zod';

/*
 * Spacebring Support payloads (GET/POST/PUT /support/tickets/v1…). The seed's example
 * leaves out `status`, `type` and the activity `type` that the current spec marks
 * required, so those are optional here: the seed must still parse, and the mapper
 * falls back (UNKNOWN status, a kind inferred from the activity's data).
 */

/** ISO 8601 timestamp; one that does not parse is a schema error, not an Invalid Date later. */
const timestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), { message: 'not a timestamp' });

export const spacebringUserSchema = z.object({
  id: z.string(),
  /** First name. */
  name: z.string().nullish(),
  surname: z.string().nullish(),
  /** Only "when visible to the caller". */
  email: z.string().nullish(),
  phoneNumber: z.string().nullish(),
  photoUrl: z.string().nullish(),
  blocked: z.boolean().nullish(),
});
export type SpacebringUser = z.infer<typeof spacebringUserSchema>;

export const spacebringMembershipSchema = z.object({
  id: z.string(),
  roleType: z.string().nullish(),
  type: z.string().nullish(),
  user: spacebringUserSchema.nullish(),
});
export type SpacebringMembership = z.infer<typeof spacebringMembershipSchema>;

export const spacebringAttachmentSchema = z.object({
  key: z.string(),
  mime: z.string().nullish(),
  name: z.string().nullish(),
  size: z.number().nullish(),
  url: z.string().nullish(),
});
export type SpacebringAttachment = z.infer<typeof spacebringAttachmentSchema>;

export const spacebringTicketSchema = z.object({
  id: z.string(),
  /** Per location, not globally unique. */
  number: z.number().int(),
  description: z.string(),
  locationRef: z.string(),
  status: z.string().nullish(),
  /** The category (access, bookings, …). */
  type: z.string().nullish(),
  createDate: timestamp,
  updateDate: timestamp,
  statusUpdateDate: timestamp.nullish(),
  userRequester: spacebringUserSchema.nullish(),
  userAssignee: spacebringUserSchema.nullish(),
  userRefAssignee: z.string().nullish(),
  membershipRequester: spacebringMembershipSchema.nullish(),
  membershipRefRequester: z.string().nullish(),
  /** Deprecated in favour of userAssignee/userRefAssignee. */
  membershipAssignee: spacebringMembershipSchema.nullish(),
  membershipRefAssignee: z.string().nullish(),
});
export type SpacebringTicket = z.infer<typeof spacebringTicketSchema>;

const assigneeFields = {
  userAssignee: spacebringUserSchema.nullish(),
  userRefAssignee: z.string().nullish(),
  membershipAssignee: spacebringMembershipSchema.nullish(),
  membershipRefAssignee: z.string().nullish(),
};

export const spacebringActivityDataSchema = z.object({
  text: z.string().nullish(),
  attachments: z.array(spacebringAttachmentSchema).nullish(),
  status: z.string().nullish(),
  ...assigneeFields,
  previousAttributes: z.object({ status: z.string().nullish(), ...assigneeFields }).nullish(),
});
export type SpacebringActivityData = z.infer<typeof spacebringActivityDataSchema>;

export const spacebringActivitySchema = z.object({
  id: z.string(),
  ticketRef: z.string(),
  /** ticketCreated | comment | statusUpdated | assigneeUpdated; absent in the seed. */
  type: z.string().nullish(),
  createDate: timestamp,
  membership: spacebringMembershipSchema.nullish(),
  /** Present when Spacebring's "Lem AI" assistant acted. */
  lemAI: z.object({ name: z.string().nullish(), photoUrl: z.string().nullish() }).nullish(),
  data: spacebringActivityDataSchema.nullish(),
});
export type SpacebringActivity = z.infer<typeof spacebringActivitySchema>;

/** GET /support/tickets/v1/{id} and POST /support/tickets/v1 (201). */
export const spacebringTicketDetailSchema = z.object({
  ticket: spacebringTicketSchema,
  activities: z.array(spacebringActivitySchema),
});
export type SpacebringTicketDetail = z.infer<typeof spacebringTicketDetailSchema>;

/** GET /support/tickets/v1: `nextPageToken` is missing on the last page. */
export const spacebringTicketListSchema = z.object({
  tickets: z.array(spacebringTicketSchema),
  nextPageToken: z.string().nullish(),
  searchQueryNext: z.string().nullish(),
});
export type SpacebringTicketList = z.infer<typeof spacebringTicketListSchema>;

/** The list as the client reads it: the envelope now, each row when the feed uses it (src/upstream/rows.ts). */
export const spacebringTicketListEnvelopeSchema = z.object({ tickets: z.array(z.unknown()), nextPageToken: z.string().nullish() });

/** What a list row's place in the feed is made of. */
export const spacebringTicketKeySchema = spacebringTicketSchema.pick({ id: true, updateDate: true });
export type SpacebringTicketKey = z.infer<typeof spacebringTicketKeySchema>;

/** PUT …/{id}/status and PUT …/{id}/assignee. */
export const spacebringTicketUpdateSchema = z.object({
  ticket: spacebringTicketSchema,
  activity: spacebringActivitySchema,
});
export type SpacebringTicketUpdate = z.infer<typeof spacebringTicketUpdateSchema>;

/** POST /support/tickets/v1/comment (201). */
export const spacebringCommentResultSchema = z.object({ activity: spacebringActivitySchema });
export type SpacebringCommentResult = z.infer<typeof spacebringCommentResultSchema>;

/** The documented 400 body (`responseError`); assumed for 401/403/404/429/5xx as well. */
export const spacebringErrorSchema = z.object({
  message: z.string(),
  type: z.string().nullish(),
  issues: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])).nullish(), message: z.string().nullish() })).nullish(),
});
export type SpacebringError = z.infer<typeof spacebringErrorSchema>;

export const SPACEBRING_STATUSES = ['new', 'inProgress', 'solved', 'closed'] as const;
export const SPACEBRING_TYPES = [
  'access',
  'accountAndBilling',
  'bookings',
  'cleaning',
  'discriminationAndHarassment',
  'internet',
  'mailAndPackages',
  'noiseAndAcoustics',
  'offensiveOrObjectionableContent',
  'other',
  'printing',
  'repairAndMaintenance',
  'temperatureAndVentilation',
  'websiteAndApp',
] as const;
export const SPACEBRING_ACTIVITY_TYPES = ['ticketCreated', 'comment', 'statusUpdated', 'assigneeUpdated'] as const;
