import type { PreparedSchema } from './prepare-schema.ts';
import { openSchemaEngine } from './schema-engine.ts';

export interface PushResult {
  executedSteps: number;
  warnings: string[];
}

/**
 * Makes the database match the schema without migrations (`strata dev`).
 * Refuses changes that would lose data unless `force` is set.
 */
export async function pushSchema(databaseUrl: string, schema: PreparedSchema, force = false): Promise<PushResult> {
  const file = { path: 'schema.prisma', content: schema.content };
  const { engine, close } = await openSchemaEngine(databaseUrl, file);
  try {
    const result = await engine.schemaPush({ force, schema: { files: [file] }, filters: { externalTables: [], externalEnums: [] } });
    if (result.unexecutable.length > 0) throw new Error(`The schema cannot be pushed:\n${result.unexecutable.join('\n')}`);
    if (!force && result.warnings.length > 0) {
      throw new Error(`Pushing the schema would lose data (rerun with --accept-data-loss):\n${result.warnings.join('\n')}`);
    }
    return { executedSteps: result.executedSteps, warnings: result.warnings };
  } finally {
    await close();
  }
}
