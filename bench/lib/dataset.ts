/**
 * The deterministic blog dataset, generated in SQL with generate_series: the
 * same rows for the same scale on every machine, no randomness at all.
 *
 * - user u: email user<u>@bench.test, 1 in 50 is ADMIN, 1 in 4 invited by an earlier user
 * - post p: author ((p-1) mod users)+1, so every user has exactly posts/users posts;
 *   status cycles DRAFT, PUBLISHED, ARCHIVED and `published` means PUBLISHED;
 *   createdAt rises with p, one minute apart from 2023-01-01
 * - comment c: on post ((c-1) mod posts)+1 (exactly comments/posts each), by a user spread by a multiplier
 */
export interface Scale {
  name: string;
  users: number;
  posts: number;
  comments: number;
}

export const scales: Record<string, Scale> = {
  S: { name: 'S', users: 1_000, posts: 10_000, comments: 100_000 },
  M: { name: 'M', users: 10_000, posts: 100_000, comments: 1_000_000 },
  L: { name: 'L', users: 100_000, posts: 1_000_000, comments: 10_000_000 },
};

/** Start of the posts' createdAt range; post p was created at EPOCH + p minutes. */
export const POSTS_EPOCH = Date.UTC(2023, 0, 1);

/**
 * Indexes a real app on this schema would declare: Prisma creates none for
 * foreign keys on PostgreSQL, and without them every nested comments read
 * scans the whole table, which would measure the disk, not the API layer.
 * Q2 orders by createdAt. Every peer uses the same database and indexes.
 */
export const benchIndexesSql = `
CREATE INDEX IF NOT EXISTS "bench_Comment_postId_idx" ON "Comment" ("postId");
CREATE INDEX IF NOT EXISTS "bench_Comment_authorId_idx" ON "Comment" ("authorId");
CREATE INDEX IF NOT EXISTS "bench_Post_createdAt_idx" ON "Post" ("createdAt");
CREATE INDEX IF NOT EXISTS "bench_User_invitedById_idx" ON "User" ("invitedById");
`;

/**
 * M2 (a user with 3 posts in one transaction) for PostGraphile: v5 has no
 * nested create mutations, so, as its docs advise, a VOLATILE function
 * exposed as a mutation (createUserWithPosts). One statement, one transaction.
 */
export const postgraphileFunctionsSql = `
CREATE OR REPLACE FUNCTION public.create_user_with_posts(email text, name text, slugs text[], titles text[])
RETURNS "User" LANGUAGE sql VOLATILE AS $fn$
  WITH u AS (
    INSERT INTO "User" (email, name) VALUES (email, name) RETURNING *
  ), p AS (
    INSERT INTO "Post" (slug, title, "authorId", "updatedAt")
    SELECT x.slug, x.title, u.id, now() FROM u, unnest(slugs, titles) WITH ORDINALITY AS x(slug, title, n) ORDER BY x.n
    RETURNING 1
  )
  -- A data-modifying CTE runs to completion whether or not it is read.
  SELECT u.* FROM u;
$fn$;
`;

/** SQL that fills an empty, freshly pushed database with the dataset at `scale`. */
export function seedSql(scale: Scale): string {
  const { users, posts, comments } = scale;
  return `
BEGIN;
INSERT INTO "User" (id, email, name, role, karma, "createdAt", "invitedById")
SELECT u, 'user' || u || '@bench.test', 'User ' || u,
       (CASE WHEN u % 50 = 0 THEN 'ADMIN' ELSE 'USER' END)::"Role",
       (u * 7919) % 100000,
       timestamp '2022-01-01' + u * interval '1 minute',
       CASE WHEN u > 1 AND u % 4 = 0 THEN ((u * 31) % (u - 1)) + 1 END
FROM generate_series(1, ${users}) AS u;

INSERT INTO "Post" (id, slug, title, body, status, published, rating, views, metadata, "createdAt", "updatedAt", "authorId")
SELECT p, 'post-' || p, 'Post number ' || p,
       'Body of post ' || p || '. ' || repeat('Lorem ipsum dolor sit amet, consectetur adipiscing elit. ', 3),
       (ARRAY['DRAFT', 'PUBLISHED', 'ARCHIVED'])[p % 3 + 1]::"PostStatus",
       p % 3 = 1,
       ((p * 37) % 500) / 100.0,
       (p * 7877) % 100000,
       CASE WHEN p % 10 = 0 THEN jsonb_build_object('featured', true, 'rank', p % 100) END,
       timestamp '2023-01-01' + p * interval '1 minute',
       timestamp '2023-01-01' + p * interval '1 minute',
       ((p - 1) % ${users}) + 1
FROM generate_series(1, ${posts}) AS p;

INSERT INTO "Comment" (id, body, "createdAt", "postId", "authorId")
SELECT c, 'Comment ' || c || ': ' || repeat('nice post ', 2),
       timestamp '2023-01-01' + ((c - 1) % ${posts} + 1) * interval '1 minute' + (c / ${posts}) * interval '1 second',
       ((c - 1) % ${posts}) + 1,
       ((c * 7 + c / ${posts}) % ${users}) + 1
FROM generate_series(1, ${comments}) AS c;

SELECT setval(pg_get_serial_sequence('"User"', 'id'), ${users});
SELECT setval(pg_get_serial_sequence('"Post"', 'id'), ${posts});
SELECT setval(pg_get_serial_sequence('"Comment"', 'id'), ${comments});
COMMIT;
`;
}
