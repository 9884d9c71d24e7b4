import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { type ExecutionArgs, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../../base/config.ts';
import { badInput } from '../../base/errors.ts';
import { queryCost } from '../query-cost.ts';

/**
 * Rejects abusive documents: depth, aliases, tokens (graphql-armor, during
 * parsing and validation) and cost, the most rows the operation may read
 * with its variables (see {@link queryCost}), before execution. Field
 * suggestions are hidden in production so the schema cannot be guessed by typos.
 */
export function useQueryLimits(config: Pick<Config, 'limits' | 'mode'>): Plugin {
  const { limits } = config;
  const armor = EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: limits.maxAliases },
    // A BAD_USER_INPUT naming the setting rather than a syntax error.
    maxTokens: {
      n: limits.maxTokens,
      onReject: [
        () => {
          throw badInput(`Document has more than STRATA_MAX_TOKENS (${limits.maxTokens}) tokens`, { limit: 'STRATA_MAX_TOKENS' });
        },
      ],
    },
    maxDirectives: { n: 50 },
    // graphql-armor's cost ignores list sizes and variables: queryCost below replaces it.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: config.mode === 'production' },
  }) as Plugin;
  const checkCost = ({ args, setResultAndStopExecution }: { args: ExecutionArgs; setResultAndStopExecution: (result: any) => void }) => {
    const operation = getOperationAST(args.document, args.operationName);
    if (!operation) return;
    const cost = queryCost(args.schema, args.document, operation, (args.variableValues ?? {}) as Record<string, unknown>, limits.maxTake);
    if (cost <= limits.maxCost) return;
    const message = `Query cost ${cost} exceeds STRATA_MAX_COST (${limits.maxCost}): each list multiplies its fields by its take/first/last (${limits.maxTake} when absent); ask for fewer rows in nested lists`;
    setResultAndStopExecution({ errors: [badInput(message, { limit: 'STRATA_MAX_COST', cost })] });
  };
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(armor);
    },
    onExecute: checkCost,
    onSubscribe: checkCost,
  };
}
