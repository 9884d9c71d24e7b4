import { AppError, defineResolvers } from 'strata-graphql';

/** Karma an author earns for publishing a post. */
const PUBLISH_REWARD = 10n;

/**
 * `publishPost(id)`: the author (or an admin) publishes a draft, and the
 * author earns karma — two models in one transaction, through the write
 * pipeline, so rules, hooks, subscriptions and triggers see both writes.
 */
export const publishing = defineResolvers((builder, kit) => {
  builder.mutationField('publishPost', (t) =>
    t.prismaField({
      type: 'Post',
      description: 'Publishes one of your drafts and credits you karma, in one transaction.',
      args: { id: t.arg.int({ required: true }) },
      extensions: { access: 'authenticated' },
      resolve: async (query, _root, { id }, ctx) => {
        await kit.write(ctx, async (w) => {
          // Locked, so two concurrent calls cannot both see a draft and both pay the reward.
          const post = await w.lock('Post', { id });
          const isAuthor = ctx.viewer.kind === 'user' && ctx.viewer.id === post.authorId;
          if (!isAuthor && !kit.isAdmin(ctx.viewer)) throw new AppError('FORBIDDEN', 'Only the author may publish this post');
          if (post.published) throw new AppError('CONFLICT', 'The post is already published');
          await w.update('Post', { id }, { published: true, status: 'PUBLISHED' });
          // Users may not set karma themselves (see app/rules.ts): this write is the server's own decision.
          await w.update('User', { id: post.authorId }, { karma: { increment: PUBLISH_REWARD } }, { trusted: true });
        });
        return kit.findVisible(ctx, 'Post', { id }, query);
      },
    }),
  );
});
