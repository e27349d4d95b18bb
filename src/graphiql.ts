import { toProviderEnum, type ProviderKey } from './model/provider.js';

/** The slice of the config the tabs describe: which providers are served, and which run on the sandbox. */
export interface GraphiqlTabSettings {
  enabled: readonly ProviderKey[];
  providers: Record<ProviderKey, { mode: 'sandbox' | 'live' }>;
}

const TICKET_FIELDS = `id
        provider
        number
        title
        status
        providerStatus
        updatedAt`;

/** What the header of the first tab says about where the data comes from. */
function origin(config: GraphiqlTabSettings): string {
  const enabled = config.enabled;
  const sandboxed = enabled.filter((key) => config.providers[key].mode === 'sandbox');
  if (sandboxed.length === enabled.length) return '# No credentials configured: every provider runs on the sandbox (simulated data).\n';
  if (sandboxed.length === 0) return '';
  return `# On the sandbox (simulated data, no credentials configured): ${sandboxed.map(toProviderEnum).join(', ')}.\n`;
}

/**
 * GraphiQL's tabs on first load: the ticket feed, and the same feed with the timelines
 * deferred (the list shows at once, each timeline as it arrives). No field that is always
 * null (the feed's totalCount is null unless every provider reports a total).
 */
export function graphiqlTabs(config: GraphiqlTabSettings): { query: string }[] {
  const feed = `# ticketgraph: one API over ${config.enabled.length === 1 ? 'one ticket provider' : `${config.enabled.length} ticket providers`}.
${origin(config)}
query LatestTickets {
  providers { provider mode capabilities }
  tickets(first: 10) {
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        ${TICKET_FIELDS}
        requester { name email }
        assignee { name email }
        tags { name }
      }
    }
  }
}
`;
  const deferred = `# @defer: the ticket list arrives first; each ticket's timeline (one upstream call
# per ticket at most providers) follows as it is read, in the same response.

query LatestTicketsWithTimelines {
  tickets(first: 10) {
    edges {
      node {
        ${TICKET_FIELDS}
        ... @defer(label: "timeline") {
          activities(first: 5) {
            totalCount
            nodes {
              kind
              createdAt
              author { name }
              ... on CommentActivity { body }
              ... on StatusChangeActivity { fromStatus toStatus }
            }
          }
        }
      }
    }
  }
}
`;
  return [{ query: feed }, { query: deferred }];
}
