import type { Datamodel, DmmfField, DmmfModel } from '../base/datamodel.ts';
import { idFields } from '../base/datamodel.ts';

/** True when the model's doc comment opts it into offline sync (`/// @sync`). */
export function isSyncModel(model: DmmfModel): boolean {
  return /(^|\s)@sync\b/.test(model.documentation ?? '');
}

/** Whether a schema's text has any `/// @sync` model (the change log table is added only then). */
export function mentionsSync(schemaText: string): boolean {
  return /^[ \t]*\/\/\/.*(^|\s)@sync\b/m.test(schemaText);
}

/**
 * The models opted into sync. Each needs one `String` id the client can
 * generate while offline (uuid, cuid): an autoincrement or compound id is
 * refused here, at start-up, with the model named.
 */
export function syncModels(datamodel: Datamodel): DmmfModel[] {
  const models = datamodel.models.filter(isSyncModel);
  for (const model of models) {
    const ids = idFields(model);
    const id = model.fields.find((f) => f.name === ids[0]) as (DmmfField & { default?: { name?: string } }) | undefined;
    const problem =
      ids.length !== 1 || !id
        ? 'has no single id field'
        : id.default?.name === 'autoincrement'
          ? `uses an autoincrement id (${id.name})`
          : id.type !== 'String'
            ? `has a ${id.type} id (${id.name})`
            : null;
    if (problem) {
      throw new Error(`Model ${model.name} is marked /// @sync but ${problem}: sync models need a client-generated String id, e.g. \`id String @id @default(uuid())\` (see docs/offline.md)`);
    }
  }
  return models;
}

/** The id field of a sync model (checked by {@link syncModels}). */
export const syncKey = (model: DmmfModel): string => idFields(model)[0];
