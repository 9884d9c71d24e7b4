import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { appEnv, expectRestServed, expectValidSdl, ok, smokeModel } from './smoke-driver.ts';

const schemaPath = path.resolve(import.meta.dirname, '../fixtures/schemas/relations.prisma');

describe.each(providers)('relations fixture on %s', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider, { schemaPath, env: appEnv(provider) });
  });
  afterAll(() => t?.close());

  it('prints a valid SDL and serves it as REST too', async () => {
    expectValidSdl(t);
    await expectRestServed(t);
  });

  it.each(['Member', 'Article', 'Note', 'Star', 'Passport', 'Category', 'Book', 'Edition', 'Car', 'Boat', 'Badge'])('runs the CRUD smoke pass on %s', async (model) => {
    await smokeModel(t, model);
  });

  it('keeps two named relations between the same models apart (Author, Reviewer)', async () => {
    const data = await ok(
      t,
      `mutation {
        createArticle(data: {
          title: "Two hats"
          author: { create: { handle: "ann" } }
          reviewer: { create: { handle: "rob" } }
        }) { title author { handle authored { title } reviewed { title } } reviewer { handle authored { title } reviewed { title } } }
      }`,
    );
    expect(data.createArticle).toEqual({
      title: 'Two hats',
      author: { handle: 'ann', authored: [{ title: 'Two hats' }], reviewed: [] },
      reviewer: { handle: 'rob', authored: [], reviewed: [{ title: 'Two hats' }] },
    });
    const filtered = await ok(
      t,
      `{
        byAuthor: articles(where: { author: { is: { handle: { equals: "ann" } } } }) { title }
        byReviewer: articles(where: { reviewer: { is: { handle: { equals: "ann" } } } }) { title }
        reviewers: members(where: { reviewed: { some: {} } }) { handle _count { authored reviewed } }
      }`,
    );
    expect(filtered).toEqual({ byAuthor: [{ title: 'Two hats' }], byReviewer: [], reviewers: [{ handle: 'rob', _count: { authored: 0, reviewed: 1 } }] });
    // A nested create through one relation of a pair: the reviewer writes an article of their own.
    const nested = await ok(
      t,
      `mutation {
        updateMember(where: { handle: "rob" }, data: { authored: { create: [{ title: "Rob's own", reviewer: { connect: { handle: "ann" } } }] } }) {
          authored { title reviewer { handle } }
        }
      }`,
    );
    expect(nested.updateMember.authored).toEqual([{ title: "Rob's own", reviewer: { handle: 'ann' } }]);
  });

  it('keeps one relation name shared by two pairs of models apart (Member-Car and Member-Boat "Owner")', async () => {
    const schema = t.app.schema;
    // The nested inputs of Car.owner lead back through Member.cars, not Member.boats.
    expect(Object.keys((schema.getType('MemberCreateWithoutCarsInput') as any).getFields())).toContain('boats');
    expect(Object.keys((schema.getType('MemberCreateWithoutCarsInput') as any).getFields())).not.toContain('cars');
    const data = await ok(
      t,
      `mutation {
        createCar(data: { plate: "AB-123", owner: { create: { handle: "skipper", boats: { create: [{ name: "Nautilus" }] } } } }) {
          plate owner { handle cars { plate } boats { name owner { handle } } }
        }
      }`,
    );
    expect(data.createCar).toEqual({
      plate: 'AB-123',
      owner: { handle: 'skipper', cars: [{ plate: 'AB-123' }], boats: [{ name: 'Nautilus', owner: { handle: 'skipper' } }] },
    });
    expect(String((schema.getType('BoatCreateInput') as any).getFields().owner.type)).toBe('MemberCreateOneWithoutBoatsInput');
    const boat = await ok(
      t,
      `mutation {
        createBoat(data: { name: "Calypso", owner: { create: { handle: "captain", cars: { create: [{ plate: "CD-456" }] } } } }) {
          owner { handle cars { plate } boats { name } }
        }
      }`,
    );
    expect(boat.createBoat.owner).toEqual({ handle: 'captain', cars: [{ plate: 'CD-456' }], boats: [{ name: 'Calypso' }] });
  });

  it('links a one-to-one self relation from both sides (mentor, mentee)', async () => {
    const data = await ok(
      t,
      `mutation {
        createMember(data: { handle: "junior", mentor: { create: { handle: "senior" } } }) {
          handle mentor { handle mentee { handle } }
        }
      }`,
    );
    expect(data.createMember).toEqual({ handle: 'junior', mentor: { handle: 'senior', mentee: { handle: 'junior' } } });
    const other = await ok(t, `mutation { updateMember(where: { handle: "senior" }, data: { mentee: { disconnect: true } }) { mentee { handle } } }`);
    expect(other.updateMember.mentee).toBeNull();
  });

  it('follows and unfollows through a many-to-many self relation (followers, following)', async () => {
    await ok(t, 'mutation { a: createMember(data: { handle: "f1" }) { id } b: createMember(data: { handle: "f2" }) { id } }');
    const followed = await ok(
      t,
      `mutation {
        updateMember(where: { handle: "f1" }, data: { following: { connect: [{ handle: "f2" }], create: [{ handle: "f3" }] } }) {
          following(orderBy: [{ handle: asc }]) { handle followers { handle } }
          _count { following followers }
        }
      }`,
    );
    expect(followed.updateMember).toEqual({
      following: [
        { handle: 'f2', followers: [{ handle: 'f1' }] },
        { handle: 'f3', followers: [{ handle: 'f1' }] },
      ],
      _count: { following: 2, followers: 0 },
    });
    const unfollowed = await ok(
      t,
      `mutation { updateMember(where: { handle: "f2" }, data: { followers: { disconnect: [{ handle: "f1" }] } }) { followers { handle } } }`,
    );
    expect(unfollowed.updateMember.followers).toEqual([]);
    const counts = await ok(t, '{ members(where: { followers: { some: { handle: { equals: "f1" } } } }) { handle } }');
    expect(counts.members).toEqual([{ handle: 'f3' }]);
  });

  it('cascades deletes along onDelete: Cascade and nulls onDelete: SetNull', async () => {
    await ok(
      t,
      `mutation {
        createArticle(data: {
          title: "Doomed"
          author: { create: { handle: "gone" } }
          reviewer: { create: { handle: "stays" } }
          notes: { create: [{ body: "n1" }, { body: "n2" }] }
        }) { id }
        createStar(data: { member: { connect: { handle: "stays" } }, article: { create: { title: "Kept", author: { connect: { handle: "stays" } }, reviewer: { connect: { handle: "gone" } } } } }) { at }
      }`,
    );
    await ok(t, 'mutation { deleteMember(where: { handle: "gone" }) { handle } }');
    const after = await ok(
      t,
      `{
        doomed: articlesCount(where: { title: { equals: "Doomed" } })
        notes: notesCount(where: { body: { in: ["n1", "n2"] } })
        kept: articles(where: { title: { equals: "Kept" } }) { reviewer { handle } stars { member { handle } } }
      }`,
    );
    expect(after).toEqual({ doomed: 0, notes: 0, kept: [{ reviewer: null, stars: [{ member: { handle: 'stays' } }] }] });
  });

  it('connects through a composite foreign key by a named compound unique (titleAuthor)', async () => {
    await ok(t, 'mutation { createBook(data: { title: "Dune", author: "Herbert", year: 1965 }) { title } }');
    const data = await ok(
      t,
      `mutation {
        createEdition(data: { printRun: 5, book: { connect: { titleAuthor: { title: "Dune", author: "Herbert" } } } }) {
          bookTitle bookAuthor book { year editions { printRun } }
        }
      }`,
    );
    expect(data.createEdition).toEqual({ bookTitle: 'Dune', bookAuthor: 'Herbert', book: { year: 1965, editions: [{ printRun: 5 }] } });
    const book = await ok(t, '{ book(where: { title_author_year: { title: "Dune", author: "Herbert", year: 1965 } }) { _count { editions } } }');
    expect(book.book._count.editions).toBe(1);
  });

  it('creates rows whose primary key is their foreign key through the relation (also with no other field), and a self tree', async () => {
    const data = await ok(
      t,
      `mutation {
        createPassport(data: { number: "P-1", member: { create: { handle: "traveller" } } }) { memberId member { handle passport { number } } }
        createCategory(data: { name: "root", children: { create: [{ name: "leaf", children: { create: [{ name: "deep" }] } }] } }) {
          name children { name parent { name } children { name } }
        }
      }`,
    );
    expect(data.createPassport.member).toEqual({ handle: 'traveller', passport: { number: 'P-1' } });
    // A row that is nothing but its foreign key: its nested input has only the `_` placeholder, so `{}` creates it.
    const badge = await ok(t, 'mutation { updateMember(where: { handle: "traveller" }, data: { badge: { create: {} } }) { badge { member { handle } } } }');
    expect(badge.updateMember.badge).toEqual({ member: { handle: 'traveller' } });
    expect(data.createCategory).toEqual({ name: 'root', children: [{ name: 'leaf', parent: { name: 'root' }, children: [{ name: 'deep' }] }] });
    await ok(t, 'mutation { deleteManyCategories(where: { name: { equals: "root" } }) { count } }');
    expect((await ok(t, '{ categoriesCount }')).categoriesCount).toBe(0);
  });

  it('selects a join row by its named compound id (pair)', async () => {
    const star = await ok(t, '{ stars(take: 1) { memberId articleId } }');
    const { memberId, articleId } = star.stars[0];
    const data = await ok(t, `query($pair: StarPairCompoundUniqueInput!) { star(where: { pair: $pair }) { member { handle } } }`, {
      pair: { memberId, articleId },
    });
    expect(data.star.member.handle).toBe('stays');
  });
});
