import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { authSchemaExtension } from '../../src/auth/schema/define-auth-schema.ts';
import { loadConfig } from '../../src/base/config.ts';
import { allowAll } from '../../src/permissions/policy.ts';
import { compilePolicy } from '../../src/permissions/compile-policy.ts';
import { buildSchema } from '../../src/schema/build-schema.ts';
import { readDatamodel } from '../../src/base/datamodel.ts';
import { managedFieldsOf, type SchemaExtension } from '../../src/schema/schema-extension.ts';
import { prepareConfigured } from '../../src/server/prepare-app-schema.ts';
import { fileSchemaExtension } from '../../src/storage/schema/define-file-schema.ts';
import type { Context } from '../../src/base/context.ts';

const config = loadConfig({ STRATA_ENV: 'test' });
const prepared = prepareConfigured(config, true);
const datamodel = readDatamodel(prepared.content, prepared.provider);
const build = (extensions: SchemaExtension[]) => buildSchema({ datamodel, limits: config.limits, dbNull: null, policy: allowAll, extensions });

describe('capabilities as schema extensions', () => {
  it('defines only the generated API without extensions, and each extension in list order', () => {
    const bare = build([]);
    expect(bare.getSubscriptionType()).toBeUndefined();
    expect(bare.getQueryType()!.getFields().viewer).toBeUndefined();
    const order: string[] = [];
    const field = (name: string): SchemaExtension => ({
      name,
      define: (gen) => {
        order.push(name);
        gen.builder.queryField(name, (t: any) => t.string({ resolve: () => name }));
      },
    });
    const schema = build([field('first'), authSchemaExtension(), field('second')]);
    expect(order).toEqual(['first', 'second']);
    const fields = Object.keys(schema.getQueryType()!.getFields());
    expect(fields.indexOf('first')).toBeLessThan(fields.indexOf('viewer'));
    expect(fields.indexOf('viewer')).toBeLessThan(fields.indexOf('second'));
  });

  it('keeps build-schema.ts free of imports from the capabilities', () => {
    const source = readFileSync(path.resolve(import.meta.dirname, '../../src/schema/build-schema.ts'), 'utf8');
    const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports.filter((from) => /\/(auth|realtime|storage|functions)\//.test(from))).toEqual([]);
  });

  it("merges the columns auth and storage manage, the stricter answer winning when two own one", () => {
    const managed = managedFieldsOf([authSchemaExtension(), fileSchemaExtension(null), { name: 'strict', managedFields: () => ({ User: { role: 'never' } }) }], datamodel);
    expect(managed.User).toMatchObject({ email: 'admin', role: 'never', passwordHash: 'never' });
    expect(managed.File).toMatchObject({ key: 'never', bucket: 'never', ownerId: 'never' });
    const fields = Object.fromEntries(datamodel.models.map((m) => [m.name, m.fields.map((f) => f.name)]));
    const open = Object.fromEntries(datamodel.models.map((m) => [m.name, { read: true, create: true, update: true, delete: true }]));
    const policy = compilePolicy(open as never, fields, { managedFields: managed });
    const admin = { viewer: { kind: 'user', id: 1, email: 'a@example.com', role: 'ADMIN', sessionId: 's' } } as Context;
    expect(['key', 'originalName'].filter((f) => policy('File').writeField(admin, f))).toEqual(['originalName']);
    expect(['email', 'role'].filter((f) => policy('User').writeField(admin, f))).toEqual(['email']);
  });
});
