import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Listening } from '../../src/server/listen.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const LIMIT = 2048;

/** POSTs `body` to the server, with a Content-Length header or chunked. */
function post(url: string, body: string, chunked: boolean): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': Buffer.byteLength(body) }) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    if (chunked) {
      // Several writes without a length: Node sends Transfer-Encoding: chunked.
      for (let i = 0; i < body.length; i += 512) req.write(body.slice(i, i + 512));
    } else req.write(body);
    req.end();
  });
}

const query = (padding: number) => JSON.stringify({ query: `{ postsCount }${' '.repeat(padding)}` });

describe('the request body limit (STRATA_MAX_REQUEST_BYTES)', () => {
  let t: TestApp;
  let server: Listening;
  beforeAll(async () => {
    t = await createTestApp('sqlite', { env: { STRATA_MAX_REQUEST_BYTES: String(LIMIT) } });
    server = await listen(t.app.handle, '127.0.0.1', 0);
  });
  afterAll(async () => {
    await server.close();
    await t.close();
  });

  it.each([
    ['with Content-Length', false],
    ['chunked', true],
  ])('answers a body within the limit %s', async (_label, chunked) => {
    const res = await post(server.url, query(LIMIT - 100), chunked);
    expect(res.status).toBe(200);
    expect(res.json.data.postsCount).toBe(0);
  });

  it.each([
    ['with Content-Length', false],
    ['chunked', true],
  ])('refuses a body over the limit %s with 413 PAYLOAD_TOO_LARGE', async (_label, chunked) => {
    const res = await post(server.url, query(LIMIT), chunked);
    expect(res.status).toBe(413);
    expect(res.json.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.json.data).toBeUndefined();
  });
});
