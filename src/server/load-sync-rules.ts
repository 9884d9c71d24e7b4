import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../base/config.ts';
import { appModuleUrl } from '../functions/load-app-logic.ts';
import type { SyncRules } from '../sync/define-sync.ts';

/** Loads `<appDir>/sync.ts` (conflict rules per sync model); none: every model rejects conflicts. */
export async function loadSyncRules(config: Config): Promise<SyncRules> {
  const file = config.appDir && path.join(config.appDir, 'sync.ts');
  if (!file || !existsSync(file)) return {};
  return ((await import(appModuleUrl(file))).default ?? {}) as SyncRules;
}
