// The raw baseline: node:http + pg, one named prepared statement per
// operation that builds the whole response JSON (the same JSON Strata
// returns) inside PostgreSQL. No GraphQL, no ORM: the practical ceiling for
// any GraphQL layer over this database.
// POST /q1 ... /m3 with the operation's variables as a JSON body.
// Env: DATABASE_URL, PORT, HOST, DATABASE_POOL_SIZE.
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
pool.on('error', (error) => console.error('idle client error', error.message));

// Strata's scalars: DateTime as ISO 8601 UTC with milliseconds, BigInt and Decimal as strings.
const ts = (col) => `to_char(${col}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const wrap = (json) => `SELECT json_build_object('data', json_build_object('r', ${json}))::text AS body`;
const list = (json, from) => `coalesce((SELECT json_agg(${json}) FROM (${from}) x), '[]'::json)`;

/** Operation → [SQL, variables → parameters]. */
const statements = {
  q1: [
    wrap(`(SELECT json_build_object('id', p.id, 'slug', p.slug, 'title', p.title, 'body', p.body, 'status', p.status,
       'published', p.published, 'rating', trim_scale(p.rating)::text, 'views', p.views::text, 'createdAt', ${ts('p."createdAt"')},
       'authorId', p."authorId") FROM "Post" p WHERE p.id = $1)`),
    (v) => [v.id],
  ],
  q2: [
    wrap(list(`json_build_object('id', x.id, 'slug', x.slug, 'title', x.title, 'createdAt', ${ts('x."createdAt"')}, 'views', x.views::text) ORDER BY x."createdAt" DESC`,
      `SELECT id, slug, title, "createdAt", views FROM "Post" WHERE published AND "createdAt" < $1::timestamptz AT TIME ZONE 'UTC' ORDER BY "createdAt" DESC LIMIT 20`)),
    (v) => [v.before],
  ],
  q3: [
    wrap(`(SELECT json_build_object('id', u.id, 'email', u.email, 'name', u.name, 'posts',
       ${list(`json_build_object('id', x.id, 'slug', x.slug, 'title', x.title, 'createdAt', ${ts('x."createdAt"')}) ORDER BY x.id`,
         `SELECT id, slug, title, "createdAt" FROM "Post" WHERE "authorId" = u.id ORDER BY id LIMIT 10`)})
       FROM "User" u WHERE u.id = $1)`),
    (v) => [v.id],
  ],
  q4: [
    wrap(`(SELECT json_build_object('id', u.id, 'name', u.name, 'posts',
       ${list(`json_build_object('id', x.id, 'title', x.title, 'comments', x.comments) ORDER BY x.id`,
         `SELECT p.id, p.title, ${list(`json_build_object('id', x.id, 'body', x.body, 'author', json_build_object('id', x.aid, 'name', x.aname)) ORDER BY x.id`,
           `SELECT c.id, c.body, a.id AS aid, a.name AS aname FROM "Comment" c JOIN "User" a ON a.id = c."authorId" WHERE c."postId" = p.id ORDER BY c.id LIMIT 2`)} AS comments
          FROM "Post" p WHERE p."authorId" = u.id ORDER BY p.id LIMIT 3`)})
       FROM "User" u WHERE u.id = $1)`),
    (v) => [v.id],
  ],
  q5: [
    wrap(list(`json_build_object('id', x.id, 'title', x.title, 'author', json_build_object('id', x.aid, 'name', x.aname), '_count', json_build_object('comments', x.n)) ORDER BY x.id`,
      `SELECT p.id, p.title, a.id AS aid, a.name AS aname, (SELECT count(*) FROM "Comment" c WHERE c."postId" = p.id) AS n
         FROM "Post" p JOIN "User" a ON a.id = p."authorId" WHERE p.id >= $1 ORDER BY p.id LIMIT 50`)),
    (v) => [v.from],
  ],
  q6: [
    wrap(`(SELECT count(*) FROM "Post" WHERE published AND "authorId" >= $1 AND "authorId" < $2)`),
    (v) => [v.a, v.b],
  ],
  q7: [
    wrap(list(`json_build_object('id', x.id, 'slug', x.slug, 'title', x.title, 'createdAt', ${ts('x."createdAt"')}, 'comments', x.comments) ORDER BY x.id`,
      `SELECT p.id, p.slug, p.title, p."createdAt",
         ${list(`json_build_object('id', x.id, 'body', x.body, 'createdAt', ${ts('x."createdAt"')}, 'authorId', x."authorId") ORDER BY x.id`,
           `SELECT id, body, "createdAt", "authorId" FROM "Comment" WHERE "postId" = p.id ORDER BY id`)} AS comments
         FROM "Post" p WHERE p.id >= $1 ORDER BY p.id LIMIT 100`)),
    (v) => [v.from],
  ],
  // Mutations: one statement each, so each is atomic without BEGIN/COMMIT.
  m1: [
    `WITH p AS (INSERT INTO "Post" (slug, title, "authorId", body, "updatedAt") VALUES ($1, $2, $3, 'Written by the benchmark.', now())
       RETURNING id, slug, title, "authorId")
     SELECT json_build_object('data', json_build_object('r', json_build_object('id', p.id, 'slug', p.slug, 'title', p.title,
       'author', (SELECT json_build_object('id', u.id, 'name', u.name) FROM "User" u WHERE u.id = p."authorId"))))::text AS body FROM p`,
    (v) => [v.slug, v.title, v.authorId],
  ],
  m2: [
    `WITH u AS (INSERT INTO "User" (email, name) VALUES ($1, $2) RETURNING id, email, name),
     p AS (INSERT INTO "Post" (slug, title, "authorId", "updatedAt")
       SELECT x.slug, x.title, u.id, now() FROM u, unnest($3::text[], $4::text[]) WITH ORDINALITY AS x(slug, title, n) ORDER BY x.n
       RETURNING id, slug, title)
     SELECT json_build_object('data', json_build_object('r', json_build_object('id', u.id, 'email', u.email, 'name', u.name,
       'posts', (SELECT json_agg(json_build_object('id', p.id, 'slug', p.slug, 'title', p.title) ORDER BY p.id) FROM p))))::text AS body FROM u`,
    (v) => [v.email, v.name, v.posts.map((p) => p.slug), v.posts.map((p) => p.title)],
  ],
  m3: [
    `UPDATE "Post" SET title = $2, "updatedAt" = now() WHERE id = $1
     RETURNING json_build_object('data', json_build_object('r', json_build_object('id', id, 'title', title)))::text AS body`,
    (v) => [v.id, v.title],
  ],
};

const notFound = '{"errors":[{"message":"not found"}]}';

const server = createServer((req, res) => {
  const name = req.url.slice(1);
  if (req.method === 'GET' && name === 'ready') {
    pool.query('SELECT 1').then(() => res.end('ready'), () => ((res.statusCode = 503), res.end('down')));
    return;
  }
  const statement = statements[name];
  if (req.method !== 'POST' || !statement) {
    res.statusCode = 404;
    res.end(notFound);
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let values;
    try {
      values = statement[1](JSON.parse(Buffer.concat(chunks).toString('utf8')));
    } catch (error) {
      res.statusCode = 400;
      res.end(JSON.stringify({ errors: [{ message: String(error.message) }] }));
      return;
    }
    pool.query({ name, text: statement[0], values }).then(
      (result) => {
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(result.rows[0]?.body ?? '{"data":{"r":null}}');
      },
      (error) => {
        res.statusCode = 500;
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify({ errors: [{ message: error.message }] }));
      },
    );
  });
});

const port = Number(process.env.PORT ?? 5001);
const host = process.env.HOST ?? '127.0.0.1';
server.listen(port, host, () => console.error(`raw baseline listening on ${host}:${port}`));
const stop = () => {
  server.close();
  pool.end().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
