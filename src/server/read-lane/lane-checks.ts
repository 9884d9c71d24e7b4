import { type DocumentNode, type GraphQLSchema, Kind, type OperationDefinitionNode, visit } from 'graphql';
import type { LimitsConfig } from '../../base/config.ts';
import { checkInputLimits } from '../input-limits.ts';
import { pageArguments, queryCost } from '../query-cost.ts';

/** Whether a variable gives a page size anywhere in the document (then the cost depends on the variables). */
function hasVariablePageSize(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Argument: (node) => {
      if (pageArguments.includes(node.name.value) && node.value.kind === Kind.VARIABLE) found = true;
      return false;
    },
  });
  return found;
}

/**
 * The checks of useInputLimits and useQueryLimits that depend on the
 * variables, as the read lane repeats them for a known document: true when
 * the operation passes both. A cost no variable can change is worked out
 * once per operation.
 */
export function createLaneChecks(schema: GraphQLSchema, limits: LimitsConfig) {
  const fixedCosts = new WeakMap<OperationDefinitionNode, number | null>();
  return (document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): boolean => {
    try {
      checkInputLimits(document, limits, { operation, variables });
    } catch {
      return false;
    }
    let fixed = fixedCosts.get(operation);
    if (fixed === undefined) {
      fixed = hasVariablePageSize(document) ? null : queryCost(schema, document, operation, {}, limits.maxTake);
      fixedCosts.set(operation, fixed);
    }
    return (fixed ?? queryCost(schema, document, operation, variables, limits.maxTake)) <= limits.maxCost;
  };
}
