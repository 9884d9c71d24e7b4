import type { Viewer } from '../../src/base/viewer.ts';
import type { TestApp } from '../support/test-app.ts';

export type Actor = 'anonymous' | 'alice' | 'bob' | 'admin' | 'service';

/** Rows of the permission scenarios, by name. */
export interface Seeded {
  users: Record<'alice' | 'bob' | 'admin', number>;
  posts: Record<'alicePublished' | 'aliceDraft' | 'bobPublished' | 'bobDraft', number>;
  comments: Record<string, number>;
  viewers: Record<Actor, Viewer>;
}

/**
 * Two users with a published post and a draft each, comments by both on
 * every post, tags, likes and profiles; plus an admin user.
 */
export async function seed(t: TestApp): Promise<Seeded> {
  const p = t.prisma;
  const alice = await p.user.create({ data: { email: 'alice@example.com', name: 'Alice', profile: { create: { bio: 'a' } } } });
  const bob = await p.user.create({ data: { email: 'bob@example.com', name: 'Bob', profile: { create: { bio: 'b' } } } });
  const admin = await p.user.create({ data: { email: 'admin@example.com', role: 'ADMIN' } });
  const tag = await p.tag.create({ data: { name: 'news' } });
  const post = (authorId: number, slug: string, published: boolean) =>
    p.post.create({ data: { authorId, slug, title: slug, published, tags: { connect: [{ id: tag.id }] } } });
  const posts = {
    alicePublished: (await post(alice.id, 'alice-pub', true)).id,
    aliceDraft: (await post(alice.id, 'alice-draft', false)).id,
    bobPublished: (await post(bob.id, 'bob-pub', true)).id,
    bobDraft: (await post(bob.id, 'bob-draft', false)).id,
  };
  const comments: Record<string, number> = {};
  for (const [name, postId] of Object.entries(posts)) {
    for (const [who, authorId] of [['alice', alice.id], ['bob', bob.id]] as const) {
      comments[`${who}On_${name}`] = (await p.comment.create({ data: { body: `${who} on ${name}`, postId, authorId } })).id;
    }
    await p.postLike.create({ data: { postId, userId: alice.id } });
  }
  const user = (row: { id: number; email: string; role: string }): Viewer => ({
    kind: 'user',
    id: row.id,
    email: row.email,
    role: row.role,
    sessionId: `test-${row.id}`,
  });
  return {
    users: { alice: alice.id, bob: bob.id, admin: admin.id },
    posts,
    comments,
    viewers: { anonymous: { kind: 'anonymous' }, alice: user(alice), bob: user(bob), admin: user(admin), service: { kind: 'service' } },
  };
}

/** The posts an actor may read under the example rules. */
export function visiblePosts(s: Seeded, actor: Actor): number[] {
  const { posts } = s;
  if (actor === 'admin' || actor === 'service') return Object.values(posts);
  const published = [posts.alicePublished, posts.bobPublished];
  if (actor === 'alice') return [...published, posts.aliceDraft];
  if (actor === 'bob') return [...published, posts.bobDraft];
  return published;
}
