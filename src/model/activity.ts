import type { MembershipModel } from './membership.js';
import type { ProviderKey } from './provider.js';
import type { TagModel } from './tag.js';
import type { TicketStatus } from './ticket.js';

export type ActivityKind = 'CREATED' | 'COMMENT' | 'STATUS_CHANGE' | 'ASSIGNMENT_CHANGE' | 'TAG_CHANGE' | 'FIELD_CHANGE';

export interface AttachmentModel {
  id: string | null;
  name: string | null;
  url: string | null;
  mimeType: string | null;
  size: number | null;
}

interface ActivityBase {
  /** Global id. Activities without a provider id get a deterministic one (ticket + kind + time). */
  id: string;
  provider: ProviderKey;
  /** Global id of the ticket this activity belongs to. */
  ticketId: string;
  author: MembershipModel | null;
  createdAt: Date;
}

export interface CreatedActivityModel extends ActivityBase {
  kind: 'CREATED';
}
export interface CommentActivityModel extends ActivityBase {
  kind: 'COMMENT';
  body: string | null;
  internal: boolean;
  attachments: AttachmentModel[];
}
export interface StatusChangeActivityModel extends ActivityBase {
  kind: 'STATUS_CHANGE';
  from: TicketStatus | null;
  to: TicketStatus | null;
  fromProviderStatus: string | null;
  toProviderStatus: string | null;
}
export interface AssignmentChangeActivityModel extends ActivityBase {
  kind: 'ASSIGNMENT_CHANGE';
  from: MembershipModel | null;
  to: MembershipModel | null;
}
export interface TagChangeActivityModel extends ActivityBase {
  kind: 'TAG_CHANGE';
  added: TagModel[];
  removed: TagModel[];
}
export interface FieldChangeActivityModel extends ActivityBase {
  kind: 'FIELD_CHANGE';
  field: string;
  oldValue: string | null;
  newValue: string | null;
}

export type ActivityModel = CreatedActivityModel | CommentActivityModel | StatusChangeActivityModel | AssignmentChangeActivityModel | TagChangeActivityModel | FieldChangeActivityModel;
