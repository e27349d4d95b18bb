import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { Plugin } from 'graphql-yoga';

/**
 * graphql-armor's limits on the shape of a document. Cost is priced by useCostLimit instead,
 * which sees variables; field suggestions are blocked outside development (useHideSuggestions
 * catches the hints armor's check misses).
 */
export function useArmor(options: { production: boolean }): Plugin {
  return EnvelopArmorPlugin({
    maxDepth: { n: 12, ignoreIntrospection: true },
    costLimit: { enabled: false },
    maxAliases: { n: 30 },
    maxTokens: { n: 4000 },
    maxDirectives: { n: 50 },
    blockFieldSuggestion: { enabled: options.production },
  });
}
