/**
 * The benchmark's operations, written once per peer so that every peer
 * returns the same JSON (after normalisation, see verify.ts) for the same
 * variables. Variables come from a seeded PRNG: the same ids every run.
 *
 * The raw baseline's SQL for each operation lives in peers/raw.mjs, keyed by
 * the lower-cased operation id (`/q1`...).
 */
import { POSTS_EPOCH, type Scale } from './dataset.ts';
import { randomBytes } from 'node:crypto';
import { randInt } from './util.ts';

/**
 * `strata-b`: a second Strata with other settings (`--strata-b-env`), for A/B runs of a change.
 * `strata-rules`: Strata with row and field rules (bench/app-rules/rules.ts), asked by a signed-in user.
 */
export type PeerName = 'strata' | 'strata-rules' | 'strata-b' | 'postgraphile' | 'raw';
export const peerNames: PeerName[] = ['strata', 'strata-rules', 'strata-b', 'postgraphile', 'raw'];

/** Whether a peer is a Strata server (same documents, same API). */
export const isStrata = (peer: PeerName) => peer === 'strata' || peer === 'strata-b' || peer === 'strata-rules';

/**
 * The signed-in user of the rules variant: a seeded USER (not an admin, whom
 * rules do not restrict; user 1 owns posts 1, 1 + users, 1 + 2 users, ...).
 */
export const BENCH_VIEWER_ID = 1;

/**
 * Strata's admin secret for this run (`STRATA_ADMIN_SECRET` of the Strata
 * peers): creating an account sets `email`, which only admins may write
 * (docs/auth.md, auth-managed fields), so M2 carries it on Strata.
 */
export const BENCH_ADMIN_SECRET = randomBytes(24).toString('hex');

/** Replaced by a unique token per request by the load generators (emails and slugs must be unique). */
export const UNIQUE = '__U__';

type Vars = Record<string, unknown>;

export interface Operation {
  id: string;
  title: string;
  kind: 'query' | 'mutation';
  /** Variables of one request. */
  vars(rng: () => number, scale: Scale): Vars;
  /** Strata's document (the API of schema.graphql). */
  strata: string;
  postgraphile: {
    query: string;
    /** PostGraphile's variables, when they differ from Strata's. */
    vars?: (vars: Vars, now: string) => Vars;
    /** Field of the mutation payload holding the row (PostGraphile wraps rows in payloads). */
    unwrap?: string;
  };
  /**
   * The variables the rules variant (`strata-rules`) sends instead, where a
   * signed-in user would write other rows: its own post (M1), a post it may read (M3).
   */
  rulesVars?: (vars: Vars) => Vars;
  /** Strata accepts it only from an admin: its requests to Strata carry the admin secret. */
  strataAdmin?: boolean;
  /** Paths whose values differ between peers by design (generated ids, unique tokens); compared as present only. */
  volatile?: string[];
}

const postFrom = (rng: () => number, scale: Scale, n: number) => randInt(rng, 1, scale.posts - n + 1);
const minute = 60_000;

