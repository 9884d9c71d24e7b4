/**
 * Every input through which a client could learn about a row or a value it
 * may not read, by comparing the answer for a hidden target with the answer
 * for a missing one. Each query takes `$target` (and `$me`, the actor's own
 * user id, where it writes to itself).
 *
 * - `row`: the target is a row hidden by a row rule (someone else's draft,
 *   a comment on it): the answer must be the one for a missing row.
 * - `key`: the target is a value of a guarded field (someone else's email):
 *   every such input is FORBIDDEN, whether or not a row matches.
 */
export type Target = 'post' | 'comment' | 'postCursor' | 'commentCursor' | 'email';

export interface SideChannelCase {
  name: string;
  kind: 'row' | 'key';
  target: Target;
  query: string;
  /** A write (run by actors who may read everything only in the dedicated tests, which keep the seed intact). */
  write?: boolean;
}

const row = (name: string, target: Target, query: string): SideChannelCase => ({ name, kind: 'row', target, query });
const key = (name: string, query: string, write = false): SideChannelCase => ({ name, kind: 'key', target: 'email', query, write });

const page = 'edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount';
const q = (body: string) => `query($target: String!) { ${body} }`;
const m = (body: string) => `mutation($target: String!) { ${body} }`;
/** A write to the actor's own user row, nesting `data`. */
const self = (data: string) => `mutation($target: String!, $me: Int!) { updateUser(where: { id: $me }, data: { ${data} }) { id } }`;

