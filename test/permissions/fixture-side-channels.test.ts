import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../src/base/viewer.ts';
import { encodeCursor } from '../../src/schema/cursor.ts';
import { providers } from '../support/databases.ts';
import { createTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.ts';

const schemaPath = path.resolve(import.meta.dirname, '../fixtures/schemas/relations.prisma');
const appDir = path.resolve(import.meta.dirname, 'fixtures/relations-app');
const MISSING = '00000000-0000-4000-8000-000000000000';

const viewers: Record<string, Viewer> = {
  anonymous: { kind: 'anonymous' },
  user: { kind: 'user', id: 1, email: 'u@example.com', role: 'USER', sessionId: 's1' },
  admin: { kind: 'user', id: 2, email: 'a@example.com', role: 'ADMIN', sessionId: 's2' },
};

type Kind = 'car' | 'carCursor' | 'handle';
const page = 'edges { node { plate } } pageInfo { hasNextPage hasPreviousPage } totalCount';
/** [name, target kind, query taking $target]. */
const cases: [string, Kind, string][] = [
  ['unique lookup of a hidden car', 'car', 'query($target: String!) { car(where: { id: $target }) { plate } }'],
  ['cursor at root', 'car', 'query($target: String!) { cars(cursor: { id: $target }, orderBy: [{ plate: asc }]) { plate } }'],
  ['cursor nested (members.cars)', 'car', 'query($target: String!) { members(orderBy: [{ id: asc }]) { cars(cursor: { id: $target }, orderBy: [{ plate: asc }]) { plate } } }'],
  ['connection after', 'carCursor', `query($target: String!) { carsConnection(first: 3, after: $target, orderBy: [{ plate: asc }]) { ${page} } }`],
  ['connection before', 'carCursor', `query($target: String!) { carsConnection(last: 3, before: $target, orderBy: [{ plate: desc }]) { ${page} } }`],
  ['guarded unique key', 'handle', 'query($target: String!) { member(where: { handle: $target }) { id } }'],
  ['guarded field in a where', 'handle', 'query($target: String!) { members(where: { handle: { equals: $target } }) { id } }'],
  ['guarded field through a relation filter', 'handle', 'query($target: String!) { cars(where: { owner: { is: { handle: { equals: $target } } } }) { plate } }'],
  ['guarded field as a cursor', 'handle', 'query($target: String!) { members(cursor: { handle: $target }) { id } }'],
  ['guarded field as a nested order', 'handle', 'query($target: String!) { cars(where: { plate: { equals: $target } }, orderBy: [{ owner: { handle: asc } }]) { plate } }'],
  ['guarded field in a groupBy aggregate order', 'handle', 'query($target: String!) { membersGroupBy(by: [id], where: { id: { not: { equals: $target } } }, orderBy: [{ _max: { handle: asc } }]) { id } }'],
  ['guarded field in a nested connect', 'handle', 'mutation($target: String!) { createCar(data: { plate: "PUB-new", owner: { connect: { handle: $target } } }) { plate } }'],
];

describe.each(providers)('side channels on the relations fixture (%s)', (provider) => {
  let t: TestApp;
  let hiddenCar: string;
  beforeAll(async () => {
    t = await createTestApp(provider, { schemaPath, rules: true, env: { STRATA_APP_DIR: appDir, STRATA_REST: 'false' } });
    const p: any = t.prisma;
    const ann = await p.member.create({ data: { handle: 'ann' } });
    const rob = await p.member.create({ data: { handle: 'rob' } });
    for (const [plate, ownerId] of [['PUB-1', ann.id], ['HID-1', ann.id], ['PUB-2', rob.id], ['HID-2', rob.id]]) await p.car.create({ data: { plate, ownerId } });
    hiddenCar = (await p.car.findUnique({ where: { plate: 'HID-1' } })).id;
  });
  afterAll(() => t.close());

  const target = (kind: Kind, hidden: boolean): string => {
    if (kind === 'handle') return hidden ? 'ann' : 'nobody';
    const id = hidden ? hiddenCar : MISSING;
    return kind === 'carCursor' ? encodeCursor({ id }) : id;
  };

  describe.each(['anonymous', 'user'])('as %s', (actor) => {
    it.each(cases)('answers %s for a hidden target exactly as for a missing one', async (_name, kind, query) => {
      const run = (hidden: boolean): Promise<GraphQLResponse> => t.as(viewers[actor])(query, { target: target(kind, hidden) });
      const [hidden, missing] = [await run(true), await run(false)];
      expect(hidden).toEqual(missing);
      if (kind === 'handle') {
        const expected = actor === 'anonymous' && query.startsWith('mutation') ? 'UNAUTHENTICATED' : 'FORBIDDEN';
        expect(hidden.errors?.map((e) => e.extensions.code)).toEqual([expected]);
      } else expect(hidden.errors).toBeUndefined();
    });
  });

  it.each(cases.filter(([, , q]) => !q.startsWith('mutation')))('lets an admin use %s, where the target really exists', async (_name, kind, query) => {
    const run = (hidden: boolean): Promise<GraphQLResponse> => t.as(viewers.admin)(query, { target: target(kind, hidden) });
    const [hidden, missing] = [await run(true), await run(false)];
    expect(hidden.errors).toBeUndefined();
    if (kind !== 'handle') expect(hidden.data).not.toEqual(missing.data);
  });
});
