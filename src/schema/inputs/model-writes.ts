import type { Datamodel, DmmfField, DmmfModel } from '../../base/datamodel.ts';
import { backRelation, numericTypes, relationFields, scalarFields } from '../../base/datamodel.ts';
import type { FieldSpec, FieldSpecs, InputRegistry } from '../input-registry.ts';
import { names } from '../../base/naming.ts';
import { graphqlScalar } from '../scalars.ts';
import type { ModelFilters } from './model-filters.ts';

const numericOps = ['_increment', '_decrement', '_multiply', '_divide'] as const;

/**
 * Create and update inputs of each model, with every nested write Prisma
 * offers (create, connect, connectOrCreate, disconnect, set, update, upsert,
 * delete, updateMany, deleteMany). A nested input of relation `Post.author`
 * is `UserCreateWithoutPostsInput`: the target model without the way back.
 */
export class ModelWrites {
  constructor(
    private readonly registry: InputRegistry,
    private readonly filters: ModelFilters,
    private readonly datamodel: Datamodel,
    /** Fields a create preset fills from the session: optional in create inputs (see `presetFields`). */
    private readonly presetOnCreate: (model: string) => string[] = () => [],
  ) {}

  private scalarSpec(field: DmmfField, required: boolean): FieldSpec {
    const type = field.kind === 'enum' ? names.enumType(field.type) : graphqlScalar(field.type);
    return { type, list: field.isList, required, kind: field.type === 'Json' ? 'json' : undefined };
  }

  /** Foreign-key scalars that some relation of the model owns. */
  private foreignKeys(model: DmmfModel): Set<string> {
    return new Set(model.fields.flatMap((f) => f.relationFromFields ?? []));
  }

  private scalars(model: DmmfModel, without: DmmfField | undefined, mode: 'create' | 'update' | 'createMany'): FieldSpecs {
    const skip = new Set(without?.relationFromFields ?? []);
    const foreign = this.foreignKeys(model);
    const preset = new Set(this.presetOnCreate(model.name));
    const specs: FieldSpecs = {};
    for (const field of scalarFields(model)) {
      if (skip.has(field.name)) continue;
      // A foreign key may instead be given through its relation, so only createMany requires it.
      const optionalFk = foreign.has(field.name) && mode !== 'createMany';
      // A preset fills it for most callers; the write pipeline asks the others for it (BAD_USER_INPUT).
      const optional = optionalFk || preset.has(field.name);
      // Scalar lists are optional in Prisma's create inputs too (they start empty).
      const required = mode !== 'update' && field.isRequired && !field.isList && !field.hasDefaultValue && !field.isUpdatedAt && !optional;
      specs[field.name] = this.scalarSpec(field, required);
    }
    return specs;
  }

  private numericOps(model: DmmfModel): FieldSpecs {
    const numeric = scalarFields(model).filter((f) => numericTypes.has(f.type) && !f.isList);
    if (numeric.length === 0) return {};
    const ops = this.registry.define(
      names.numericOps(model.name),
      () => Object.fromEntries(numeric.map((f) => [f.name, { type: graphqlScalar(f.type) }])),
      'Numeric fields for an atomic update.',
    );
    return Object.fromEntries(numericOps.map((op) => [op, { type: ops, kind: 'numericOps' as const, description: `Atomically ${op.slice(1)} these fields.` }]));
  }

  create(model: DmmfModel, without?: DmmfField): string {
    const name = without ? names.createWithout(model.name, without.name) : names.create(model.name);
    return this.registry.define(name, () => {
      const specs = this.scalars(model, without, 'create');
      for (const field of relationFields(model)) {
        if (field === without) continue;
        const target = this.datamodel.model(field.type);
        const back = backRelation(this.datamodel, model, field);
        specs[field.name] = { type: field.isList ? this.createNestedMany(target, back) : this.createNestedOne(target, back) };
      }
      return specs;
    });
  }

