import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

describe.each(providers)('nested reads on %s', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider);
    for (let u = 0; u < 50; u++) {
      await t.prisma.user.create({
        data: {
          email: `u${u}@example.com`,
          posts: { create: [0, 1].map((p) => ({ slug: `p${p}`, title: `Post ${p}`, comments: { create: [{ body: 'hi', author: { connect: { email: `u${u}@example.com` } } }] } })) },
        },
      });
    }
  });
  afterAll(() => t.close());

  it('answers a 3-level query over 50 parents with one statement per level', async () => {
    let result: any;
    const statements = await t.countStatements(async () => {
      result = await t.gql('{ users { email posts { title comments { body author { email } } } } }');
    });
    expect(result.errors).toBeUndefined();
    expect(result.data.users).toHaveLength(50);
    expect(result.data.users[0].posts[0].comments[0].author.email).toBe('u0@example.com');
    expect(statements).toBeLessThanOrEqual(4);
  });
});
