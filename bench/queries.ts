/** The query shapes of `npm run bench`, shared by every implementation. */

/** Scenario 1: one ticket with its requester. */
export const TICKET_QUERY = `query Ticket($id: ID!) {
  ticket(id: $id) {
    id provider number title status updatedAt
    requester { id name email }
  }
}`;

/** The fields of one feed ticket besides its timeline (scenarios 2, 4 and 5 read the same shape). */
const FEED_TICKET_FIELDS = `id provider number title status updatedAt
        assignee { id name email }
        tags { id name }`;
const TIMELINE = `activities(first: 5) {
          nodes { id kind createdAt author { id name } }
        }`;
const feedQuery = (name: string, timeline: string) => `query ${name}($first: Int!) {
  tickets(first: $first) {
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        ${FEED_TICKET_FIELDS}
        ${timeline}
      }
    }
  }
}`;

/** Scenarios 2 and 4: the merged feed with assignee, tags and the last five activities. */
export const FEED_QUERY = feedQuery('Feed', TIMELINE);

/**
 * Scenario 5: scenario 2 with the timelines under @defer, sent with `Accept: multipart/mixed`:
 * the list first, each timeline as an incremental part (bench/deferred.ts).
 */
export const FEED_DEFERRED_QUERY = feedQuery('FeedDeferred', `... @defer(label: "timeline") { ${TIMELINE} }`);

/** Scenario 3: what a federation router sends for 100 Tickets. */
export const ENTITIES_QUERY = `query Entities($r: [_Any!]!) {
  _entities(representations: $r) { ... on Ticket { id title status } }
}`;
