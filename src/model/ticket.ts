import type { ActivityModel, AttachmentModel } from './activity.js';
import type { MembershipModel } from './membership.js';
import type { ProviderKey } from './provider.js';
import type { TagModel } from './tag.js';

export const TICKET_STATUSES = ['OPEN', 'IN_PROGRESS', 'WAITING', 'RESOLVED', 'CLOSED', 'UNKNOWN'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'URGENT', 'CRITICAL', 'UNKNOWN'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

export interface TeamModel {
  id: string | null;
  name: string | null;
  avatarUrl: string | null;
}

export interface ChannelModel {
  id: string | null;
  name: string | null;
  type: string | null;
}

export interface TicketModel {
  /** Global id (ids.ts): provider + native id. */
  id: string;
  provider: ProviderKey;
  /** The provider's own id, with its scope where it needs one (Moov: `accountID/ticketID`). */
  nativeId: string;
  /** The provider's human-facing number (Spacebring: per location; HostUp: a numeric string). */
  number: string | null;
  title: string | null;
  /** True where the provider has no title and `title` was derived (Spacebring: first line of the description). */
  titleDerived: boolean;
  description: string | null;
  status: TicketStatus;
  providerStatus: string | null;
  priority: TicketPriority | null;
  providerPriority: string | null;
  /** Category: Spacebring/Sonzai `type`, HostUp department. */
  type: string | null;
  requester: MembershipModel | null;
  assignee: MembershipModel | null;
  team: TeamModel | null;
  /** `undefined`: the payload did not carry them; a loader fetches them when asked. */
  tags: TagModel[] | undefined;
  /** `undefined`: the payload did not carry the timeline (list summaries); a loader fetches it. */
  activities: ActivityModel[] | undefined;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  /** When the ticket last saw a message or change, where the provider says so (Moov `latestMessageOn`). */
  lastActivityAt?: Date | null | undefined;
  /** The ticket's id in the system that filed it, where the provider keeps one (Moov `foreignID`). */
  externalId?: string | null | undefined;
  /**
   * Files attached to the ticket itself (HostUp). Absent: the provider has none. null: the
   * provider has them but this payload (a list row) left them out; the detail read has them.
   */
  attachments?: AttachmentModel[] | null | undefined;
  /** Where the conversation came from (Zaia's chat channel). */
  channel?: ChannelModel | null | undefined;
  /** The provider's payload as received (never the zod parse result, which strips unknown keys). */
  raw: unknown;
}
