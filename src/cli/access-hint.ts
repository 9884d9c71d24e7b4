import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../base/config.ts';

/**
 * What `strata dev` tells a developer about getting in: a schema with no
 * rules (every model admin-only) or no user model (nobody can sign in) is
 * reachable through the admin secret. The secret itself is never printed.
 */
export function accessHint(config: Config, hasUserModel: boolean): string[] {
  const hasRules = !!config.appDir && existsSync(path.join(config.appDir, 'rules.ts'));
  if (hasRules && hasUserModel) return [];
  const lines: string[] = [];
  if (!hasRules) lines.push('No access rules for this schema (rules.ts): every model is admin-only.');
  if (!hasUserModel) lines.push('No user model in this schema: nobody can sign in.');
  lines.push(
    config.auth.adminSecret
      ? 'Full access: send the header `x-strata-admin-secret: <your STRATA_ADMIN_SECRET>` (GraphiQL: Headers tab).'
      : 'Full access: set STRATA_ADMIN_SECRET (32+ characters), restart, and send it in the header `x-strata-admin-secret` (GraphiQL: Headers tab).',
  );
  return lines;
}
