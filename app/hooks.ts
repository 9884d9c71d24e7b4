import { defineHooks, fieldError } from 'strata-graphql';

/**
 * Hooks of the example blog. They run for every row a write touches —
 * single, nested and batch writes alike — in a fixed order (see
 * docs/custom-logic.md): validate → beforeX → write → rule checks →
 * commit → afterX.
 */
export default defineHooks({
  Post: {
    validate: ({ data }) => {
      if (typeof data.title === 'string' && data.title.trim() === '') throw fieldError('title', 'A post needs a title');
    },
    beforeCreate: ({ data }) => ({ ...data, title: data.title?.trim() }),
    beforeUpdate: ({ data, existing }) => {
      // Publishing a draft also moves its status, unless the client set one itself.
      if (data.published === true && !existing.published && data.status === undefined) return { ...data, status: 'PUBLISHED' as const };
    },
    afterUpdate: ({ row, previous, log }) => {
      if (row.published && previous && !previous.published) log.info({ postId: row.id }, 'post published');
    },
  },
  Comment: {
    validate: ({ data }) => {
      if (typeof data.body === 'string' && data.body.trim() === '') throw fieldError('body', 'A comment must not be empty');
    },
  },
});
