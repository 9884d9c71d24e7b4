import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { printSchema } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/base/config.ts';
import { prepareAppSchema } from '../../src/server/prepare-app-schema.ts';
import { allowAll } from '../../src/permissions/policy.ts';
import { buildSchema } from '../../src/schema/build-schema.ts';
import { readDatamodel } from '../../src/base/datamodel.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'strata-edge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const build = (schemaText: string) =>
  buildSchema({ datamodel: readDatamodel(schemaText, 'sqlite'), limits: loadConfig({ STRATA_ENV: 'test' }).limits, dbNull: null });

describe('schema files as editors write them', () => {
  it('prepares a schema saved with a byte-order mark and CRLF line ends', () => {
    const file = write(
      'windows.prisma',
      '\uFEFFgenerator client {\r\n  provider = "prisma-client-js"\r\n}\r\n\r\ndatasource db {\r\n  provider = "postgresql"\r\n  url      = env("DATABASE_URL")\r\n}\r\n\r\nmodel Note {\r\n  id String @id @default(uuid())\r\n}\r\n',
    );
    const prepared = prepareAppSchema(file, 'sqlite');
    expect(prepared.content).not.toMatch(/generator|env\(/);
    expect(prepared.content).toContain('provider = "sqlite"');
    expect(readDatamodel(prepared.content, 'sqlite').models.map((m) => m.name)).toEqual(['Note']);
  });
});

describe('names two models would share', () => {
  const datasource = 'datasource db {\n  provider = "sqlite"\n}\n';

  it('refuses two models whose operations collide (Person → people, People → people), naming both', () => {
    const schema = `${datasource}model Person {\n  id String @id\n}\nmodel People {\n  id String @id\n}\n`;
    expect(() => build(schema)).toThrow(/Models Person and People would both define the GraphQL operation "people"/);
  });

  it('builds models whose names only look alike (Post, PostLike, Posting)', () => {
    const schema = `${datasource}model Post {\n  id String @id\n}\nmodel PostLike {\n  id String @id\n}\nmodel Posting {\n  id String @id\n}\n`;
    expect(printSchema(build(schema))).toContain('postLikes(');
  });
});

describe('models named like root types behind read rules', () => {
  it('types a guarded to-one relation with the renamed model type (Mutation.query: QueryModel)', () => {
    const prepared = prepareAppSchema(path.resolve(import.meta.dirname, '../fixtures/schemas/reserved-names.prisma'), 'sqlite');
    const schema = buildSchema({
      datamodel: readDatamodel(prepared.content, 'sqlite'),
      limits: loadConfig({ STRATA_ENV: 'test' }).limits,
      dbNull: null,
      // Not open: relations resolve through the rule-checking path instead of plain t.relation.
      policy: (model) => ({ ...allowAll(model), openRead: false }),
    });
    const mutationModel = schema.getType('MutationModel') as any;
    expect(String(mutationModel.getFields().query.type)).toBe('QueryModel');
  });
});
