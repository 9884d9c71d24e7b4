import { badInput } from '../base/errors.ts';
import type { AnyBuilder } from './builder.ts';
import { sqliteJsonPath } from './inputs/filters.ts';
import { names } from '../base/naming.ts';

/** One field of a generated input type. `type` names a scalar, an enum or another input. */
export interface FieldSpec {
  type: string;
  list?: boolean;
  required?: boolean;
  description?: string;
  /** How the value reaches Prisma; by default it passes as is. */
  kind?: 'json' | 'jsonPath' | 'numericOps' | 'placeholder';
}

export type FieldSpecs = Record<string, FieldSpec>;

/**
 * Named input types built from the datamodel. `define` is memoized by name
 * and registers the name before building its fields, so mutually recursive
 * inputs (`PostWhereInput` ↔ `UserWhereInput`) terminate. The specs are also
 * what {@link InputRegistry.toPrisma} walks to turn arguments into Prisma args.
 */
export class InputRegistry {
  private readonly specs = new Map<string, FieldSpecs>();
  private readonly refs = new Map<string, unknown>();

  constructor(
    private readonly builder: AnyBuilder,
    private readonly enums: Map<string, unknown>,
    /** Prisma's marker for a database NULL in JSON columns. */
    private readonly dbNull: unknown,
  ) {}

  /** Defines the input `name` once; returns the name for use in other specs. */
  define(name: string, build: () => FieldSpecs, description?: string): string {
    if (this.specs.has(name)) return name;
    this.specs.set(name, {});
    const fields = build();
    // GraphQL has no empty input objects, Prisma does (`BadgeCreateWithoutMemberInput` of a row that is only its foreign key).
    if (Object.keys(fields).length === 0) {
      fields[names.emptyInputField] = { type: 'Boolean', kind: 'placeholder', description: 'This input has no fields: pass {}. Ignored if given.' };
    }
    this.specs.set(name, fields);
    this.refs.set(
      name,
      this.builder.inputType(name, {
        description,
        fields: (t: any) =>
          Object.fromEntries(
            Object.entries(fields).map(([field, spec]) => [
              field,
              t.field({
                type: spec.list ? [this.ref(spec.type)] : this.ref(spec.type),
                required: spec.list ? { list: !!spec.required, items: true } : !!spec.required,
                description: spec.description,
              }),
            ]),
          ),
      }),
    );
    return name;
  }

  /** The Pothos type reference for a scalar, enum or input name. */
  ref(name: string): any {
    return this.refs.get(name) ?? this.enums.get(name) ?? name;
  }

  /** Converts a GraphQL argument value of input type `type` into what Prisma expects. */
  toPrisma(value: unknown, type: string): unknown {
    if (value === undefined) return undefined;
    if (Array.isArray(value)) return value.map((item) => this.toPrisma(item, type));
    const fields = this.specs.get(type);
    if (!fields || value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(value)) {
      const spec = fields[key];
      if (!spec) continue;
      if (spec.kind === 'json') out[key] = raw === null ? this.dbNull : raw;
      else if (spec.kind === 'jsonPath') out[key] = raw === null ? undefined : sqliteJsonPath(raw);
      else if (spec.kind === 'numericOps' || spec.kind === 'placeholder') continue;
      else out[key] = this.toPrisma(raw, spec.type);
    }
    for (const [key, spec] of Object.entries(fields)) {
      const ops = (value as Record<string, unknown>)[key];
      if (spec.kind !== 'numericOps' || !ops) continue;
      const op = key.slice(1); // `_increment` → Prisma's `increment`
      for (const [field, amount] of Object.entries(ops as Record<string, unknown>)) {
        if (amount === null || amount === undefined) continue;
        if (field in out) throw badInput(`Field "${field}" is both set and changed atomically in one update`, { field });
        // Databases answer x / 0 with an error (PostgreSQL) or NULL (SQLite): refuse it up front.
        if (op === 'divide' && Number(amount) === 0) throw badInput(`Cannot divide "${field}" by zero`, { field });
        out[field] = { [op]: amount };
      }
    }
    return out;
  }
}
