import path from 'node:path';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTracing, stopTracing } from '../../src/metrics/tracing.ts';
import { attachWebSocket, type WebSocketEndpoint } from '../../src/server/ws/attach-websocket.ts';
import { listen, type Listening } from '../../src/server/listen.ts';
import { control, manualClock } from '../functions/support/control.ts';
import { providers } from '../support/databases.ts';
import { within } from '../support/deferred.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { createStorageTestApp, multipartForm, postMultipart, type StorageTestApp, UPLOAD } from '../storage/storage-app.ts';
import { parseMetrics, sample } from './support/parse-metrics.ts';

const TOKEN = 'metrics-token-0123456789';
const SECRET = 'admin-secret-0123456789-0123456789';
const functionsApp = path.resolve(import.meta.dirname, '../functions/fixtures/app');
// Tracing is process-wide: started before any app, so their SQL is traced too.
const spans = new InMemorySpanExporter();
startTracing({ otlpEndpoint: null, serviceName: 'strata-test' }, spans);

describe.each(providers)('metrics after a scripted workload on %s', (provider) => {
  let api: StorageTestApp;
  let jobs: TestApp;
  let wsServer: Listening;
  let ws: WebSocketEndpoint;

  beforeAll(async () => {
    api = await createStorageTestApp(provider, { STRATA_METRICS_TOKEN: TOKEN, STRATA_ADMIN_SECRET: SECRET, STRATA_AUTH_MAX_FAILURES_PER_ACCOUNT: '1' });
    jobs = await createTestApp(provider, { env: { STRATA_APP_DIR: functionsApp } });
    wsServer = await listen(api.app.handle, '127.0.0.1', 0);
    ws = attachWebSocket({ server: wsServer.server, app: () => api.app, log: api.app.log });
  });
  afterAll(async () => {
    await ws?.close(100);
    await wsServer?.close(1000);
    await api?.close();
    await jobs?.close();
  });

  /** Through the API (the raw policy is open), so the write goes through the pipeline that fills the outbox. */
  const createPost = async (slug: string, authorId: number) => {
    const res = await jobs.gql('mutation($s: String!, $a: Int!) { createPost(data: { slug: $s, title: $s, authorId: $a }) { id } }', { s: slug, a: authorId });
    expect(res.errors).toBeUndefined();
  };
  const scrape = async (headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) => fetch(`${api.url}/metrics`, { headers });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(api.endpoint, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<any>);

  it('refuses the endpoint without the token or the admin secret, the same way for a wrong one', async () => {
    for (const headers of <Record<string, string>[]>[{}, { authorization: 'Bearer wrong-token-0123456789' }, { 'x-strata-admin-secret': 'wrong' }, { authorization: TOKEN }]) {
      const response = await scrape(headers);
      expect([response.status, await response.text()]).toEqual([401, 'unauthorized']);
    }
    expect((await scrape()).status).toBe(200);
    expect((await scrape({ 'x-strata-admin-secret': SECRET })).status).toBe(200);
  });

  it('exposes every series with sane values after queries, a mutation, failures, a subscription, a trigger, a schedule and an upload', async () => {
    // Queries (named and anonymous), a mutation, a failed operation, a rate-limited sign-in.
    expect((await post({ query: 'query ListPosts { posts { id } }', operationName: 'ListPosts' })).errors).toBeUndefined();
    await post({ query: '{ postsCount }' });
    expect((await post({ query: 'mutation Tag { createTag(data: { name: "m" }) { id } }' }, { 'x-strata-admin-secret': SECRET })).errors).toBeUndefined();
    expect((await post({ query: 'query Broken { nope }' })).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const signIn = { query: 'mutation SignIn { signIn(email: "nobody@example.com", password: "wrong password!") { token } }' };
    const codes: string[] = [];
    for (let i = 0; i < 3; i += 1) codes.push((await post(signIn)).errors[0].extensions.code);
    expect(codes).toContain('RATE_LIMITED');

    // A websocket subscription, held open while scraping.
    const socket = new WebSocket(wsServer.url.replace(/^http/, 'ws') + api.app.config.graphqlPath, 'graphql-transport-ws');
    const acked = new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.on('message', (data) => JSON.parse(String(data)).type === 'connection_ack' && resolve());
    });
    await within(new Promise((resolve) => socket.once('open', resolve)), 10_000, 'the websocket to open');
    socket.send(JSON.stringify({ type: 'connection_init', payload: { 'x-strata-admin-secret': SECRET } }));
    await within(acked, 10_000, 'connection_ack');
    const subscribed = new Promise<void>((resolve) => {
      if (api.app.realtime.feed.stats().subscriptions > 0) return resolve();
      const stop = api.app.realtime.feed.watch(() => api.app.realtime.feed.stats().subscriptions > 0 && (stop(), resolve()));
    });
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { postChanged { kind } }' } }));
    await within(subscribed, 10_000, 'the subscription to start');

    // An upload.
    const uploaded = await postMultipart(api, multipartForm(UPLOAD, {}, { f: { name: 'a.txt', type: 'text/plain', body: Buffer.from('hello metrics') } }), 'alice');
    expect(uploaded.body.errors).toBeUndefined();

    // Trigger deliveries: one retry then delivered; another dead after its last attempt. A schedule run.
    let calls = 0;
    control.postChanges = (event) => {
      calls += 1;
      if ((event.row as { slug: string }).slug === 'dead' || calls === 1) throw new Error('handler failure');
    };
    const author = await jobs.prisma.user.create({ data: { email: `m-${provider}@example.com` } });
    for (const slug of ['ok', 'dead']) await createPost(slug, author.id);
    const clock = manualClock();
    const worker = jobs.app.functions.createWorker({ clock });
    for (let round = 0; round < 4; round += 1) {
      await worker.pollOnce();
      clock.advance(10_000);
    }
    control.everyMinute = () => {};
    const scheduleClock = manualClock(Date.parse('2026-12-04T10:00:03Z'));
    const scheduler = jobs.app.functions.createScheduler({ clock: scheduleClock });
    scheduleClock.set(Date.parse('2026-12-04T10:01:03Z'));
    expect(await scheduler.tick()).toEqual(['everyMinute']);

    const response = await scrape();
    expect(response.headers.get('content-type')).toContain('text/plain');
    const m = parseMetrics(await response.text());
    socket.close();

    expect(sample(m, 'strata_graphql_requests_total', { operation: 'ListPosts', type: 'query', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'strata_graphql_requests_total', { operation: 'anonymous', type: 'query', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'strata_graphql_requests_total', { operation: 'Tag', type: 'mutation', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'strata_graphql_requests_total', { operation: 'Broken', outcome: 'GRAPHQL_VALIDATION_FAILED' })).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'strata_graphql_request_duration_seconds_count', { operation: 'ListPosts', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'strata_graphql_request_duration_seconds_sum', { operation: 'ListPosts', outcome: 'ok' })).toBeGreaterThan(0);
    expect(sample(m, 'strata_rate_limit_refusals_total', { source: 'graphql' })).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'strata_sql_statements_total', { kind: 'query' })).toBeGreaterThan(5);
    expect(sample(m, 'strata_sql_statement_duration_seconds_count', { kind: 'query' })).toBe(sample(m, 'strata_sql_statements_total', { kind: 'query' }));
    expect(sample(m, 'strata_websocket_connections', {})).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'strata_subscriptions_active', {})).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'strata_upload_bytes_total', { via: 'multipart' })).toBeGreaterThanOrEqual('hello metrics'.length);
    expect(sample(m, 'strata_trigger_deliveries_total', { trigger: 'postChanges', outcome: 'delivered' })).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'strata_trigger_deliveries_total', { trigger: 'postChanges', outcome: 'retry' })).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'strata_trigger_deliveries_total', { trigger: 'postChanges', outcome: 'dead' })).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'strata_trigger_handler_duration_seconds_count', { trigger: 'postChanges', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'strata_schedule_runs_total', { schedule: 'everyMinute', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    const lateness = sample(m, 'strata_schedule_lateness_seconds_sum', { schedule: 'everyMinute' });
    expect(lateness).toBeGreaterThanOrEqual(3);
    expect(lateness).toBeLessThan(3600);
    expect(sample(m, 'strata_process_resident_memory_bytes', {})).toBeGreaterThan(0);
  });

  it('traces a request with its SQL statements as child spans, and a trigger delivery', async () => {
    spans.reset();
    expect((await post({ query: 'query Traced { posts { id } }' })).errors).toBeUndefined();
    const finished = spans.getFinishedSpans();
    const request = finished.find((s) => s.name === 'graphql query Traced');
    expect(request).toBeDefined();
    const parentOf = (s: (typeof finished)[number]) => (s as unknown as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId;
    const sql = finished.filter((s) => s.name.startsWith('sql ') && parentOf(s) === request!.spanContext().spanId);
    expect(sql.length).toBeGreaterThanOrEqual(1);
    expect(String(sql[0]!.attributes['db.statement'])).toMatch(/SELECT/i);

    control.postChanges = () => {};
    const author = await jobs.prisma.user.create({ data: { email: `t-${provider}@example.com` } });
    await createPost('traced', author.id);
    await jobs.app.functions.createWorker().pollOnce();
    expect(spans.getFinishedSpans().some((s) => s.name === 'trigger postChanges')).toBe(true);
  });
});

afterAll(async () => {
  await stopTracing();
});
