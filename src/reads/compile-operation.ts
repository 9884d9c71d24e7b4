import type { ExecutionArgs, FieldNode, FragmentDefinitionNode, GraphQLSchema } from 'graphql';
import { getOperationAST, Kind } from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import type { Context } from '../base/context.ts';
import type { Access } from '../permissions/shield.ts';
import type { Generator } from '../schema/generator.ts';
import { type CompileState, collectFields } from './compile-state.ts';
import { compileRootField, type ReadRoot } from './compile-root-field.ts';
import { positionalParams } from './positional-params.ts';
import { createSqlContext } from './sql/sql-context.ts';

/** One root field's statement, or a constant (`__typename`). */
export type RootPlan = { key: string; sql: string; params: unknown[]; finish?: (value: any) => unknown } | { key: string; value: unknown };

/** Whether a root field's declared access (the operation layer's rule) lets this viewer call it. */
function allowed(access: Access | undefined, ctx: Context, isAdmin: (ctx: Context) => boolean): boolean {
  if (access === undefined) return false;
  if (access === 'public') return true;
  if (access === 'authenticated') return ctx.viewer.kind !== 'anonymous';
  if (access === 'admin') return isAdmin(ctx);
  return access(ctx);
}

/**
 * Compiles a query operation into one statement per root field, or returns
 * null (decline) when any root field is not a generated read the compiler
 * covers, or when anything would make the general path answer with an
 * error: then that path runs and answers exactly as it always has.
 */
export function compileOperation(gen: Generator, roots: Map<string, ReadRoot>, args: ExecutionArgs, isAdmin: (ctx: Context) => boolean): RootPlan[] | null {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation || operation.operation !== 'query') return null;
  const ctx = args.contextValue as Context;
  const schema: GraphQLSchema = args.schema;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], (args.variableValues ?? {}) as Record<string, unknown>);
  if (coerced.errors) return null;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of args.document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  const query = schema.getQueryType()!;
  try {
    const base = { gen, schema, ctx, variables: coerced.coerced, fragments };
    const fields: Map<string, FieldNode> = collectFields({ ...base, sql: createSqlContext(gen.datamodel) }, query, operation.selectionSet);
    const plans: RootPlan[] = [];
    for (const [key, node] of fields) {
      if (node.name.value === '__typename') {
        plans.push({ key, value: query.name });
        continue;
      }
      const root = roots.get(node.name.value);
      const fieldDef = query.getFields()[node.name.value];
      if (!root || !fieldDef || !allowed(fieldDef.extensions?.access as Access | undefined, ctx, isAdmin)) return null;
      const state: CompileState = { ...base, sql: createSqlContext(gen.datamodel) };
      const { sql, finish } = compileRootField(state, root, fieldDef, node);
      const { values } = state.sql.params;
      // Past what Prisma sends in one statement (999 bound values on SQLite, 32766 on PostgreSQL) the general path
      // answers BAD_USER_INPUT: the lane declines so both lanes give that answer.
      if (values.length > (state.sql.dialect === 'sqlite' ? 999 : 32_766)) return null;
      const statement = state.sql.dialect === 'sqlite' ? positionalParams(sql, values) : { sql, values };
      plans.push({ key, sql: statement.sql, params: statement.values, finish });
    }
    return plans;
  } catch (error) {
    // Unsupported, or the AppError the resolver would throw: the general path answers.
    ctx.log?.debug({ reason: (error as Error).message }, 'read left to the general executor');
    return null;
  }
}