export const operations: Operation[] = [
  {
    id: 'Q1',
    title: 'point lookup by id',
    kind: 'query',
    vars: (rng, s) => ({ id: randInt(rng, 1, s.posts) }),
    strata: `query Q1($id: Int!) { r: post(where: { id: $id }) { id slug title body status published rating views createdAt authorId } }`,
    postgraphile: {
      query: `query Q1($id: Int!) { r: post(rowId: $id) { id: rowId slug title body status published rating views createdAt authorId } }`,
    },
  },
  {
    id: 'Q2',
    title: 'filter + order + limit 20',
    kind: 'query',
    vars: (rng, s) => ({ before: new Date(POSTS_EPOCH + randInt(rng, 100, s.posts) * minute).toISOString() }),
    strata: `query Q2($before: DateTime!) { r: posts(where: { published: { equals: true }, createdAt: { lt: $before } }, orderBy: [{ createdAt: desc }], take: 20) { id slug title createdAt views } }`,
    postgraphile: {
      query: `query Q2($before: Datetime!) { r: posts(filter: { published: { equalTo: true }, createdAt: { lessThan: $before } }, orderBy: CREATED_AT_DESC, first: 20) { nodes { id: rowId slug title createdAt views } } }`,
    },
  },
  {
    id: 'Q3',
    title: 'user with 10 posts',
    kind: 'query',
    vars: (rng, s) => ({ id: randInt(rng, 1, s.users) }),
    strata: `query Q3($id: Int!) { r: user(where: { id: $id }) { id email name posts(take: 10, orderBy: [{ id: asc }]) { id slug title createdAt } } }`,
    postgraphile: {
      query: `query Q3($id: Int!) { r: user(rowId: $id) { id: rowId email name posts: authoredPosts(first: 10, orderBy: ROW_ID_ASC) { nodes { id: rowId slug title createdAt } } } }`,
    },
  },
  {
    id: 'Q4',
    title: 'user -> 3 posts -> 2 comments -> author',
    kind: 'query',
    vars: (rng, s) => ({ id: randInt(rng, 1, s.users) }),
    strata: `query Q4($id: Int!) { r: user(where: { id: $id }) { id name posts(take: 3, orderBy: [{ id: asc }]) { id title comments(take: 2, orderBy: [{ id: asc }]) { id body author { id name } } } } }`,
    postgraphile: {
      query: `query Q4($id: Int!) { r: user(rowId: $id) { id: rowId name posts: authoredPosts(first: 3, orderBy: ROW_ID_ASC) { nodes { id: rowId title comments(first: 2, orderBy: ROW_ID_ASC) { nodes { id: rowId body author { id: rowId name } } } } } } }`,
    },
  },
  {
    id: 'Q5',
    title: '50 posts with author and comment count',
    kind: 'query',
    vars: (rng, s) => ({ from: postFrom(rng, s, 50) }),
    strata: `query Q5($from: Int!) { r: posts(where: { id: { gte: $from } }, orderBy: [{ id: asc }], take: 50) { id title author { id name } _count { comments } } }`,
    postgraphile: {
      query: `query Q5($from: Int!) { r: posts(filter: { rowId: { greaterThanOrEqualTo: $from } }, orderBy: ROW_ID_ASC, first: 50) { nodes { id: rowId title author { id: rowId name } _count: comments { comments: totalCount } } } }`,
    },
  },
  {
    id: 'Q6',
    title: 'count (published posts of 10% of the authors)',
    kind: 'query',
    vars: (rng, s) => {
      const width = Math.max(1, Math.floor(s.users / 10));
      const a = randInt(rng, 1, s.users - width + 1);
      return { a, b: a + width };
    },
    strata: `query Q6($a: Int!, $b: Int!) { r: postsCount(where: { published: { equals: true }, authorId: { gte: $a, lt: $b } }) }`,
    postgraphile: {
      query: `query Q6($a: Int!, $b: Int!) { r: posts(filter: { published: { equalTo: true }, authorId: { greaterThanOrEqualTo: $a, lessThan: $b } }) { totalCount } }`,
    },
  },
  {
    id: 'Q7',
    title: 'wide payload: 100 posts x 10 comments (1,100 objects)',
    kind: 'query',
    vars: (rng, s) => ({ from: postFrom(rng, s, 100) }),
    strata: `query Q7($from: Int!) { r: posts(where: { id: { gte: $from } }, orderBy: [{ id: asc }], take: 100) { id slug title createdAt comments(orderBy: [{ id: asc }]) { id body createdAt authorId } } }`,
    postgraphile: {
      query: `query Q7($from: Int!) { r: posts(filter: { rowId: { greaterThanOrEqualTo: $from } }, orderBy: ROW_ID_ASC, first: 100) { nodes { id: rowId slug title createdAt comments(orderBy: ROW_ID_ASC) { nodes { id: rowId body createdAt authorId } } } } }`,
    },
  },
  {
    id: 'M1',
    title: 'create a post, returning its author',
    kind: 'mutation',
    vars: (rng, s) => ({ slug: `bench-${UNIQUE}`, title: `Benchmark post ${randInt(rng, 1, 1e6)}`, authorId: randInt(rng, 1, s.users) }),
    strata: `mutation M1($slug: String!, $title: String!, $authorId: Int!) { r: createPost(data: { slug: $slug, title: $title, authorId: $authorId, body: "Written by the benchmark." }) { id slug title author { id name } } }`,
    postgraphile: {
      query: `mutation M1($slug: String!, $title: String!, $authorId: Int!, $now: Datetime!) { r: createPost(input: { post: { slug: $slug, title: $title, authorId: $authorId, body: "Written by the benchmark.", updatedAt: $now } }) { post { id: rowId slug title author { id: rowId name } } } }`,
      vars: (v, now) => ({ ...v, now }),
      unwrap: 'post',
    },
    rulesVars: (v) => ({ ...v, authorId: BENCH_VIEWER_ID }),
    volatile: ['id', 'slug'],
  },
  {
    id: 'M2',
    title: 'nested create: user + 3 posts, one transaction',
    kind: 'mutation',
    vars: (rng) => {
      const n = randInt(rng, 1, 1e6);
      return {
        email: `bench-${UNIQUE}@bench.test`,
        name: `Bench user ${n}`,
        posts: [1, 2, 3].map((i) => ({ slug: `bench-${UNIQUE}-${i}`, title: `Bench post ${n}.${i}` })),
      };
    },
    strata: `mutation M2($email: String!, $name: String!, $posts: [PostCreateWithoutAuthorInput!]!) { r: createUser(data: { email: $email, name: $name, posts: { create: $posts } }) { id email name posts(orderBy: [{ id: asc }]) { id slug title } } }`,
    postgraphile: {
      query: `mutation M2($email: String!, $name: String!, $slugs: [String]!, $titles: [String]!) { r: createUserWithPosts(input: { email: $email, name: $name, slugs: $slugs, titles: $titles }) { result { id: rowId email name posts: authoredPosts(orderBy: ROW_ID_ASC) { nodes { id: rowId slug title } } } } }`,
      vars: (v) => {
        const posts = v.posts as { slug: string; title: string }[];
        return { email: v.email, name: v.name, slugs: posts.map((p) => p.slug), titles: posts.map((p) => p.title) };
      },
      unwrap: 'result',
    },
    strataAdmin: true,
    volatile: ['id', 'email', 'posts.*.id', 'posts.*.slug'],
  },
  {
    id: 'M3',
    title: 'update a post title',
    kind: 'mutation',
    vars: (rng, s) => ({ id: randInt(rng, 1, s.posts), title: `Retitled ${UNIQUE}` }),
    strata: `mutation M3($id: Int!, $title: String!) { r: updatePost(where: { id: $id }, data: { title: $title }) { id title } }`,
    postgraphile: {
      query: `mutation M3($id: Int!, $title: String!, $now: Datetime!) { r: updatePost(input: { rowId: $id, patch: { title: $title, updatedAt: $now } }) { post { id: rowId title } } }`,
      vars: (v, now) => ({ ...v, now }),
      unwrap: 'post',
    },
    // A published post (p % 3 = 1, see dataset.ts) next to the one drawn: the viewer may read it back.
    rulesVars: (v) => ({ ...v, id: (v.id as number) - (((v.id as number) - 1) % 3) }),
    volatile: ['title'],
  },
];

