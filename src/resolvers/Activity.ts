import type {
  ActivityResolvers,
  AssignmentChangeActivityResolvers,
  StatusChangeActivityResolvers,
} from '../generated/resolvers-types.js';
import type { ActivityKind } from '../model/activity.js';

const TYPENAMES = {
  CREATED: 'CreatedActivity',
  COMMENT: 'CommentActivity',
  STATUS_CHANGE: 'StatusChangeActivity',
  ASSIGNMENT_CHANGE: 'AssignmentChangeActivity',
  TAG_CHANGE: 'TagChangeActivity',
  FIELD_CHANGE: 'FieldChangeActivity',
} as const satisfies Record<ActivityKind, string>;

export const Activity: ActivityResolvers = {
  __resolveType: (activity) => TYPENAMES[activity.kind],
};

/*
 * The GraphQL names differ from the model's `from`/`to` so that one timeline query can
 * select both kinds: same-named fields of different types in two fragments do not validate.
 */
export const StatusChangeActivity: StatusChangeActivityResolvers = {
  fromStatus: (activity) => activity.from,
  toStatus: (activity) => activity.to,
};

export const AssignmentChangeActivity: AssignmentChangeActivityResolvers = {
  fromAssignee: (activity) => activity.from,
  toAssignee: (activity) => activity.to,
};
