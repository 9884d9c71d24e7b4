import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Config } from '../base/config.ts';
import { type Hooks, hookNames } from '../hooks/define-hooks.ts';
import type { Datamodel } from '../base/datamodel.ts';
import { kindOfValue } from './brand.ts';
import type { HttpFunction } from './define-http-function.ts';
import type { Resolvers } from './define-resolvers.ts';
import type { Schedule } from './define-schedule.ts';
import type { Trigger } from './define-trigger.ts';
import { latestTick } from './scheduler.ts';

type Named<T> = T & { name: string };

/** The app's custom logic: `app/hooks.ts` and every `defineX` export of `app/functions/*.ts`. */
export interface AppLogic {
  hooks: Hooks<any>;
  resolvers: Named<Resolvers>[];
  triggers: Named<Trigger>[];
  schedules: Named<Schedule>[];
  http: Named<HttpFunction>[];
}

export const emptyLogic = (): AppLogic => ({ hooks: {}, resolvers: [], triggers: [], schedules: [], http: [] });

/** Function files: `*.ts`/`*.js` directly in the folder, except `_private.ts`, tests and declarations. */
function functionFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !/^[_.]/.test(f) && !/\.(d|test|spec)\.[mc]?[tj]s$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

let generation = 0;

/**
 * Makes the next load of app code read every project file afresh: `strata
 * dev`'s hot reload. Files are imported with `?strata-gen=<n>`, which the CLI's
 * resolve hook (bin/esm-app-code.mjs) passes on to the project files they import.
 */
export function reloadAppCode(): void {
  generation += 1;
}

/** The URL to import an app file from, stamped with the reload generation once `strata dev` reloaded. */
export function appModuleUrl(file: string): string {
  const url = pathToFileURL(file).href;
  return generation ? `${url}?strata-gen=${generation}` : url;
}

const importDefault = async (file: string) => (await import(appModuleUrl(file))) as Record<string, unknown>;

/** Checks what a datamodel cannot check by types alone; every problem is reported at once. */
function validate(logic: AppLogic, datamodel: Datamodel, problems: string[]): void {
  const models = new Set(datamodel.models.map((m) => m.name));
  for (const [model, hooks] of Object.entries(logic.hooks)) {
    if (!models.has(model)) problems.push(`hooks name an unknown model "${model}"`);
    for (const key of Object.keys(hooks ?? {})) {
      if (!(hookNames as readonly string[]).includes(key)) problems.push(`hooks of ${model} have an unknown hook "${key}" (known: ${hookNames.join(', ')})`);
    }
  }
  for (const t of logic.triggers) {
    if (!models.has(t.model)) problems.push(`trigger "${t.name}" names an unknown model "${t.model}"`);
    if (!Array.isArray(t.on) || t.on.length === 0 || t.on.some((on) => !['create', 'update', 'delete'].includes(on))) {
      problems.push(`trigger "${t.name}": on must list create, update and/or delete`);
    }
    if (t.maxAttempts !== undefined && !(Number.isInteger(t.maxAttempts) && t.maxAttempts >= 1)) problems.push(`trigger "${t.name}": maxAttempts must be an integer >= 1`);
    if (typeof t.handler !== 'function') problems.push(`trigger "${t.name}" has no handler`);
  }
  for (const s of logic.schedules) {
    try {
      latestTick(s, new Date());
    } catch (error) {
      problems.push(`schedule "${s.name}": invalid cron "${s.cron}" (${(error as Error).message})`);
    }
  }
  for (const h of logic.http) {
    if (!/^[A-Za-z0-9_-]+$/.test(h.name)) problems.push(`HTTP function "${h.name}": names may use letters, digits, _ and - only`);
    if (!h.access) problems.push(`HTTP function "${h.name}" must declare its access ('public', 'authenticated', 'admin' or a predicate)`);
  }
  for (const [kind, list] of [['trigger', logic.triggers], ['schedule', logic.schedules], ['HTTP function', logic.http]] as const) {
    const seen = new Set<string>();
    for (const { name } of list) {
      if (seen.has(name)) problems.push(`two ${kind}s are named "${name}"`);
      seen.add(name);
    }
  }
}

/**
 * Loads `<appDir>/hooks.ts` (its default export, made with `defineHooks`) and
 * every export made with `defineResolvers`, `defineTrigger`,
 * `defineSchedule` or `defineHttpFunction` from `<appDir>/functions/*.ts`;
 * names default to the export's name. Without an app folder there is no
 * custom logic. Mistakes fail start-up with one message listing them all.
 */
export async function loadAppLogic(config: Pick<Config, 'appDir'>, datamodel: Datamodel): Promise<AppLogic> {
  const logic = emptyLogic();
  if (!config.appDir) return logic;
  const problems: string[] = [];
  const hooksFile = path.join(config.appDir, 'hooks.ts');
  if (existsSync(hooksFile)) {
    const hooks = (await importDefault(hooksFile)).default;
    if (typeof hooks !== 'object' || hooks === null) problems.push(`${hooksFile} must export default defineHooks({...})`);
    else logic.hooks = hooks as Hooks<any>;
  }
  for (const file of functionFiles(path.join(config.appDir, 'functions'))) {
    for (const [exported, value] of Object.entries(await importDefault(file))) {
      const kind = kindOfValue(value);
      if (!kind) continue;
      const fallback = exported === 'default' ? path.basename(file).replace(/\.[^.]+$/, '') : exported;
      const named = { ...(value as object), name: (value as { name?: string }).name ?? fallback };
      if (kind === 'resolvers') logic.resolvers.push(named as Named<Resolvers>);
      else if (kind === 'trigger') logic.triggers.push(named as Named<Trigger>);
      else if (kind === 'schedule') logic.schedules.push(named as Named<Schedule>);
      else logic.http.push(named as Named<HttpFunction>);
    }
  }
  validate(logic, datamodel, problems);
  if (problems.length) throw new Error(`Invalid custom logic in ${config.appDir}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return logic;
}
