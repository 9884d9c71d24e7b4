import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../src/base/change-event.ts';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const appDir = path.resolve(import.meta.dirname, 'fixtures/cascade-app');

/**
 * Rows the database deletes (`onDelete: Cascade`) or detaches (`SetNull`)
 * with a deleted row are reported too: subscribers get their events and
 * triggers their outbox rows, marked `cascade`. Hooks do not run for them
 * (test/hooks/hook-order.test.ts).
 */
describe.each(providers)('deletes the database cascades on %s', (provider) => {
  let t: TestApp;
  let otherId: number;
  const events: ChangeEvent[] = [];

  beforeAll(async () => {
    t = await createTestApp(provider, { env: { STRATA_APP_DIR: appDir } });
    t.app.realtime.hub.listen((batch) => events.push(...batch.events));
    otherId = (await t.prisma.user.create({ data: { email: 'other@example.com' } })).id;
  });
  afterAll(() => t.close());

  /** A user with a profile, an invitee, and two posts with two comments (by someone else) and a like each. */
  const seedUser = async (email: string) => {
    const user = await t.prisma.user.create({ data: { email, profile: { create: { bio: 'hi' } } } });
    await t.prisma.user.create({ data: { email: `invitee-${email}`, invitedById: user.id } });
    const posts = [];
    for (const n of [1, 2]) {
      const post = await t.prisma.post.create({ data: { slug: `${email}-${n}`, title: `P${n}`, authorId: user.id } });
      await t.prisma.comment.createMany({ data: [1, 2].map((c) => ({ body: `c${c}`, postId: post.id, authorId: otherId })) });
      await t.prisma.postLike.create({ data: { postId: post.id, userId: otherId } });
      posts.push(post);
    }
    return { user, posts };
  };

  /** Runs a mutation and returns the changes it published, as `Model KIND` lines (`+cascade` marked). */
  const changesOf = async (query: string, variables: Record<string, unknown>) => {
    events.length = 0;
    const res = await t.gql(query, variables);
    expect(res.errors).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    return events.map((e) => `${e.model} ${e.kind}${e.cascade ? ' +cascade' : ''}`).sort();
  };

  it('deleteUser reports the profile, posts, comments and likes deleted with the user, and the invitee detached', async () => {
    const { user } = await seedUser('gone@example.com');
    const before = await t.prisma.strataOutbox.count({ where: { trigger: 'commentDeleted' } });
    const changes = await changesOf('mutation ($id: Int!) { deleteUser(where: { id: $id }) { id } }', { id: user.id });
    expect(changes).toEqual([
      ...Array(4).fill('Comment DELETED +cascade'),
      ...Array(2).fill('Post DELETED +cascade'),
      ...Array(2).fill('PostLike DELETED +cascade'),
      'Profile DELETED +cascade',
      'User DELETED',
      'User UPDATED +cascade',
    ]);
    const invitee = events.find((e) => e.model === 'User' && e.kind === 'UPDATED')!;
    expect([invitee.previous?.invitedById, invitee.row.invitedById]).toEqual([user.id, null]);
    expect(await t.prisma.strataOutbox.count({ where: { trigger: 'commentDeleted' } })).toBe(before + 4);
    expect(await t.prisma.post.count({ where: { authorId: user.id } })).toBe(0);
  });

  it('deleteManyPosts reports the comments and likes of every post, and detaches their files', async () => {
    const { user, posts } = await seedUser('posts@example.com');
    await t.prisma.file.create({
      data: { key: 'k1', bucket: 'b', size: 1, contentType: 'text/plain', originalName: 'a.txt', postId: posts[0].id },
    });
    const changes = await changesOf('mutation ($id: Int!) { deleteManyPosts(where: { authorId: { equals: $id } }) { count } }', { id: user.id });
    expect(changes).toEqual([
      ...Array(4).fill('Comment DELETED +cascade'),
      'File UPDATED +cascade',
      ...Array(2).fill('Post DELETED'),
      ...Array(2).fill('PostLike DELETED +cascade'),
    ]);
  });

  it('reports nothing more for a delete nothing depends on', async () => {
    const { user } = await seedUser('plain@example.com');
    const comment = await t.prisma.comment.findFirst({ where: { post: { authorId: user.id } } });
    expect(await changesOf('mutation ($id: Int!) { deleteComment(where: { id: $id }) { id } }', { id: comment.id })).toEqual(['Comment DELETED']);
  });
});
