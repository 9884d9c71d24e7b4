import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../base/config.ts';

/**
 * What `strata dev` says about the app's code: which rules and hooks files it
 * loaded (and watches), or where it looked; and how to become admin.
 */
export function appCodeBanner(config: Config, hasUserModel: boolean): string[] {
  const shown = (file: string) => path.relative(process.cwd(), file) || file;
  const lines: string[] = [];
  if (!config.appDir) {
    const expected = path.join(path.dirname(config.schemaPath.endsWith('.prisma') ? path.dirname(config.schemaPath) : config.schemaPath), 'app');
    lines.push(`No app folder (looked for ${shown(expected)}, or set STRATA_APP_DIR): no rules, hooks or functions`);
  } else {
    const rules = path.join(config.appDir, 'rules.ts');
    const hooks = path.join(config.appDir, 'hooks.ts');
    lines.push(existsSync(rules) ? `Rules: ${shown(rules)}` : `Rules: none (no ${shown(rules)})`);
    if (existsSync(hooks)) lines.push(`Hooks: ${shown(hooks)}`);
    lines.push(`Watching ${shown(config.appDir)} too: rules, hooks and functions reload on save`);
  }
  if (hasUserModel) lines.push('Become admin: npx strata promote <email> (role ADMIN), or send the header x-strata-admin-secret (STRATA_ADMIN_SECRET)');
  return lines;
}
