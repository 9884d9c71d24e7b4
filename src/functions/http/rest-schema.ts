import {
  GraphQLInputObjectType,
  GraphQLInterfaceType,
  GraphQLList,
  type GraphQLNamedType,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  type GraphQLType,
  GraphQLUnionType,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLFieldConfigMap,
} from 'graphql';

/** True for the object type of a Prisma model (Pothos' Prisma plugin marks them). */
const isModelType = (type: GraphQLNamedType) => isObjectType(type) && !!type.extensions?.pothosPrismaModel;

/**
 * The schema REST serves: the same types and resolvers (shield and rules
 * included, as they live in the resolvers), but a model's relation fields
 * are left out, so each endpoint returns rows of one model with their
 * columns. Without this, SOFA would select every relation of every result
 * with all their arguments as query parameters (a 4 MB OpenAPI document for
 * the example app). Subscriptions are not part of it.
 */
export function restSchema(schema: GraphQLSchema): GraphQLSchema {
  const config = schema.toConfig();
  const types = new Map<string, GraphQLNamedType>();
  const get = <T extends GraphQLNamedType>(name: string) => types.get(name) as T;
  const rewire = (type: GraphQLType): any =>
    isNonNullType(type) ? new GraphQLNonNull(rewire(type.ofType)) : isListType(type) ? new GraphQLList(rewire(type.ofType)) : get(getNamedType(type).name);
  const fields = (owner: GraphQLObjectType | GraphQLInterfaceType): (() => GraphQLFieldConfigMap<unknown, unknown>) => () => {
    const out: GraphQLFieldConfigMap<unknown, unknown> = {};
    for (const [name, field] of Object.entries(owner.toConfig().fields)) {
      if (isModelType(owner) && isModelType(getNamedType(field.type))) continue;
      const args = Object.fromEntries(Object.entries(field.args ?? {}).map(([n, a]) => [n, { ...a, type: rewire(a.type) }]));
      out[name] = { ...field, type: rewire(field.type), args };
    }
    return out;
  };
  for (const type of config.types) {
    if (isIntrospectionType(type)) continue;
    if (isObjectType(type)) {
      const c = type.toConfig();
      types.set(type.name, new GraphQLObjectType({ ...c, fields: fields(type), interfaces: () => c.interfaces.map((i) => get(i.name)) }));
    } else if (isInterfaceType(type)) {
      const c = type.toConfig();
      types.set(type.name, new GraphQLInterfaceType({ ...c, fields: fields(type), interfaces: () => c.interfaces.map((i) => get(i.name)) }));
    } else if (isUnionType(type)) {
      const c = type.toConfig();
      types.set(type.name, new GraphQLUnionType({ ...c, types: () => c.types.map((t) => get(t.name)) }));
    } else if (isInputObjectType(type)) {
      const c = type.toConfig();
      types.set(type.name, new GraphQLInputObjectType({ ...c, fields: () => Object.fromEntries(Object.entries(c.fields).map(([n, f]) => [n, { ...f, type: rewire(f.type) }])) }));
    } else {
      types.set(type.name, type);
    }
  }
  return new GraphQLSchema({
    ...config,
    query: config.query && get<GraphQLObjectType>(config.query.name),
    mutation: config.mutation && get<GraphQLObjectType>(config.mutation.name),
    subscription: undefined,
    types: [...types.values()].filter((t) => !config.subscription || t.name !== config.subscription.name),
  });
}
