import { join } from 'node:path';
import type { PeerContext, Implementation } from '../../run.js';
import type { Service } from '../../lib.js';
import { graphqlTarget } from '../../lib.js';

/*
 * How `npm run bench` starts and drives the GraphQL Mesh peer (its dependencies: `npm install`
 * here). The queries are Mesh's own: its schema is generated from ./openapi, one root field per
 * REST operation, so it has no `ticket(id)` over all providers and no merged `tickets` feed.
 * README.md says what each query does differently from ticketgraph's.
 */

/** Scenario 1: one HostUp ticket with its requester (HostUp v2 gives the requester's name only). */
export const MESH_TICKET_QUERY = `query Ticket($id: String!) {
  hostupTicket(id: $id) { id number subject status updatedAt requesterName }
}`;

/**
 * Scenarios 2 and 4: the ten provider list pages ticketgraph reads for the feed, `first` rows
 * each, with the assignee and each row's activities (detail or message calls, via @resolveTo in
 * mesh.config.ts). Mesh cannot merge, sort and cut the rows to `first`, so it returns all of them
 * (up to 10 × first) and reads activities for every row, not only for the `first` that win.
 */
export const MESH_FEED_QUERY = `query Feed($first: PositiveInt!, $loc1: UUID!, $loc2: UUID!, $loc3: UUID!, $acc1: String!, $acc2: String!) {
  spacebring1: spacebringTickets(locationRef: $loc1, limit: $first, order: "updateDate:desc") { ...SpacebringPage }
  spacebring2: spacebringTickets(locationRef: $loc2, limit: $first, order: "updateDate:desc") { ...SpacebringPage }
  spacebring3: spacebringTickets(locationRef: $loc3, limit: $first, order: "updateDate:desc") { ...SpacebringPage }
  moov1: moovTickets(accountID: $acc1, count: $first) { items { ...MoovRow messages(accountID: $acc1) { author sentOn } } }
  moov2: moovTickets(accountID: $acc2, count: $first) { items { ...MoovRow messages(accountID: $acc2) { author sentOn } } }
  hostupTickets(limit: $first) {
    data { id number subject status updatedAt requesterName detail { messages { id sentAt senderName } } }
  }
  zaiaPending: zaiaTickets(status: "pending", pageSize: $first) { ...ZaiaRow }
  zaiaOngoing: zaiaTickets(status: "ongoing", pageSize: $first) { ...ZaiaRow }
  zaiaCompleted: zaiaTickets(status: "completed", pageSize: $first) { ...ZaiaRow }
  sonzaiTickets(page_size: $first) {
    tickets {
      ticket_id title status updated_at assigned_to_email
      detail {
        ticket { comments { comment_id created_at author_id author_email } }
        history { history_id created_at changed_by changed_by_email }
      }
    }
  }
}
fragment SpacebringPage on SpacebringTicketList {
  tickets {
    id number description status updateDate
    userAssignee { id name surname email }
    detail { activities { id type createDate membership { user { id name surname } } } }
  }
}
fragment MoovRow on MoovTicket { ticketID number title status updatedOn }
fragment ZaiaRow on ZaiaTicketDetails { id summary status createdAt ongoingAt completedAt assigneeId assigneeName assigneeEmail }`;

/** Rows in a feed answer, all providers together. */
function feedRows(d: any): number {
  if (!d) return 0;
  const len = (list: unknown) => (Array.isArray(list) ? list.length : 0);
  return (
    len(d.spacebring1?.tickets) + len(d.spacebring2?.tickets) + len(d.spacebring3?.tickets) +
    len(d.moov1?.items) + len(d.moov2?.items) + len(d.hostupTickets?.data) +
    len(d.zaiaPending) + len(d.zaiaOngoing) + len(d.zaiaCompleted) + len(d.sonzaiTickets?.tickets)
  );
}

export async function createPeer(ctx: PeerContext): Promise<{ service: Service; impl: Implementation }> {
  const settings = (key: 'spacebring' | 'moov') => ctx.info.providers[key].settings as Record<string, unknown>;
  const [loc1, loc2, loc3] = settings('spacebring').locationRefs as string[];
  const [acc1, acc2] = settings('moov').accountIds as string[];
  if (!loc3 || !acc2) throw new Error('mesh peer: the feed query expects 3 Spacebring locations and 2 Moov accounts');

  const { service, value } = await ctx.startService<{ url: string }>('mesh', process.execPath, ['server.mjs'], {
    cwd: ctx.dir,
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      SANDBOX_INFO: JSON.stringify(ctx.info),
      // The supergraph holds the sandbox's credentials: written outside the repository.
      SUPERGRAPH_PATH: join(ctx.tmp, 'mesh-supergraph.graphql'),
    },
    // Composition (a child process) plus gateway start: about 5 s here, more on a busy machine.
    timeoutMs: 90_000,
    ready: (line) => {
      if (!line.startsWith('{')) return undefined;
      const parsed = JSON.parse(line) as { url?: unknown };
      return typeof parsed.url === 'string' ? { url: parsed.url } : undefined;
    },
  });
  const url = value.url;
  const feedVariables = { first: 50, loc1, loc2, loc3, acc1, acc2 };
  const feedCheck = (d: any) => {
    const rows = feedRows(d);
    return rows >= 50 ? null : `expected at least 50 tickets in all, got ${rows}`;
  };
  return {
    service,
    impl: {
      name: 'GraphQL Mesh (compose-cli + Hive Gateway)',
      pid: service.pid,
      note: 'Mesh queries: scenario 1 = hostupTicket(id); scenarios 2/4 = the 10 provider lists (first rows each, up to 10 × first) with activities for every row, unmerged (bench/peers/mesh/README.md)',
      check: ctx.graphqlCheck({
        ticket: (d) => (d?.hostupTicket?.id === ctx.oneNativeId && d.hostupTicket.requesterName ? null : 'wrong ticket or no requester'),
        feed: feedCheck,
        feedLatency: feedCheck,
      }),
      targets: {
        ticket: graphqlTarget(url, MESH_TICKET_QUERY, { id: ctx.oneNativeId }),
        feed: graphqlTarget(url, MESH_FEED_QUERY, feedVariables),
        feedLatency: graphqlTarget(url, MESH_FEED_QUERY, feedVariables),
      },
    },
  };
}
