import type { Resolvers } from '../generated/resolvers-types.js';
import { Activity, AssignmentChangeActivity, CommentActivity, CreatedActivity, FieldChangeActivity, StatusChangeActivity, TagChangeActivity } from './Activity.js';
import { Membership, Tag } from './Membership.js';
import { Mutation } from './Mutation.js';
import { Node } from './Node.js';
import { Person } from './Person.js';
import { Provider, ProviderInfo } from './Provider.js';
import { Query } from './Query.js';
import { DateTime, JSONScalar } from './scalars.js';
import { Subscription } from './Subscription.js';
import { Ticket } from './Ticket.js';

export const resolvers: Resolvers = {
  DateTime,
  JSON: JSONScalar,
  Provider,
  ProviderInfo,
  Query,
  Mutation,
  Subscription,
  Node,
  Ticket,
  Activity,
  CreatedActivity,
  CommentActivity,
  StatusChangeActivity,
  AssignmentChangeActivity,
  TagChangeActivity,
  FieldChangeActivity,
  Membership,
  Tag,
  Person,
};
