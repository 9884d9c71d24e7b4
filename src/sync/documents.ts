import type { Context, PrismaLike } from '../base/context.ts';
import { jsonRow } from '../base/json.ts';
import { and, type Where } from '../permissions/policy.ts';
import { type DmmfField, type DmmfModel, delegateName, scalarFields } from '../base/datamodel.ts';
import type { Generator } from '../schema/generator.ts';
import { syncKey } from './sync-models.ts';

/** A row as sync clients hold it: JSON values (as the API shows them) plus `_deleted`. */
export type SyncDocument = Record<string, unknown> & { _deleted: boolean };

/** The columns a sync document carries: every scalar the API shows, lists included. */
export const documentFields = (model: DmmfModel): DmmfField[] => scalarFields(model);

/** A deleted (or no longer visible) row: its id and nothing else. */
export const removal = (model: DmmfModel, id: string): SyncDocument => ({ [syncKey(model)]: id, _deleted: true });

/**
 * The rows `ids` of `model` as `ctx.viewer` may read them now: the model's
 * read rule filters rows (a row it hides is absent from the map, as a
 * missing one), field rules blank the fields the viewer may not read on a
 * row (null, as the API answers them).
 */
export async function readDocuments(gen: Generator, ctx: Context, prisma: PrismaLike, model: DmmfModel, ids: string[]): Promise<Map<string, SyncDocument>> {
  const out = new Map<string, SyncDocument>();
  const policy = gen.policy(model.name);
  const read = policy.read(ctx);
  if (read === null || ids.length === 0) return out;
  const key = syncKey(model);
  const fields = documentFields(model);
  const delegate = prisma[delegateName(model.name)];
  const rows = (await delegate.findMany({ where: and({ [key]: { in: ids } }, read), select: Object.fromEntries(fields.map((f) => [f.name, true])) })) as Record<string, unknown>[];
  const found = rows.map((r) => String(r[key]));
  for (const field of fields) {
    const rule = policy.readField(ctx, field.name);
    if (rule && Object.keys(rule).length === 0) continue;
    const allowed = rule === null ? new Set<string>() : await matching(delegate, key, found, rule);
    for (const row of rows) if (!allowed.has(String(row[key]))) row[field.name] = null;
  }
  for (const row of rows) out.set(String(row[key]), { ...jsonRow(row), _deleted: false });
  return out;
}

async function matching(delegate: any, key: string, ids: string[], rule: Where): Promise<Set<string>> {
  const rows = (await delegate.findMany({ where: and({ [key]: { in: ids } }, rule), select: { [key]: true } })) as Record<string, unknown>[];
  return new Set(rows.map((r) => String(r[key])));
}

/** A client's document as Prisma write data: its known columns, JSON values turned back into Prisma's. */
export function writeData(model: DmmfModel, doc: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const field of documentFields(model)) {
    if (!(field.name in doc)) continue;
    data[field.name] = fromJson(field, doc[field.name]);
  }
  return data;
}

function fromJson(field: DmmfField, value: unknown): unknown {
  if (value === null || value === undefined || field.type === 'Json') return value;
  const one = (v: unknown) => {
    if (field.type === 'BigInt') return BigInt(v as string);
    if (field.type === 'Bytes') return Buffer.from(String(v), 'base64');
    if (field.type === 'DateTime') return new Date(v as string);
    return v;
  };
  return field.isList && Array.isArray(value) ? value.map(one) : one(value);
}

/** The fields whose values differ between two documents (compared as JSON). */
export function changedFields(model: DmmfModel, from: Record<string, unknown>, to: Record<string, unknown>): string[] {
  return documentFields(model)
    .map((f) => f.name)
    .filter((name) => name in to && canonical(from[name]) !== canonical(to[name]));
}

/** {@link changedFields} without the columns the database stamps itself (`@updatedAt`): what a client edited. */
export function editedFields(model: DmmfModel, from: Record<string, unknown>, to: Record<string, unknown>): string[] {
  const stamped = new Set(model.fields.filter((f) => f.isUpdatedAt).map((f) => f.name));
  return changedFields(model, from, to).filter((f) => !stamped.has(f));
}

/** JSON text with object keys sorted, so equal values compare equal. */
function canonical(value: unknown): string {
  if (value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
