import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../../config.ts';

/**
 * Rejects abusive documents before execution: depth, aliases, tokens and
 * estimated cost (graphql-armor). Field suggestions are hidden in production
 * so the schema cannot be guessed by typos.
 */
export function useQueryLimits(config: Pick<Config, 'limits' | 'mode'>): Plugin {
  const { limits } = config;
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: limits.maxAliases },
    maxTokens: { n: limits.maxTokens },
    maxDirectives: { n: 50 },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true },
    blockFieldSuggestion: { enabled: config.mode === 'production' },
  }) as Plugin;
}
