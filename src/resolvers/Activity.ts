import type {
  ActivityResolvers,
  AssignmentChangeActivityResolvers,
  CommentActivityResolvers,
  CreatedActivityResolvers,
  FieldChangeActivityResolvers,
  StatusChangeActivityResolvers,
  TagChangeActivityResolvers,
} from '../generated/resolvers-types.js';
import type { ActivityKind, ActivityModel } from '../model/activity.js';

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
 * The author's role words come from where the person appears in the payload (a comment's
 * author_type, a HostUp message's sender): they describe this activity, so they are answered
 * here and never on the shared Membership record (see directory.ts).
 */
const authored = { authorRole: (activity: ActivityModel) => activity.author?.role ?? null };

export const CreatedActivity: CreatedActivityResolvers = authored;
export const CommentActivity: CommentActivityResolvers = authored;
export const TagChangeActivity: TagChangeActivityResolvers = authored;
export const FieldChangeActivity: FieldChangeActivityResolvers = authored;

/*
 * The GraphQL names differ from the model's `from`/`to` so that one timeline query can
 * select both kinds: same-named fields of different types in two fragments do not validate.
 */
export const StatusChangeActivity: StatusChangeActivityResolvers = {
  ...authored,
  fromStatus: (activity) => activity.from,
  toStatus: (activity) => activity.to,
};

export const AssignmentChangeActivity: AssignmentChangeActivityResolvers = {
  ...authored,
  fromAssignee: (activity) => activity.from,
  toAssignee: (activity) => activity.to,
};
