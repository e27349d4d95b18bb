import type { WriteOperation } from '../upstream/provider.js';
import type { ActivityModel } from '../model/activity.js';
import type { TicketModel } from '../model/ticket.js';

export type TicketChangeKind = 'CREATED' | 'COMMENTED' | 'STATUS_CHANGED' | 'ASSIGNED' | 'TAGGED' | 'UPDATED';
export type TicketChangeSource = 'WRITE' | 'WEBHOOK' | 'POLL';

/** One change of one ticket, as it travels on the bus (the codegen mapper of `TicketChange`). */
export interface TicketChangeEvent {
  /** Unique per change: subscribers and the dedupe store key on it. */
  eventId: string;
  kind: TicketChangeKind;
  source: TicketChangeSource;
  ticket: TicketModel;
  activity: ActivityModel | null;
  occurredAt: Date;
}

export const KIND_OF_WRITE: Record<WriteOperation, TicketChangeKind> = {
  createTicket: 'CREATED',
  addComment: 'COMMENTED',
  closeTicket: 'STATUS_CHANGED',
  reopenTicket: 'STATUS_CHANGED',
  setTicketStatus: 'STATUS_CHANGED',
  assignTicket: 'ASSIGNED',
  takeOverTicket: 'ASSIGNED',
  addTicketTag: 'TAGGED',
  removeTicketTag: 'TAGGED',
};

export function kindOfActivity(activity: ActivityModel): TicketChangeKind {
  switch (activity.kind) {
    case 'CREATED':
      return 'CREATED';
    case 'COMMENT':
      return 'COMMENTED';
    case 'STATUS_CHANGE':
      return 'STATUS_CHANGED';
    case 'ASSIGNMENT_CHANGE':
      return 'ASSIGNED';
    case 'TAG_CHANGE':
      return 'TAGGED';
    case 'FIELD_CHANGE':
      return 'UPDATED';
  }
}

/*
 * Events cross Redis as JSON. Models hold Dates, and `raw` holds the provider's payload as
 * received, so a generic "ISO string → Date" reviver would corrupt raw payloads: Dates are
 * tagged on the way out and only tagged values come back as Dates.
 */
const DATE_TAG = '$tgDate';

export const eventSerializer = {
  stringify(message: unknown): string {
    return JSON.stringify(message, function (this: Record<string, unknown>, key: string, value: unknown) {
      const original = this[key];
      return original instanceof Date ? { [DATE_TAG]: original.toISOString() } : value;
    });
  },
  parse(message: string): unknown {
    return JSON.parse(message, (_key, value: unknown) => {
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const tagged = (value as Record<string, unknown>)[DATE_TAG];
        if (typeof tagged === 'string' && Object.keys(value).length === 1) return new Date(tagged);
      }
      return value;
    });
  },
};
