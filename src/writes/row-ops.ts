import type { Where } from '../permissions/policy.ts';
import type { DmmfModel } from '../base/datamodel.ts';
import type { WriteSession } from './write-session.ts';

type Row = Record<string, unknown>;
type Data = Record<string, any>;

/**
 * The row writes that nested relation writes recurse into (`children.ts`,
 * `many-to-many.ts`). `row-writes.ts` passes its own, so the files it calls
 * need not import it back.
 */
export interface RowOps {
  createRow(s: WriteSession, model: DmmfModel, data: Data, forced?: Data): Promise<Row>;
  createRows(s: WriteSession, model: DmmfModel, rows: Data[], forced?: Data): Promise<Row[]>;
  updateRow(s: WriteSession, model: DmmfModel, where: Where, data: Data): Promise<Row>;
  deleteRow(s: WriteSession, model: DmmfModel, where: Where): Promise<Row>;
  updateManyRows(s: WriteSession, model: DmmfModel, where: Where, data: Data): Promise<number>;
  deleteManyRows(s: WriteSession, model: DmmfModel, where: Where): Promise<number>;
}
