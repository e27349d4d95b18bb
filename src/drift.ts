import { intercept, type TicketProvider } from './upstream/provider.js';
import type { Metrics } from './metrics.js';
import type { ProviderKey } from './model/provider.js';
import type { PageRow, ProviderPage } from './model/page.js';
import type { TicketModel } from './model/ticket.js';
import { currentScope, type DriftWarning } from './request-context.js';

/*
 * Soft drift: a payload that still parses but carries what the provider's documentation
 * (the seeds, and the simulators built from them) does not: an undocumented status or
 * priority value, an unexpected field, or a documented field that went missing (the schema
 * tolerates its absence, so the mapper fell back). The ticket is served as today and the
 * drift is reported: `extensions.warnings`, ticketgraph_payload_drift_total, and one log
 * line per new provider/kind/path. Schema-breaking drift stays UPSTREAM_BAD_RESPONSE
 * (parse.ts).
 */

interface TicketDocs {
  /** Every top-level field of a ticket object the docs list. */
  fields: readonly string[];
  /** The fields the docs say are always there (required ones never get here: parsing failed). */
  always: readonly string[];
  /** Raw statuses documented to mean "unknown". */
  unknownStatuses?: readonly string[];
}

// From the seeds in /work/shared/seeds via the simulators: list rows and detail payloads.
const SPACEBRING_ALWAYS = [
  'id',
  'number',
  'description',
  'locationRef',
  'status',
  'type',
  'createDate',
  'updateDate',
  'statusUpdateDate',
  'userRequester',
  'membershipRequester',
  'membershipRefRequester',
];
const MOOV_ALWAYS = ['ticketID', 'number', 'title', 'contact', 'status', 'createdOn', 'updatedOn', 'latestMessageOn'];
const HOSTUP_ALWAYS = [
  'id',
  'number',
  'subject',
  'status',
  'priority',
  'departmentSlug',
  'departmentName',
  'createdAt',
  'updatedAt',
  'lastMessageAt',
  'ccEmails',
  'requesterName',
  'messageCount',
  'linkedServices',
];
const ZAIA_ALWAYS = [
  'assigneeEmail',
  'assigneeId',
  'assigneeName',
  'assigneePicture',
  'channelId',
  'channelName',
  'channelType',
  'chatId',
  'chatIsRemoved',
  'chatOwnerId',
  'completedAt',
  'createdAt',
  'id',
  'isOwnerBlocked',
  'ongoingAt',
  'ownerEmail',
  'ownerEntity',
  'ownerIdentifier',
  'ownerName',
  'pendingChatMessages',
  'responderEntity',
  'responderId',
  'responderName',
  'responderPicture',
  'responderVersionId',
  'responderVersionNumber',
  'status',
  'summary',
  'ticketingTeamId',
  'ticketingTeamName',
  'ticketingTeamPicture',
  'workspaceId',
];
const SONZAI_ALWAYS = ['ticket_id', 'title', 'type', 'status', 'priority', 'created_by_email', 'assigned_to_email', 'comment_count', 'created_at', 'updated_at'];

export const TICKET_DOCS: Record<ProviderKey, TicketDocs> = {
  spacebring: { always: SPACEBRING_ALWAYS, fields: [...SPACEBRING_ALWAYS, 'userAssignee', 'userRefAssignee', 'membershipAssignee', 'membershipRefAssignee'] },
  moov: { always: MOOV_ALWAYS, fields: [...MOOV_ALWAYS, 'closedOn', 'foreignID'] },
  hostup: { always: HOSTUP_ALWAYS, fields: [...HOSTUP_ALWAYS, 'body', 'attachments', 'messages'], unknownStatuses: ['unknown'] },
  zaia: { always: ZAIA_ALWAYS, fields: ZAIA_ALWAYS },
  sonzai: { always: SONZAI_ALWAYS, fields: [...SONZAI_ALWAYS, '$schema', 'tenant_id', 'description', 'created_by', 'assigned_to', 'comments', 'resolved_at'] },
};

