import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { expectValidSdl, logEnv, ok, smokeModel } from './smoke-driver.ts';

const schemaPath = path.resolve(import.meta.dirname, '../fixtures/schemas/relations.prisma');

describe.each(providers)('relations fixture on %s', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider, { schemaPath, env: logEnv });
  });
  afterAll(() => t?.close());

  it('prints a valid SDL', () => {
    expectValidSdl(t);
  });

  it.each(['Member', 'Article', 'Note', 'Star'])('runs the CRUD smoke pass on %s', async (model) => {
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

  it('selects a join row by its named compound id (pair)', async () => {
    const star = await ok(t, '{ stars(take: 1) { memberId articleId } }');
    const { memberId, articleId } = star.stars[0];
    const data = await ok(t, `query($pair: StarPairCompoundUniqueInput!) { star(where: { pair: $pair }) { member { handle } } }`, {
      pair: { memberId, articleId },
    });
    expect(data.star.member.handle).toBe('stays');
  });
});