export const operationById = new Map(operations.map((op) => [op.id, op]));

/** The mix: 80% Q1-Q5, 15% Q6-Q7, 5% M1-M3, each group split evenly. */
export const mixWeights: Record<string, number> = {
  Q1: 0.16, Q2: 0.16, Q3: 0.16, Q4: 0.16, Q5: 0.16,
  Q6: 0.075, Q7: 0.075,
  M1: 0.05 / 3, M2: 0.05 / 3, M3: 0.05 / 3,
};

/** Picks an operation of the mix. */
export function pickMixOperation(rng: () => number): Operation {
  let x = rng();
  for (const op of operations) {
    x -= mixWeights[op.id];
    if (x < 0) return op;
  }
  return operations[operations.length - 1];
}

/** One HTTP request of a peer: path, JSON body, and one extra header if any. */
export interface PeerRequest {
  path: string;
  body: string;
  /** `[name, value]` sent besides Content-Type (and the peer's Authorization). */
  header?: [string, string];
}

/** The request `peer` receives for `op` with `vars`. */
export function peerRequest(peer: PeerName, op: Operation, vars: Vars, now: string): PeerRequest {
  if (peer === 'raw') return { path: `/${op.id.toLowerCase()}`, body: JSON.stringify(vars) };
  if (isStrata(peer)) {
    const variables = peer === 'strata-rules' && op.rulesVars ? op.rulesVars(vars) : vars;
    const header: [string, string] | undefined = op.strataAdmin ? ['x-strata-admin-secret', BENCH_ADMIN_SECRET] : undefined;
    return { path: '/graphql', body: JSON.stringify({ query: op.strata, variables }), ...(header ? { header } : {}) };
  }
  const pgVars = op.postgraphile.vars ? op.postgraphile.vars(vars, now) : vars;
  return { path: '/graphql', body: JSON.stringify({ query: op.postgraphile.query, variables: pgVars }) };
}
