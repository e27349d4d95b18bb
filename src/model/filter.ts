import type { TicketStatus } from './ticket.js';

/**
 * The ticket filter fields the feed and the providers share, so the two cannot drift:
 * the feed adds who (Membership ids and emails, per provider) and which providers; a
 * provider sees the same fields with the people narrowed to its own native ids.
 */
export interface TicketFilterFields {
  statuses?: TicketStatus[] | undefined;
  search?: string | undefined;
  createdAfter?: Date | undefined;
  createdBefore?: Date | undefined;
  updatedAfter?: Date | undefined;
  updatedBefore?: Date | undefined;
}
