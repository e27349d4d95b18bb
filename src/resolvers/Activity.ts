import type { ActivityResolvers } from '../generated/resolvers-types.js';
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
