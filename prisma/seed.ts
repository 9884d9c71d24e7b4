import { defineSeed } from 'strata-graphql';

/**
 * Sample data for the example blog: `node bin/strata.js seed` (npm run seed),
 * or `strata reset` to start over. Accounts: admin@example.com and
 * alice@example.com, password change-me-please, both verified.
 */
export default defineSeed(async ({ prisma, hashPassword }) => {
  const passwordHash = await hashPassword('change-me-please');
  const account = (email: string, name: string, role: 'USER' | 'ADMIN') =>
    prisma.user.upsert({ where: { email }, update: {}, create: { email, name, role, passwordHash, emailVerifiedAt: new Date() } });
  await account('admin@example.com', 'Admin', 'ADMIN');
  const alice = await account('alice@example.com', 'Alice', 'USER');
  const hello = { authorId_slug: { authorId: alice.id, slug: 'hello' } };
  await prisma.post.upsert({
    where: hello,
    update: {},
    create: { slug: 'hello', title: 'Hello, Strata', body: 'A published post anyone can read.', published: true, status: 'PUBLISHED', authorId: alice.id, tags: { connectOrCreate: [{ where: { name: 'intro' }, create: { name: 'intro' } }] } },
  });
  await prisma.post.upsert({
    where: { authorId_slug: { authorId: alice.id, slug: 'draft' } },
    update: {},
    create: { slug: 'draft', title: 'A draft', body: 'Only Alice (and admins) can read this.', authorId: alice.id },
  });
});
