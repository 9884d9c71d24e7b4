/**
 * The server half of `bench/realtime-bench.ts`: one Strata instance on a
 * throwaway SQLite database, listening on 127.0.0.1:0, driven over IPC.
 * Run by the bench with `node --expose-gc --import tsx`; not meant to be run alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/base/config.ts';
import { pushSchema } from '../src/engine/migrations.ts';
import { prepareAppSchema } from '../src/server/prepare-app-schema.ts';
import { allowAll } from '../src/permissions/policy.ts';
import { attachWebSocket } from '../src/server/ws/attach-websocket.ts';
import { createApp } from '../src/server/create-app.ts';
import { listen } from '../src/server/listen.ts';

type Message = { type: 'memory' } | { type: 'fire'; rate: number; seconds: number } | { type: 'stop' };

const now = () => performance.timeOrigin + performance.now();
const send = (message: unknown) => process.send!(message);

const dir = mkdtempSync(path.join(os.tmpdir(), 'strata-bench-'));
const config = loadConfig({
  STRATA_ENV: 'test',
  DATABASE_URL: `file:${path.join(dir, 'bench.db')}`,
  // Idle connections must not be cut by the bench's own slowness; keep-alive stays on (default interval).
  STRATA_REALTIME_QUEUE_SIZE: '1024',
});
await pushSchema({ databaseUrl: config.databaseUrl, schema: prepareAppSchema(config.schemaPath, 'sqlite'), force: true });
const app = await createApp(config, { policy: allowAll, recordStatements: true });
const server = await listen(app.yoga, '127.0.0.1', 0);
const ws = attachWebSocket({ server: server.server, app: () => app, log: app.log });
const prisma = app.db.prisma;
const author = await prisma.user.create({ data: { email: 'bench@example.com' } });
const post = await prisma.post.create({ data: { slug: 'bench', title: 'bench', published: true, authorId: author.id } });

const memory = () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers, gc: !!gc };
};

/** Updates the post `rate` times a second for `seconds`, publishing each change and noting when. */
async function fire(rate: number, seconds: number) {
  const publishedAt: number[] = [];
  const statementsBefore = app.db.statements.count;
  const cpuBefore = process.cpuUsage();
  const total = Math.round(rate * seconds);
  const start = now();
  for (let seq = 0; seq < total; seq++) {
    const due = start + (seq * 1000) / rate;
    const wait = due - now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const row = await prisma.post.update({ where: { id: post.id }, data: { title: String(seq) } });
    publishedAt[seq] = now();
    app.realtime.publish([{ model: 'Post', kind: 'UPDATED', key: { id: row.id }, row }]);
  }
  // Let the last deliveries go out before reading the CPU time (bounded: at most 10 s).
  const settle = now() + 10_000;
  while (app.realtime.feed.stats().pending > 0 && now() < settle) await new Promise((resolve) => setTimeout(resolve, 20));
  const cpu = process.cpuUsage(cpuBefore);
  // Each event costs one update, plus the subscriptions' loads.
  return { publishedAt, statements: app.db.statements.count - statementsBefore - total, cpuMs: (cpu.user + cpu.system) / 1000 };
}

process.on('message', async (message: Message) => {
  if (message.type === 'memory') {
    const feed = app.realtime.feed.stats();
    const shared = ws.shared();
    // Client operations: identical subscriptions share one feed subscription.
    const subscribers = feed.subscriptions - shared.operations + shared.readers;
    send({ type: 'memory', ...memory(), connections: ws.connections, feed, shared, subscribers });
  }
  if (message.type === 'fire') send({ type: 'fired', ...(await fire(message.rate, message.seconds)) });
  if (message.type === 'stop') {
    await ws.close(1000);
    await server.close(1000);
    await app.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
});
// The bench went away (crashed, interrupted): do not outlive it.
process.on('disconnect', () => process.exit(1));
send({ type: 'ready', url: `${server.url.replace(/^http/, 'ws')}${config.graphqlPath}` });
