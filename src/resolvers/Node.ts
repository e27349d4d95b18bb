import type { NodeResolvers } from '../generated/resolvers-types.js';
import { decodeId } from '../ids.js';

export const Node: NodeResolvers = {
  __resolveType: (node) => {
    const { type } = decodeId(node.id);
    return type === 'Activity' ? null : type;
  },
};
