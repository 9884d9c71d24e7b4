import { describe, expect, it } from 'vitest';
import { hasNestedCountOrder } from '../../src/engine/nested-count-order.ts';

describe('hasNestedCountOrder', () => {
  it.each([
    ['a root ordered by a relation count (Prisma handles it)', { orderBy: [{ posts: { _count: 'desc' } }] }, false],
    ['a nested list ordered by a relation count', { include: { posts: { orderBy: [{ comments: { _count: 'desc' } }] } } }, true],
    ['the same two levels down, in a select', { select: { posts: { select: { comments: { orderBy: { likes: { _count: 'asc' } } } } } } }, true],
    ['a nested list ordered by a to-one relation', { include: { posts: { orderBy: [{ author: { name: 'asc' } }] } } }, false],
    ['a nested list ordered by a scalar with nulls last', { include: { posts: { orderBy: [{ title: { sort: 'asc', nulls: 'last' } }] } } }, false],
    ['relation counts in the selection', { include: { _count: { select: { posts: true } } } }, false],
    ['no arguments', undefined, false],
  ])('%s: %s', (_label, args, expected) => {
    expect(hasNestedCountOrder(args)).toBe(expected);
  });
});
