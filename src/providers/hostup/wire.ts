import { z } from 'zod';

/*
 * HostUp payloads, both API generations. Status and priority stay strings (the mapper
 * maps them and keeps the raw value). The simulator builds its bodies against these same
 * schemas, so a drift shows on both sides.
 */

// ---------------------------------------------------------------------------------------
// v1 (the seed): HostBill-shaped strings inside a `{success, timestamp, requestId, data}` envelope
// ---------------------------------------------------------------------------------------

/**
 * HostBill timestamps (`YYYY-MM-DD HH:MM:SS`, `0000-00-00 00:00:00` for "never") are kept
 * as strings here: the seed shows the placeholder "string", which must parse. The mapper
 * turns them into dates and rejects one that does not parse as a bad payload.
 */
const v1Timestamp = z.string();

export const hostupV1OwnerSchema = z.object({
  id: z.string(),
  username: z.string().nullish(),
  firstname: z.string().nullish(),
  lastname: z.string().nullish(),
  email: z.string().nullish(),
  status: z.string().nullish(),
});
export type HostupV1Owner = z.infer<typeof hostupV1OwnerSchema>;

export const hostupV1ReplySchema = z.object({
  id: z.string(),
  ticket_id: z.string().nullish(),
  replier_id: z.string().nullish(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  date: v1Timestamp,
  body: z.string().nullish(),
  status: z.string().nullish(),
  /** HostBill's replier type: `Admin` (staff) or `Client`; anything else reads as a system reply. */
  type: z.string().nullish(),
});
export type HostupV1Reply = z.infer<typeof hostupV1ReplySchema>;

export const hostupV1LinkedServiceSchema = z.object({
  id: z.string().nullish(),
  serviceType: z.string().nullish(),
  serviceId: z.string().nullish(),
  serviceName: z.string().nullish(),
});

export const hostupV1TicketSchema = z.object({
  id: z.string(),
  /** A numeric string on GET, a JSON number on the create response (both as documented). */
  number: z.union([z.string(), z.number()]).nullish(),
  ticket_number: z.string().nullish(),
  date: v1Timestamp,
  lastreply: v1Timestamp.nullish(),
  lastupdate: v1Timestamp.nullish(),
  dept_id: z.string().nullish(),
  deptname: z.string().nullish(),
  client_id: z.string().nullish(),
  creator_id: z.string().nullish(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  subject: z.string(),
  body: z.string().nullish(),
  status: z.string(),
  /** The seed types it as a string; HostBill keeps a number (`"1"`), and our create sends an integer. */
  priority: z.union([z.string(), z.number()]).nullish(),
  tags: z.array(z.string()).nullish(),
  resolve_date: v1Timestamp.nullish(),
  owner_id: z.union([z.string(), z.number().transform(String)]).nullish(),
  owner: hostupV1OwnerSchema.nullish(),
  replies: z.array(hostupV1ReplySchema).nullish(),
  notes: z.array(z.string()).nullish(),
  attachments: z.array(z.string()).nullish(),
});
export type HostupV1Ticket = z.infer<typeof hostupV1TicketSchema>;

export const hostupV1TicketEnvelopeSchema = z.object({
  success: z.boolean(),
  timestamp: z.string().nullish(),
  requestId: z.string().nullish(),
  data: z.object({ ticket: hostupV1TicketSchema }),
});
export type HostupV1TicketEnvelope = z.infer<typeof hostupV1TicketEnvelopeSchema>;

export const hostupV1DepartmentSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string().nullish(),
  email: z.string().nullish(),
  visible: z.boolean().nullish(),
});
export const hostupV1DepartmentsEnvelopeSchema = z.object({
  success: z.boolean(),
  timestamp: z.string().nullish(),
  requestId: z.string().nullish(),
  data: z.object({ departments: z.array(hostupV1DepartmentSchema) }),
});
export type HostupV1Department = z.infer<typeof hostupV1DepartmentSchema>;

/** v1 401/403/404 (and the 4xx/5xx we have seen in the same shape). */
export const hostupV1ErrorSchema = z.object({
  error: z.string(),
  message: z.string().nullish(),
  code: z.string().nullish(),
  timestamp: z.string().nullish(),
  requestId: z.string().nullish(),
});
/** v1 429: the retry hint is in the body, as a string of seconds. */
export const hostupV1RateLimitSchema = z.object({
  error: z.string(),
  message: z.string().nullish(),
  retryAfter: z.union([z.string(), z.number()]).nullish(),
  requestId: z.string().nullish(),
});

// ---------------------------------------------------------------------------------------
// v2 (current): camelCase, ISO timestamps with milliseconds and Z, no envelope
// ---------------------------------------------------------------------------------------

/** Documented as ISO 8601 with milliseconds and `Z`; offsets are tolerated. */
const v2Timestamp = z.iso.datetime({ offset: true });

export const hostupV2AttachmentSchema = z.object({
  id: z.string(),
  filename: z.string().nullish(),
  contentType: z.string().nullish(),
  byteLength: z.number().nullish(),
  downloadUrl: z.string().nullish(),
});
export type HostupV2Attachment = z.infer<typeof hostupV2AttachmentSchema>;

export const hostupV2LinkedServiceSchema = z.object({
  serviceType: z.string(),
  serviceId: z.string().nullable(),
  serviceName: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});