// Looked up once per field of every ticket read: sets, not the lists' linear scans.
const DOCUMENTED_FIELDS = new Map<ProviderKey, ReadonlySet<string>>((Object.keys(TICKET_DOCS) as ProviderKey[]).map((provider) => [provider, new Set(TICKET_DOCS[provider].fields)]));

/** Most warnings one response carries; the metric and the log count them all. */
export const MAX_WARNINGS = 5;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The ticket object inside a raw payload: detail reads wrap it (`{ ticket, activities }`). */
function ticketObject(raw: unknown): Record<string, unknown> | null {
  if (!isRecord(raw)) return null;
  return isRecord(raw.ticket) ? raw.ticket : raw;
}

/** What in one mapped ticket departs from its provider's docs. Pure: tested on its own. */
export function findDrift(ticket: TicketModel): Omit<DriftWarning, 'code'>[] {
  const docs = TICKET_DOCS[ticket.provider];
  const found: Omit<DriftWarning, 'code'>[] = [];
  const provider = ticket.provider;
  if (ticket.status === 'UNKNOWN' && ticket.providerStatus != null && !docs.unknownStatuses?.includes(ticket.providerStatus.trim().toLowerCase())) {
    found.push({ provider, kind: 'status', path: 'status', value: ticket.providerStatus });
  }
  if (ticket.priority === 'UNKNOWN' && ticket.providerPriority != null) found.push({ provider, kind: 'priority', path: 'priority', value: ticket.providerPriority });
  const raw = ticketObject(ticket.raw);
  if (raw) {
    const documented = DOCUMENTED_FIELDS.get(provider);
    for (const key of Object.keys(raw)) if (!documented?.has(key)) found.push({ provider, kind: 'field', path: key, value: null });
    for (const key of docs.always) if (!(key in raw)) found.push({ provider, kind: 'missing', path: key, value: null });
  }
  return found;
}

const logged = new Set<string>();

function report(tickets: readonly TicketModel[], metrics: Metrics | undefined): void {
  const scope = currentScope();
  for (const ticket of tickets) {
    for (const drift of findDrift(ticket)) {
      metrics?.payloadDrift.inc({ provider: drift.provider, kind: drift.kind });
      const key = `${drift.provider} ${drift.kind} ${drift.path}`;
      // One line per new kind of drift, not per ticket: a provider that renamed a field would flood the log.
      if (!logged.has(key) && logged.size < 1000) {
        logged.add(key);
        scope?.log.warn({ provider: drift.provider, kind: drift.kind, path: drift.path, value: drift.value }, 'provider payload drift');
      }
      if (!scope) continue;
      const warning: DriftWarning = { code: 'PROVIDER_DRIFT', ...drift, ticketId: ticket.id };
      if (
        scope.drift.length < MAX_WARNINGS &&
        !scope.drift.some((w) => w.provider === warning.provider && w.kind === warning.kind && w.path === warning.path && w.value === warning.value)
      ) {
        scope.drift.push(warning);
      }
    }
  }
}

/**
 * The provider with the tickets of its reads checked against the docs. Outermost, so each
 * request that reads a ticket (coalesced or not) hears about its drift.
 */
export function withDriftReport(provider: TicketProvider, metrics?: Metrics): TicketProvider {
  return intercept(provider, async (operation, args, call) => {
    const result = await call(args);
    if (operation === 'getTicket') report([result as TicketModel], metrics);
    else if (operation === 'listTickets') return reportingPage(result as ProviderPage, metrics);
    return result;
  });
}

/**
 * A list row is checked when its ticket is first used (the feed maps only the rows it
 * returns): each caller gets its own rows, so each request hears of the drift it served.
 */
function reportingPage(page: ProviderPage, metrics: Metrics | undefined): ProviderPage {
  const rows = page.rows.map((row): PageRow => {
    let reported = false;
    return {
      updatedAt: row.updatedAt,
      id: row.id,
      ticket() {
        const ticket = row.ticket();
        if (!reported) {
          reported = true;
          report([ticket], metrics);
        }
        return ticket;
      },
    };
  });
  return { ...page, rows };
}
