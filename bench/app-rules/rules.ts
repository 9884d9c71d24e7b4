import { defineRules, signedIn, type RuleContext } from '../../src/permissions/define-rules.ts';

/**
 * The "with rules" variant of the benchmark (`--rules on|both`), asked by a
 * signed-in user (bearer token, see bench/lib/bench-session.ts): the example
 * blog's read rules — published posts or your own, comments of the posts you
 * may read, a user's email only on your own row. Writes are open to any
 * signed-in user; M1 creates the viewer's own post and M3 retitles a
 * published one (operations.ts `rulesVars`), so each can be read back.
 */
const visiblePosts = ({ viewer }: RuleContext) =>
  viewer.kind === 'user' ? { OR: [{ published: true }, { authorId: viewer.id }] } : { published: true };

const write = { create: 'authenticated', update: 'authenticated', delete: 'authenticated' } as const;

export default defineRules({
  User: { read: true, ...write, fields: { email: { read: signedIn((user) => ({ id: user.id })) } } },
  Profile: { read: true, ...write },
  Post: { read: visiblePosts, ...write },
  Comment: { read: (ctx) => ({ post: visiblePosts(ctx) }), ...write },
  Tag: { read: true, ...write },
  PostLike: { read: true, ...write },
});
