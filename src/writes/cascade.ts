import type { Datamodel, DmmfField, DmmfModel } from '../base/datamodel.ts';
import { idFields } from '../base/datamodel.ts';
import type { WriteSession } from './write-session.ts';

type Row = Record<string, unknown>;

/** A relation whose foreign key points at a model, and what the database does to its rows when that model's row goes. */
interface Dependent {
  model: DmmfModel;
  field: DmmfField;
  action: 'Cascade' | 'SetNull';
}

const dependentsByModel = new WeakMap<Datamodel, Map<string, Dependent[]>>();

/**
 * The relations the database follows when a row of `model` is deleted:
 * `onDelete: Cascade` deletes their rows, `SetNull` (the default of an
 * optional relation) clears their foreign key. Restrict, NoAction and
 * SetDefault change no row Strata could report.
 */
export function dependents(datamodel: Datamodel, model: DmmfModel): Dependent[] {
  let all = dependentsByModel.get(datamodel);
  if (!all) {
    all = new Map();
    for (const other of datamodel.models) {
      for (const field of other.fields) {
        if (field.kind !== 'object' || field.isList || !field.relationFromFields?.length) continue;
        const action = field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull');
        if (action !== 'Cascade' && action !== 'SetNull') continue;
        const list = all.get(field.type) ?? [];
        list.push({ model: other, field, action });
        all.set(field.type, list);
      }
    }
    dependentsByModel.set(datamodel, all);
  }
  return all.get(model.name) ?? [];
}

/** The rows of `dependent` that point at one of `rows`. */
function pointingAt(s: WriteSession, { model, field }: Dependent, rows: Row[]): Promise<Row[]> {
  const from = field.relationFromFields!;
  const to = field.relationToFields!;
  const where = { OR: rows.map((row) => Object.fromEntries(from.map((fk, i) => [fk, row[to[i]]]))) };
  return s.delegate(model).findMany({ where, select: s.scalarSelect(model) });
}

const keyOf = (model: DmmfModel, row: Row) => JSON.stringify([model.name, ...idFields(model).map((f) => String(row[f]))]);

/**
 * Reads, before a delete of `rows`, every row the database will delete with
 * them or detach from them, following cascades to any depth. Returns what
 * records them as changes once the delete ran: subscribers and triggers see
 * them, hooks do not (they run around the operations a client asked for).
 * Rules do not filter them: they change whether or not the viewer may see them.
 */
export async function readCascade(s: WriteSession, model: DmmfModel, rows: Row[]): Promise<() => void> {
  const deleted: [DmmfModel, Row][] = [];
  const detached: [DmmfModel, Row, Row][] = [];
  const seen = new Set(rows.map((row) => keyOf(model, row)));
  let level: [DmmfModel, Row[]][] = [[model, rows]];
  while (level.length) {
    const next: [DmmfModel, Row[]][] = [];
    for (const [parent, parents] of level) {
      for (const dependent of dependents(s.gen.datamodel, parent)) {
        const found = (await pointingAt(s, dependent, parents)).filter((row) => !seen.has(keyOf(dependent.model, row)));
        if (!found.length) continue;
        if (dependent.action === 'SetNull') {
          const cleared = Object.fromEntries(dependent.field.relationFromFields!.map((fk) => [fk, null]));
          for (const row of found) detached.push([dependent.model, { ...row, ...cleared }, row]);
          continue;
        }
        for (const row of found) seen.add(keyOf(dependent.model, row));
        deleted.push(...found.map((row): [DmmfModel, Row] => [dependent.model, row]));
        next.push([dependent.model, found]);
      }
    }
    level = next;
  }
  return () => {
    for (const [m, row] of deleted) s.record(m, 'DELETED', row, undefined, true);
    // A row both detached and deleted (two paths to it, or one of the deleted rows itself) is reported deleted only.
    for (const [m, row, previous] of detached) if (!seen.has(keyOf(m, row))) s.record(m, 'UPDATED', row, previous, true);
  };
}
