import { defineRules } from '../../src/permissions/define-rules.ts';

/**
 * Full access for the benchmark: every peer (Strata, PostGraphile, the raw
 * baseline) reads and writes every row, so they return the same JSON. Rules
 * still compile and run on every request, as in any app that grants access.
 */
const all = { read: true, create: true, update: true, delete: true } as const;

export default defineRules({
  User: all,
  Profile: all,
  Post: all,
  Comment: all,
  Tag: all,
  PostLike: all,
});
