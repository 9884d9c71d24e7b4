import { defineHooks, fieldError } from 'strata-graphql';

/** Code around writes: validate, change data before it is written, react after. Saved changes apply at once in `strata dev`. */
export default defineHooks({
  Todo: {
    validate: ({ data }) => {
      if (typeof data.title === 'string' && data.title.trim() === '') throw fieldError('title', 'A todo needs a title');
    },
    beforeCreate: ({ data }) => ({ ...data, title: data.title?.trim() }),
  },
});
