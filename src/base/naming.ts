import pluralize from 'pluralize';

/**
 * Every name of the generated API, in one place (DESIGN.md section 3), so
 * the convention can change here alone.
 */

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** `post` for `Post`. */
export const singleName = (model: string) => lowerFirst(model);

/** `posts` for `Post`; `sheepList` where plural equals singular. */
export function listName(model: string): string {
  const single = singleName(model);
  const plural = pluralize.plural(single);
  return plural === single ? `${single}List` : plural;
}

/** Type name of a list-name based operation suffix: `PostsConnection` style helpers. */
const listType = (model: string) => upperFirst(listName(model));

export const names = {
  // queries
  findUnique: singleName,
  findMany: listName,
  connection: (model: string) => `${listName(model)}Connection`,
  count: (model: string) => `${listName(model)}Count`,
  aggregate: (model: string) => `${listName(model)}Aggregate`,
  groupBy: (model: string) => `${listName(model)}GroupBy`,
  // mutations
  // upperFirst: a lower-case model (`audit_log`, common in introspected schemas) still reads `createAudit_log`.
  createOne: (model: string) => `create${upperFirst(model)}`,
  createMany: (model: string) => `createMany${listType(model)}`,
  updateOne: (model: string) => `update${upperFirst(model)}`,
  updateMany: (model: string) => `updateMany${listType(model)}`,
  upsertOne: (model: string) => `upsert${upperFirst(model)}`,
  deleteOne: (model: string) => `delete${upperFirst(model)}`,
  deleteMany: (model: string) => `deleteMany${listType(model)}`,
  // subscriptions
  changed: (model: string) => `${singleName(model)}Changed`,

  // object types
  /** A model's object type: its own name, unless GraphQL or Strata already owns it (`model Query` → `QueryModel`). */
  objectType: (model: string) => (reservedTypeNames.has(model) ? `${model}Model` : model),
  connectionType: (model: string) => `${model}Connection`,
  edgeType: (model: string) => `${model}Edge`,
  changeType: (model: string) => `${model}Change`,
  countType: (model: string) => `${model}RelationCount`,
  aggregateType: (model: string) => `${model}Aggregate`,
  aggregatePart: (model: string, op: AggregateOp) => `${model}${aggregateLabel[op]}Aggregate`,
  groupByType: (model: string) => `${model}GroupBy`,

  // input types
  where: (model: string) => `${model}WhereInput`,
  whereUnique: (model: string) => `${model}WhereUniqueInput`,
  compoundUnique: (model: string, key: string) => `${model}${key.split('_').map(upperFirst).join('')}CompoundUniqueInput`,
  orderBy: (model: string) => `${model}OrderByInput`,
  groupByOrderBy: (model: string) => `${model}GroupByOrderByInput`,
  scalarOrderBy: (model: string) => `${model}ScalarOrderByInput`,
  having: (model: string) => `${model}HavingInput`,
  scalarFieldEnum: (model: string) => `${model}ScalarField`,
  listRelationFilter: (model: string) => `${model}ListRelationFilter`,
  relationFilter: (model: string) => `${model}RelationFilter`,
  create: (model: string) => `${model}CreateInput`,
  createManyInput: (model: string) => `${model}CreateManyInput`,
  update: (model: string) => `${model}UpdateInput`,
  updateManyInput: (model: string) => `${model}UpdateManyInput`,
  numericOps: (model: string) => `${model}NumericInput`,
  createWithout: (model: string, back: string) => `${model}CreateWithout${upperFirst(back)}Input`,
  updateWithout: (model: string, back: string) => `${model}UpdateWithout${upperFirst(back)}Input`,
  createNestedOne: (model: string, back: string) => `${model}CreateOneWithout${upperFirst(back)}Input`,
  createNestedMany: (model: string, back: string) => `${model}CreateManyWithout${upperFirst(back)}Input`,
  updateNestedOne: (model: string, back: string) => `${model}UpdateOneWithout${upperFirst(back)}Input`,
  updateNestedMany: (model: string, back: string) => `${model}UpdateManyWithout${upperFirst(back)}Input`,
  connectOrCreate: (model: string, back: string) => `${model}ConnectOrCreateWithout${upperFirst(back)}Input`,
  upsertNestedOne: (model: string, back: string) => `${model}UpsertWithout${upperFirst(back)}Input`,
  upsertNestedMany: (model: string, back: string) => `${model}UpsertWhereUniqueWithout${upperFirst(back)}Input`,
  updateNestedWhere: (model: string, back: string) => `${model}UpdateWhereUniqueWithout${upperFirst(back)}Input`,
  updateManyNested: (model: string) => `${model}UpdateManyWhereInput`,

  /** A Prisma enum's GraphQL type: its own name, unless GraphQL or Strata already owns it (`enum SortOrder` → `SortOrderEnum`). */
  enumType: (enumName: string) => (reservedTypeNames.has(enumName) ? `${enumName}Enum` : enumName),
  /** An enum value as GraphQL spells it: `true`, `false` and `null` cannot be enum values there, so they read `true_`... */
  enumValue: (value: string) => (reservedEnumValues.has(value) ? `${value}_` : value),

  // shared types
  scalarFilter: (type: string) => `${type}Filter`,
  aggregatesFilter: (type: string) => `${type}AggregatesFilter`,
  enumFilter: (enumName: string) => `${enumName}Filter`,
  listFilter: (type: string) => `${type}ListFilter`,
  relationCountOrderBy: 'RelationCountOrderByInput',
  sortOrder: 'SortOrder',
  queryMode: 'QueryMode',
  batchPayload: 'BatchPayload',
  changeKind: 'ChangeKind',
  pageInfo: 'PageInfo',
  /** The one field of an input that has none of its own (GraphQL allows no empty input objects). */
  emptyInputField: '_',
} as const;

/** Type names a model or enum of the user's schema cannot take as is: GraphQL's and Strata's own. */
const reservedTypeNames = new Set([
  'Query', 'Mutation', 'Subscription',
  'String', 'Int', 'Float', 'Boolean', 'ID', 'DateTime', 'JSON', 'BigInt', 'Decimal', 'Bytes',
  names.relationCountOrderBy, names.sortOrder, names.queryMode, names.batchPayload, names.changeKind, names.pageInfo,
]);
const reservedEnumValues = new Set(['true', 'false', 'null']);

export type AggregateOp = '_count' | '_sum' | '_avg' | '_min' | '_max';
export const aggregateOps: AggregateOp[] = ['_count', '_sum', '_avg', '_min', '_max'];
const aggregateLabel: Record<AggregateOp, string> = { _count: 'Count', _sum: 'Sum', _avg: 'Avg', _min: 'Min', _max: 'Max' };
