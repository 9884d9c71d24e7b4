import { defineRules, hasRole, ownedBy, type RuleContext, signedIn } from 'strata-graphql';

/** The signed-in user's id (presets only run where the rule already requires a user). */
const myId = ({ viewer }: RuleContext) => (viewer.kind === 'user' ? viewer.id : undefined);

/** Published posts, plus the viewer's own drafts. */
const visiblePosts = ({ viewer }: RuleContext) =>
  viewer.kind === 'user' ? { OR: [{ published: true }, { authorId: viewer.id }] } : { published: true };

/** Public files, the viewer's own files, and files attached to posts the viewer can read. */
const visibleFiles = (ctx: RuleContext) => {
  const attached = { post: visiblePosts(ctx) };
  const published = { public: true, status: 'ACTIVE' };
  return ctx.viewer.kind === 'user' ? { OR: [published, { ownerId: ctx.viewer.id }, attached] } : { OR: [published, attached] };
};

/**
 * Who may do what in the example blog. Anything not granted here is denied;
 * admins (role ADMIN, or the admin secret) may do everything.
 */
export default defineRules({
  // email, role, passwordHash and emailVerifiedAt are auth's: never client-writable whatever these say (docs/auth.md).
  User: {
    read: true,
    update: signedIn((user) => ({ id: user.id })),
    fields: {
      email: { read: signedIn((user) => ({ id: user.id })) },
      role: { write: false },
      karma: { write: false },
      invitedById: { write: false },
    },
  },
  Profile: {
    read: true,
    create: 'authenticated',
    update: ownedBy('userId'),
    delete: ownedBy('userId'),
    preset: { create: { userId: myId } },
  },
  Post: {
    read: visiblePosts,
    create: 'authenticated',
    update: ownedBy('authorId'),
    delete: ownedBy('authorId'),
    preset: { create: { authorId: myId } },
    fields: { authorId: { write: false } },
  },
  Comment: {
    read: (ctx) => ({ post: visiblePosts(ctx) }),
    create: 'authenticated',
    update: ownedBy('authorId'),
    delete: ownedBy('authorId'),
    preset: { create: { authorId: myId } },
    fields: { authorId: { write: false } },
  },
  Tag: {
    read: true,
    create: 'authenticated',
    update: hasRole('ADMIN'),
    delete: hasRole('ADMIN'),
  },
  PostLike: {
    read: true,
    create: 'authenticated',
    delete: ownedBy('userId'),
    preset: { create: { userId: myId } },
    fields: { userId: { write: false } },
  },
  // Storage-managed columns (key, size, status, public, ownerId...) are never client-writable; see docs/files.md.
  File: {
    read: visibleFiles,
    create: 'authenticated',
    update: ownedBy('ownerId'),
    delete: ownedBy('ownerId'),
  },
});