export const cases: SideChannelCase[] = [
  // A hidden row as a key or a cursor.
  row('unique lookup of a post', 'post', 'query($target: Int!) { post(where: { id: $target }) { id title } }'),
  row('cursor at root', 'post', 'query($target: Int!) { posts(cursor: { id: $target }, orderBy: [{ title: desc }, { id: desc }]) { id title } }'),
  row('cursor at root with skip and a backward take', 'post', 'query($target: Int!) { posts(cursor: { id: $target }, skip: 1, take: -3, orderBy: [{ title: asc }]) { id } }'),
  row('cursor at root, rule through a relation (comments)', 'comment', 'query($target: Int!) { comments(cursor: { id: $target }, orderBy: [{ body: desc }, { id: desc }]) { id } }'),
  row('cursor nested (users.posts)', 'post', 'query($target: Int!) { users(orderBy: [{ id: asc }]) { id posts(cursor: { id: $target }, orderBy: [{ title: desc }, { id: desc }]) { id } } }'),
  row('cursor nested many-to-many (tags.posts)', 'post', 'query($target: Int!) { tags { posts(cursor: { id: $target }, orderBy: [{ title: desc }]) { id } } }'),
  row('cursor nested two levels (users.posts.comments)', 'comment', 'query($target: Int!) { users(orderBy: [{ id: asc }]) { posts(orderBy: [{ id: asc }]) { id comments(cursor: { id: $target }, orderBy: [{ body: desc }]) { id } } } }'),
  row('cursor nested under a to-one (comments.author.posts)', 'post', 'query($target: Int!) { comments(orderBy: [{ id: asc }]) { author { posts(cursor: { id: $target }, take: 5) { id } } } }'),
  { ...row('cursor nested in a mutation result', 'post', 'mutation($target: Int!, $me: Int!) { updateUser(where: { id: $me }, data: { name: "Same" }) { posts(cursor: { id: $target }, orderBy: [{ title: desc }]) { id } } }'), write: true },
  row('connection after', 'postCursor', `query($target: String!) { postsConnection(first: 2, after: $target, orderBy: [{ title: desc }]) { ${page} } }`),
  row('connection before', 'postCursor', `query($target: String!) { postsConnection(last: 2, before: $target, orderBy: [{ title: desc }]) { ${page} } }`),
  row('connection after, rule through a relation (comments)', 'commentCursor', `query($target: String!) { commentsConnection(first: 3, after: $target) { ${page} } }`),
  row('connection nested node list with a cursor', 'post', `query($target: Int!) { usersConnection(first: 5) { edges { node { posts(cursor: { id: $target }, orderBy: [{ title: desc }]) { id } } } } }`),

  // A guarded field (User.email) as a filter, key, position or order.
  key('unique lookup', q('user(where: { email: $target }) { id }')),
  key('where at root', q('users(where: { email: { equals: $target } }) { id }')),
  key('where at root (contains)', q('users(where: { email: { contains: $target } }) { id }')),
  key('where inside OR and NOT', q('users(where: { OR: [{ id: { equals: -1 } }, { NOT: [{ email: { equals: $target } }] }] }) { id }')),
  key('where of a count', q('usersCount(where: { email: { equals: $target } })')),
  key('where of an aggregate', q('usersAggregate(where: { email: { equals: $target } }) { _count { _all } }')),
  key('where of a connection', q('usersConnection(where: { email: { equals: $target } }) { totalCount }')),
  key('where of a groupBy', q('usersGroupBy(by: [role], where: { email: { equals: $target } }) { role }')),
  key('nested relation filter (is)', q('posts(where: { author: { is: { email: { equals: $target } } } }) { id }')),
  key('nested relation filter (some)', q('users(where: { invitees: { some: { email: { startsWith: $target } } } }) { id }')),
  key('nested relation filter (every)', q('users(where: { invitees: { every: { email: { equals: $target } } } }) { id }')),
  key('nested relation filter, two relations deep', q('comments(where: { post: { is: { author: { is: { email: { equals: $target } } } } } }) { id }')),
  key('where of a nested list', q('users { invitees(where: { email: { equals: $target } }) { id } }')),
  key('relation filter in a nested list', q('users { posts(where: { author: { is: { email: { equals: $target } } } }) { id } }')),
  key('cursor at root', q('users(cursor: { email: $target }) { id }')),
  key('cursor nested', q('users { invitees(cursor: { email: $target }) { id } }')),
  key('orderBy', q('users(where: { name: { equals: $target } }, orderBy: [{ email: asc }]) { id }')),
  key('nested orderBy', q('users(where: { name: { equals: $target } }) { invitees(orderBy: [{ email: desc }]) { id } }')),
  key('orderBy through a to-one relation', q('posts(where: { title: { equals: $target } }, orderBy: [{ author: { email: asc } }]) { id }')),
  key('orderBy of a connection', q('usersConnection(where: { name: { equals: $target } }, orderBy: [{ email: asc }]) { totalCount }')),
  key('groupBy by', q('usersGroupBy(by: [email], where: { name: { equals: $target } }) { email }')),
  key('having', q('usersGroupBy(by: [id], having: { email: { _max: { equals: $target } } }) { id }')),
  key('having inside AND', q('usersGroupBy(by: [id], having: { AND: [{ email: { _count: { gt: 0 } } }, { id: { _max: { gt: 0 } } }] }, where: { name: { not: { equals: $target } } }) { id }')),
  key('groupBy aggregate orderBy (_max)', q('usersGroupBy(by: [id], where: { name: { not: { equals: $target } } }, orderBy: [{ _max: { email: asc } }]) { id }')),
  key('groupBy aggregate orderBy (_min)', q('usersGroupBy(by: [id], where: { name: { not: { equals: $target } } }, orderBy: [{ _min: { email: desc } }]) { id }')),
  key('groupBy aggregate orderBy (_count)', q('usersGroupBy(by: [id], where: { name: { not: { equals: $target } } }, orderBy: [{ _count: { email: asc } }]) { id }')),
  key('distinct', q('users(where: { name: { not: { equals: $target } } }, distinct: [email]) { id }')),

  // The same in writes: the answer (NOT_FOUND, FORBIDDEN, a count) would tell whether the address exists.
  key('update where', m('updateUser(where: { email: $target }, data: { name: "X" }) { id }'), true),
  key('upsert where', m('upsertUser(where: { email: $target }, create: { email: $target }, update: { name: "X" }) { id }'), true),
  key('delete where', m('deleteUser(where: { email: $target }) { id }'), true),
  key('updateMany where', m('updateManyUsers(where: { email: { equals: $target } }, data: { name: "X" }) { count }'), true),
  key('deleteMany where', m('deleteManyUsers(where: { email: { equals: $target } }) { count }'), true),
  key('nested connect where', self('invitedBy: { connect: { email: $target } }'), true),
  key('nested connectOrCreate where', self('invitedBy: { connectOrCreate: { where: { email: $target }, create: { email: $target } } }'), true),
  key('nested update where', self('invitees: { update: [{ where: { email: $target }, data: { name: "X" } }] }'), true),
  key('nested upsert where', self('invitees: { upsert: [{ where: { email: $target }, create: { email: $target }, update: { name: "X" } }] }'), true),
  key('nested set', self('invitees: { set: [{ email: $target }] }'), true),
  key('nested disconnect', self('invitees: { disconnect: [{ email: $target }] }'), true),
  key('nested delete', self('invitees: { delete: [{ email: $target }] }'), true),
  key('nested updateMany where', self('invitees: { updateMany: [{ where: { email: { equals: $target } }, data: { name: "X" } }] }'), true),
  key('nested deleteMany where', self('invitees: { deleteMany: [{ email: { equals: $target } }] }'), true),
  key('nested connect in a create', m('createProfile(data: { bio: "x", user: { connect: { email: $target } } }) { id }'), true),
  key('nested connect three levels deep', m('createPost(data: { slug: "s", title: "t", likes: { create: [{ user: { connect: { email: $target } } }] } }) { id }'), true),
];
