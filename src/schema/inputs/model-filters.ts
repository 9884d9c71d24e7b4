import type { Datamodel, DmmfModel } from '../../base/datamodel.ts';
import { relationFields, scalarFields, uniqueKeys } from '../../base/datamodel.ts';
import type { FieldSpecs, InputRegistry } from '../input-registry.ts';
import { aggregateOps, names } from '../../base/naming.ts';
import { graphqlScalar } from '../scalars.ts';
import type { ScalarFilters } from './filters.ts';

/** `AND`, `OR` and `NOT` over lists of the same filter. */
const logical = (name: string): FieldSpecs => ({
  AND: { type: name, list: true },
  OR: { type: name, list: true },
  NOT: { type: name, list: true },
});

const unorderable = new Set(['Json', 'Bytes']);

/** Where, unique-where, order-by and group-by inputs of each model. */
export class ModelFilters {
  constructor(
    private readonly registry: InputRegistry,
    private readonly filters: ScalarFilters,
    private readonly datamodel: Datamodel,
    private readonly scalarFieldEnums: Map<string, string>,
  ) {}

  where(model: DmmfModel): string {
    const name = names.where(model.name);
    return this.registry.define(name, () => {
      const specs = logical(name);
      for (const field of scalarFields(model)) {
        if (field.isList && field.type === 'Json') continue; // Json lists: no filter yet
        const isEnum = field.kind === 'enum';
        specs[field.name] = { type: field.isList ? this.filters.listFilter(field.type, isEnum) : this.filters.filter(field.type, isEnum) };
      }
      for (const field of relationFields(model)) {
        const target = this.datamodel.model(field.type);
        specs[field.name] = { type: field.isList ? this.listRelationFilter(target) : this.relationFilter(target) };
      }
      return specs;
    });
  }

  private listRelationFilter(model: DmmfModel): string {
    return this.registry.define(names.listRelationFilter(model.name), () => {
      const where = this.where(model);
      return {
        some: { type: where, description: 'At least one related row matches.' },
        every: { type: where, description: 'Every related row matches.' },
        none: { type: where, description: 'No related row matches.' },
      };
    });
  }

  private relationFilter(model: DmmfModel): string {
    return this.registry.define(names.relationFilter(model.name), () => {
      const where = this.where(model);
      return { is: { type: where }, isNot: { type: where } };
    });
  }

  whereUnique(model: DmmfModel): string {
    return this.registry.define(
      names.whereUnique(model.name),
      () => {
        const specs: FieldSpecs = {};
        for (const key of uniqueKeys(model)) {
          if (key.fields.length === 1) {
            const field = model.fields.find((f) => f.name === key.fields[0])!;
            specs[key.name] = { type: field.kind === 'enum' ? names.enumType(field.type) : graphqlScalar(field.type) };
          } else {
            specs[key.name] = { type: this.compoundUnique(model, key.name, key.fields) };
          }
        }
        return specs;
      },
      'Exactly one unique key of the row.',
    );
  }

  private compoundUnique(model: DmmfModel, key: string, fields: string[]): string {
    return this.registry.define(names.compoundUnique(model.name, key), () => {
      const specs: FieldSpecs = {};
      for (const name of fields) {
        const field = model.fields.find((f) => f.name === name)!;
        specs[name] = { type: field.kind === 'enum' ? names.enumType(field.type) : graphqlScalar(field.type), required: true };
      }
      return specs;
    });
  }

  orderBy(model: DmmfModel): string {
    return this.registry.define(names.orderBy(model.name), () => {
      const specs: FieldSpecs = {};
      for (const field of scalarFields(model)) {
        if (!field.isList && !unorderable.has(field.type)) specs[field.name] = { type: names.sortOrder };
      }
      for (const field of relationFields(model)) {
        specs[field.name] = field.isList
          ? { type: this.relationCountOrderBy() }
          : { type: this.orderBy(this.datamodel.model(field.type)) };
      }
      return specs;
    });
  }

  private relationCountOrderBy(): string {
    return this.registry.define(names.relationCountOrderBy, () => ({ _count: { type: names.sortOrder } }));
  }

  /** The `by`/`distinct` enum of a model's scalar fields. */
  scalarFieldEnum(model: DmmfModel): string {
    return this.scalarFieldEnums.get(model.name)!;
  }

  having(model: DmmfModel): string {
    const name = names.having(model.name);
    return this.registry.define(name, () => {
      const specs = logical(name);
      for (const field of scalarFields(model)) {
        if (!field.isList) specs[field.name] = { type: this.filters.aggregates(field.type, field.kind === 'enum') };
      }
      return specs;
    });
  }

  groupByOrderBy(model: DmmfModel): string {
    return this.registry.define(names.groupByOrderBy(model.name), () => {
      const scalarOrder = this.registry.define(names.scalarOrderBy(model.name), () => this.scalarSorts(model));
      const specs: FieldSpecs = this.scalarSorts(model);
      for (const op of aggregateOps) specs[op] = { type: scalarOrder };
      return specs;
    });
  }

  private scalarSorts(model: DmmfModel): FieldSpecs {
    const specs: FieldSpecs = {};
    for (const field of scalarFields(model)) {
      if (!field.isList && !unorderable.has(field.type)) specs[field.name] = { type: names.sortOrder };
    }
    return specs;
  }
}
