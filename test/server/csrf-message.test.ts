import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/base/config.ts';
import { pushSchema } from '../../src/engine/migrations.ts';
import { allowAll } from '../../src/permissions/policy.ts';
import { type App, createApp } from '../../src/server/create-app.ts';
import { prepareConfigured } from '../../src/server/prepare-app-schema.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';

const accepted = ['x-graphql-yoga-csrf', 'apollo-require-preflight', 'x-apollo-operation-name', 'graphql-preflight'];

describe('a GraphQL request without a CSRF preflight', () => {
  let db: TestDatabase;
  let app: App;
  const logged: { level: number; msg: string }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    const config = loadConfig({ STRATA_ENV: 'test', DATABASE_URL: db.url });
    await pushSchema({ databaseUrl: config.databaseUrl, schema: prepareConfigured(config), force: true });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logged.push(JSON.parse(String(chunk)));
        done();
      },
    });
    app = await createApp(config, { policy: allowAll, log: pino({ level: 'info' }, sink) });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('is refused with 403 FORBIDDEN naming every accepted header, and is not logged as a server error', async () => {
    // What urql and a plain fetch send by default: a GET with no extra header.
    const before = logged.length;
    const res = await app.yoga.fetch(`http://127.0.0.1/graphql?query=${encodeURIComponent('{ postsCount }')}`);
    expect(res.status).toBe(403);
    const body = await res.json();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions).toEqual({ code: 'FORBIDDEN' });
    for (const header of accepted) expect(body.errors[0].message).toContain(header);
    expect(body.errors[0].message).toContain('application/json');
    expect(logged.slice(before).filter((line) => line.level >= 40)).toEqual([]);
  });

  it('runs with any of the accepted headers, and as a JSON POST', async () => {
    for (const header of accepted) {
      const res = await app.yoga.fetch(`http://127.0.0.1/graphql?query=${encodeURIComponent('{ postsCount }')}`, { headers: { [header]: '1' } });
      expect([header, res.status, await res.json()]).toEqual([header, 200, { data: { postsCount: 0 } }]);
    }
    const post = await app.yoga.fetch('http://127.0.0.1/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ postsCount }' }) });
    expect(post.status).toBe(200);
    const text = await app.yoga.fetch('http://127.0.0.1/graphql', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ postsCount }' }) });
    expect(text.status).toBe(403);
  });
});
