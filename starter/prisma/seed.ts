import { defineSeed } from 'strata-graphql';

/**
 * Sample data: `npm run seed` (strata seed) and `npm run reset` run it.
 * `prisma` writes directly (no rules, no hooks); `graphql` goes through the API as an admin.
 */
export default defineSeed(async ({ prisma, graphql, hashPassword }) => {
  const passwordHash = await hashPassword('change-me-please');
  const verified = new Date();
  const admin = await prisma.user.upsert({
    where: { email: 'admin@example.com' },
    update: {},
    create: { email: 'admin@example.com', name: 'Admin', role: 'ADMIN', passwordHash, emailVerifiedAt: verified },
  });
  const alice = await prisma.user.upsert({
    where: { email: 'alice@example.com' },
    update: {},
    create: { email: 'alice@example.com', name: 'Alice', passwordHash, emailVerifiedAt: verified },
  });
  // Through the API: hooks run (the title is trimmed) exactly as for a client.
  await graphql(`mutation ($data: TodoCreateInput!) { createTodo(data: $data) { id } }`, {
    data: { title: '  Read the README  ', owner: { connect: { id: alice.id } } },
  });
  await prisma.todo.create({ data: { title: 'Invite the team', ownerId: admin.id } });
});
