import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAppLogic } from '../../src/functions/load-app-logic.ts';
import { prepareAppSchema } from '../../src/server/prepare-app-schema.ts';
import { readDatamodel } from '../../src/base/datamodel.ts';

const root = path.resolve(import.meta.dirname, '../..');
const src = (file: string) => pathToFileURL(path.join(root, 'src', file)).href;
const prepared = prepareAppSchema(path.join(root, 'prisma/schema.prisma'), 'sqlite');
const datamodel = readDatamodel(prepared.content, prepared.provider);
const dirs: string[] = [];

/** An app folder with the given files. */
function appWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strata-app-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('loading custom logic', () => {
  it('finds every defineX export by kind, naming each after its export unless named', async () => {
    const dir = appWith({
      'hooks.ts': `export default { Post: { validate() {} } };`,
      'functions/things.ts': `
        import { defineTrigger } from '${src('functions/define-trigger.ts')}';
        import { defineSchedule } from '${src('functions/define-schedule.ts')}';
        import { defineHttpFunction } from '${src('functions/define-http-function.ts')}';
        export const onPost = defineTrigger({ model: 'Post', on: ['create'], handler() {} });
        export const nightly = defineSchedule({ name: 'nightly-job', cron: '0 0 * * *', run() {} });
        export const hello = defineHttpFunction({ access: 'public', handler: () => 'hi' });
        export const helper = 42;`,
      'functions/_private.ts': `throw new Error('files starting with _ are not loaded');`,
    });
    const logic = await loadAppLogic({ appDir: dir }, datamodel);
    expect(Object.keys(logic.hooks)).toEqual(['Post']);
    expect(logic.triggers.map((t) => t.name)).toEqual(['onPost']);
    expect(logic.schedules.map((s) => s.name)).toEqual(['nightly-job']);
    expect(logic.http.map((h) => h.name)).toEqual(['hello']);
  });

  it('fails start-up listing every mistake at once', async () => {
    const dir = appWith({
      'hooks.ts': `export default { Nope: {}, Post: { beforeCreat() {} } };`,
      'functions/bad.ts': `
        import { defineTrigger } from '${src('functions/define-trigger.ts')}';
        import { defineSchedule } from '${src('functions/define-schedule.ts')}';
        export const t1 = defineTrigger({ name: 'same', model: 'Ghost', on: ['created'], handler() {}, maxAttempts: 0 });
        export const t2 = defineTrigger({ name: 'same', model: 'Post', on: ['create'], handler() {} });
        export const s1 = defineSchedule({ cron: 'every day', run() {} });`,
    });
    const error = await loadAppLogic({ appDir: dir }, datamodel).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    for (const problem of [
      'hooks name an unknown model "Nope"',
      'hooks of Post have an unknown hook "beforeCreat"',
      'trigger "same" names an unknown model "Ghost"',
      'trigger "same": on must list create, update and/or delete',
      'trigger "same": maxAttempts must be an integer >= 1',
      'schedule "s1": invalid cron "every day"',
      'two triggers are named "same"',
    ]) {
      expect(message).toContain(problem);
    }
  });

  it('has no custom logic without an app folder', async () => {
    expect(await loadAppLogic({ appDir: undefined }, datamodel)).toEqual({ hooks: {}, resolvers: [], triggers: [], schedules: [], http: [] });
  });
});
