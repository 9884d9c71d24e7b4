import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../src/base/config.ts';
import { pushSchema } from '../../src/engine/migrations.ts';
import { type AppSteps, appSteps, createApp } from '../../src/server/create-app.ts';
import { prepareConfigured } from '../../src/server/prepare-app-schema.ts';
import { createResources } from '../../src/server/resources.ts';
import { type EmbeddedS3, startEmbeddedS3 } from '../../src/storage/embedded-s3.ts';
import { createTestDatabase, providers, type TestDatabase } from '../support/databases.ts';

type Step = keyof AppSteps;
const steps = Object.keys(appSteps) as Step[];

/** How each step's part releases what it holds; the other steps open nothing. */
const closers: Partial<Record<Step, string>> = {
  openDatabase: 'close',
  createStorage: 'close',
  createAuth: 'close',
  createRealtime: 'close',
  createFunctions: 'stop',
  createBackups: 'close',
};

/**
 * Every step as createApp runs it, with each opened part's close watched;
 * `failing` throws instead of running. `closed` lists the parts in the
 * order they were closed.
 */
function watchedSteps(failing?: Step) {
  const opened: Step[] = [];
  const closed: Step[] = [];
  const watch = (step: Step, part: any) => {
    const method = closers[step];
    if (!method || !part) return part;
    opened.push(step);
    const close = part[method].bind(part);
    part[method] = (...args: unknown[]) => {
      closed.push(step);
      return close(...args);
    };
    return part;
  };
  const replaced = Object.fromEntries(
    steps.map((step) => [
      step,
      (...args: unknown[]) => {
        if (step === failing) throw new Error(`${step} failed`);
        const result = (appSteps[step] as (...a: unknown[]) => unknown)(...args);
        if (!(result instanceof Promise)) return watch(step, result);
        // A pool connects lazily: hold a connection, so a pool left open shows as an active handle.
        return result.then(async (part: any) => (step === 'openDatabase' && (await part.prisma.$queryRawUnsafe('SELECT 1')), watch(step, part)));
      },
    ]),
  ) as unknown as Partial<AppSteps>;
  return { steps: replaced, opened, closed };
}

/** Handles and requests keeping the process alive, by kind (timers of the test runner come and go: not counted). */
const activeHandles = () =>
  process
    .getActiveResourcesInfo()
    .filter((kind) => kind !== 'Timeout' && kind !== 'Immediate')
    .sort();

describe.each(providers)('composing the app on %s', (provider) => {
  let database: TestDatabase;
  let s3: EmbeddedS3;
  let config: Config;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    s3 = await startEmbeddedS3();
    config = loadConfig({
      STRATA_ENV: 'test',
      DATABASE_URL: database.url,
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    });
    await pushSchema({ databaseUrl: config.databaseUrl, schema: prepareConfigured(config), force: true });
    // Warm up once: the generated client, the app's modules and the S3 client are cached for the process.
    await (await createApp(config)).close();
  });
  afterAll(async () => {
    await s3?.close();
    await database?.drop();
  });

  it('opens every part in dependency order and closes them in reverse', async () => {
    const watched = watchedSteps();
    const app = await createApp(config, { steps: watched.steps });
    expect(app.storage).not.toBeNull();
    expect(watched.opened).toEqual(['openDatabase', 'createStorage', 'createAuth', 'createRealtime', 'createFunctions', 'createBackups']);
    await app.close();
    await app.close();
    expect(watched.closed).toEqual([...watched.opened].reverse());
  });

  it.each(steps)('closes what it opened when %s throws, and rethrows', async (failing) => {
    const before = activeHandles();
    const watched = watchedSteps(failing);
    await expect(createApp(config, { steps: watched.steps })).rejects.toThrow(`${failing} failed`);
    expect(watched.opened).toEqual(Object.keys(closers).filter((step) => steps.indexOf(step as Step) < steps.indexOf(failing)));
    expect(watched.closed).toEqual([...watched.opened].reverse());
    expect(activeHandles()).toEqual(before);
  });
});

describe('the resource stack', () => {
  it('closes every part newest first even when one fails, then rethrows the first failure', async () => {
    const resources = createResources();
    const closed: string[] = [];
    resources.add('a', () => closed.push('a'));
    resources.add('b', () => {
      closed.push('b');
      throw new Error('b would not close');
    });
    resources.add('c', async () => closed.push('c'));
    await expect(resources.close()).rejects.toThrow('b would not close');
    expect(closed).toEqual(['c', 'b', 'a']);
  });
});