export const hostupV2MessageSchema = z.object({
  id: z.string(),
  ticketId: z.string(),
  sentAt: v2Timestamp.nullable(),
  body: z.string().nullable(),
  /** `customer`, `staff` or `automation`; kept open so a new sender kind does not break reads. */
  sender: z.string(),
  senderName: z.string().nullable(),
  attachments: z.array(hostupV2AttachmentSchema),
});
export type HostupV2Message = z.infer<typeof hostupV2MessageSchema>;

/** A list row: the docs mark these fields required; body, attachments and messages are left out. */
export const hostupV2TicketSummarySchema = z.object({
  id: z.string(),
  number: z.string(),
  subject: z.string().nullable(),
  status: z.string(),
  priority: z.string().nullish(),
  departmentSlug: z.string(),
  departmentName: z.string().nullish(),
  createdAt: v2Timestamp.nullable(),
  updatedAt: v2Timestamp.nullable(),
  lastMessageAt: v2Timestamp.nullish(),
  requesterName: z.string().nullish(),
});
export type HostupV2TicketSummary = z.infer<typeof hostupV2TicketSummarySchema>;

/** Detail (get, create, close, reopen): the summary plus the opening body, root attachments and messages. */
export const hostupV2TicketSchema = hostupV2TicketSummarySchema.extend({
  body: z.string().nullish(),
  attachments: z.array(hostupV2AttachmentSchema).nullish(),
  messages: z.array(hostupV2MessageSchema).nullish(),
});
export type HostupV2Ticket = z.infer<typeof hostupV2TicketSchema>;

export const hostupV2TicketListSchema = z.object({
  /** Optional in the docs; absent reads as an empty page. */
  data: z.array(hostupV2TicketSummarySchema).optional(),
  nextCursor: z.string().nullish(),
});
export type HostupV2TicketList = z.infer<typeof hostupV2TicketListSchema>;

/** The list as the client reads it: the envelope now, each row when the feed uses it (src/upstream/rows.ts). */
export const hostupV2TicketListEnvelopeSchema = hostupV2TicketListSchema.extend({ data: z.array(z.unknown()).optional() });

/** What a list row's place in the feed is made of (updatedAt falls back on the other times). */
export const hostupV2TicketKeySchema = hostupV2TicketSummarySchema.pick({ id: true, createdAt: true, updatedAt: true, lastMessageAt: true });
export type HostupV2TicketKey = z.infer<typeof hostupV2TicketKeySchema>;

export const hostupV2DepartmentSchema = z.object({
  slug: z.string(),
  displayName: z.string(),
  description: z.string().nullable(),
  email: z.string().nullable(),
});
export const hostupV2DepartmentListSchema = z.object({ departments: z.array(hostupV2DepartmentSchema) });
export type HostupV2Department = z.infer<typeof hostupV2DepartmentSchema>;

/** RFC 7807 problem+json with HostUp's stable `code` and `requestId`. */
export const hostupV2ProblemSchema = z.object({
  type: z.string().nullish(),
  title: z.string().nullish(),
  status: z.number().int().nullish(),
  detail: z.string().nullish(),
  code: z.string(),
  instance: z.string().nullish(),
  requestId: z.string().nullish(),
  timestamp: z.string().nullish(),
  errors: z.array(z.object({ pointer: z.string(), detail: z.string(), code: z.string() })).nullish(),
});
export type HostupV2Problem = z.infer<typeof hostupV2ProblemSchema>;

// Request bodies the simulator validates (the datasource builds them typed).
export const hostupV1CreateBodySchema = z.object({
  dept_id: z.number().int(),
  subject: z.string().min(1),
  body: z.string().min(1),
  priority: z.number().int().min(0).max(4),
  context: z.object({ service_type: z.string(), service_id: z.string(), service_name: z.string().nullish() }).nullish(),
  ai_summary: z.string().nullish(),
});
export type HostupV1CreateBody = z.infer<typeof hostupV1CreateBodySchema>;

export const HOSTUP_V2_PRIORITIES = ['low', 'medium', 'high', 'urgent', 'critical'] as const;
export const HOSTUP_V2_STATUSES = ['open', 'answered', 'customer_reply', 'in_progress', 'on_hold', 'closed', 'unknown'] as const;
export type HostupV2Status = (typeof HOSTUP_V2_STATUSES)[number];

export const hostupV2CreateBodySchema = z.object({
  departmentSlug: z.string().min(1),
  subject: z.string().min(1),
  message: z.string().min(1),
  priority: z.enum(HOSTUP_V2_PRIORITIES).optional(),
  ccEmails: z.array(z.string()).optional(),
  context: z.object({ serviceType: z.enum(['domain', 'hosting', 'vps', 'other']), serviceId: z.string() }).optional(),
  aiSummary: z.string().nullish(),
  aiHelpful: z.boolean().nullish(),
  criticalReason: z.string().nullish(),
});
export type HostupV2CreateBody = z.infer<typeof hostupV2CreateBodySchema>;

export const hostupV2ReplyBodySchema = z.object({
  message: z.string().min(1),
  encrypted: z.boolean().optional(),
});
export type HostupV2ReplyBody = z.infer<typeof hostupV2ReplyBodySchema>;
