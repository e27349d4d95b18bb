import { graphql } from 'relay-runtime';
export const feedQuery = graphql`
  query feedQuery($first: Int!, $after: String) {
    tickets(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id provider title status updatedAt requester { id name email } } }
    }
  }
`;
export const ticketQuery = graphql`
  query feedTicketQuery($id: ID!) {
    node(id: $id) {
      id
      ... on Ticket { title activities(first: 20) { nodes { id kind createdAt author { id name } authorRole ... on CommentActivity { body } } } }
    }
  }
`;
export const addComment = graphql`
  mutation feedAddCommentMutation($input: AddCommentInput!) {
    addComment(input: $input) { ticket { id updatedAt } activity { id kind ... on CommentActivity { body } } }
  }
`;
