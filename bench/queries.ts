/** The query shapes of `npm run bench`, shared by every implementation. */

/** Scenario 1: one ticket with its requester. */
export const TICKET_QUERY = `query Ticket($id: ID!) {
  ticket(id: $id) {
    id provider number title status updatedAt
    requester { id name email }
  }
}`;

/** Scenarios 2 and 4: the merged feed with assignee, tags and the last five activities. */
export const FEED_QUERY = `query Feed($first: Int!) {
  tickets(first: $first) {
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id provider number title status updatedAt
        assignee { id name email }
        tags { id name }
        activities(first: 5) {
          nodes { id kind createdAt author { id name } }
        }
      }
    }
  }
}`;

/**
 * Scenario 5: scenario 2 with the timelines under @defer, sent with `Accept: multipart/mixed`:
 * the list first, each timeline as an incremental part (bench/deferred.ts).
 */
export const FEED_DEFERRED_QUERY = `query FeedDeferred($first: Int!) {
  tickets(first: $first) {
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id provider number title status updatedAt
        assignee { id name email }
        tags { id name }
        ... @defer(label: "timeline") {
          activities(first: 5) {
            nodes { id kind createdAt author { id name } }
          }
        }
      }
    }
  }
}`;

/** Scenario 3: what a federation router sends for 100 Tickets. */
export const ENTITIES_QUERY = `query Entities($r: [_Any!]!) {
  _entities(representations: $r) { ... on Ticket { id title status } }
}`;
