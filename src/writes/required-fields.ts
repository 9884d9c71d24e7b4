import { badInput } from '../base/errors.ts';
import type { DmmfModel } from '../base/datamodel.ts';
import { scalarFields } from '../base/datamodel.ts';

/**
 * Refuses a create that leaves a required column without a value. Create
 * inputs leave preset fields optional (a preset fills them for most
 * callers); whoever no preset serves — an admin, say — must give them.
 */
export function assertRequired(model: DmmfModel, values: Record<string, unknown>): void {
  const missing = scalarFields(model).filter(
    (f) => f.isRequired && !f.isList && !f.hasDefaultValue && !f.isUpdatedAt && values[f.name] === undefined,
  );
  if (missing.length) {
    const list = missing.map((f) => `${model.name}.${f.name}`).join(', ');
    throw badInput(`${list} ${missing.length === 1 ? 'is' : 'are'} required`, { fields: missing.map((f) => f.name) });
  }
}