  createMany(model: DmmfModel): string {
    return this.registry.define(names.createManyInput(model.name), () => this.scalars(model, undefined, 'createMany'));
  }

  update(model: DmmfModel, without?: DmmfField): string {
    const name = without ? names.updateWithout(model.name, without.name) : names.update(model.name);
    return this.registry.define(name, () => {
      const specs = { ...this.scalars(model, without, 'update'), ...this.numericOps(model) };
      for (const field of relationFields(model)) {
        if (field === without) continue;
        const target = this.datamodel.model(field.type);
        const back = backRelation(this.datamodel, model, field);
        specs[field.name] = {
          type: field.isList ? this.updateNestedMany(target, back) : this.updateNestedOne(target, back, !field.isRequired),
        };
      }
      return specs;
    });
  }

  updateMany(model: DmmfModel): string {
    return this.registry.define(names.updateManyInput(model.name), () => ({
      ...this.scalars(model, undefined, 'update'),
      ...this.numericOps(model),
    }));
  }

  private connectOrCreate(target: DmmfModel, back: DmmfField): string {
    return this.registry.define(names.connectOrCreate(target.name, back.name), () => ({
      where: { type: this.filters.whereUnique(target), required: true },
      create: { type: this.create(target, back), required: true },
    }));
  }

  private createOps(target: DmmfModel, back: DmmfField, list: boolean): FieldSpecs {
    return {
      create: { type: this.create(target, back), list },
      connect: { type: this.filters.whereUnique(target), list },
      connectOrCreate: { type: this.connectOrCreate(target, back), list },
    };
  }

  private createNestedMany(target: DmmfModel, back: DmmfField): string {
    return this.registry.define(names.createNestedMany(target.name, back.name), () => this.createOps(target, back, true));
  }

  private createNestedOne(target: DmmfModel, back: DmmfField): string {
    return this.registry.define(names.createNestedOne(target.name, back.name), () => this.createOps(target, back, false));
  }

  private updateNestedMany(target: DmmfModel, back: DmmfField): string {
    return this.registry.define(names.updateNestedMany(target.name, back.name), () => {
      const unique = this.filters.whereUnique(target);
      const where = this.filters.where(target);
      const update = this.update(target, back);
      const create = this.create(target, back);
      return {
        ...this.createOps(target, back, true),
        set: { type: unique, list: true, description: 'Replace all related rows with these.' },
        disconnect: { type: unique, list: true },
        delete: { type: unique, list: true },
        update: {
          type: this.registry.define(names.updateNestedWhere(target.name, back.name), () => ({
            where: { type: unique, required: true },
            data: { type: update, required: true },
          })),
          list: true,
        },
        upsert: {
          type: this.registry.define(names.upsertNestedMany(target.name, back.name), () => ({
            where: { type: unique, required: true },
            create: { type: create, required: true },
            update: { type: update, required: true },
          })),
          list: true,
        },
        updateMany: {
          type: this.registry.define(names.updateManyNested(target.name), () => ({
            where: { type: where, required: true },
            data: { type: this.updateMany(target), required: true },
          })),
          list: true,
        },
        deleteMany: { type: where, list: true },
      };
    });
  }

  private updateNestedOne(target: DmmfModel, back: DmmfField, optional: boolean): string {
    const name = names.updateNestedOne(target.name, back.name) + (optional ? '' : 'Required');
    return this.registry.define(name.replace(/InputRequired$/, 'RequiredInput'), () => {
      const update = this.update(target, back);
      const specs: FieldSpecs = {
        ...this.createOps(target, back, false),
        update: { type: update },
        upsert: {
          type: this.registry.define(names.upsertNestedOne(target.name, back.name), () => ({
            create: { type: this.create(target, back), required: true },
            update: { type: update, required: true },
          })),
        },
      };
      if (optional) {
        specs.disconnect = { type: 'Boolean' };
        specs.delete = { type: 'Boolean' };
      }
      return specs;
    });
  }
}
