/**
 * Realtime benchmark (issue 4): how many idle graphql-ws subscribers one
 * server process holds and what each costs in memory, then the delivery
 * latency to many subscribers at a steady event rate.
 *
 *   npm run bench:realtime -- [--connections 5000] [--subscribers 1000] [--rate 10] [--seconds 20] [--distinct]
 *
 * By default the latency subscribers run the same operation as the same
 * (anonymous) viewer, so the server executes it once per event and fans the
 * result out. `--distinct` makes every operation text unique (as if each
 * subscriber were another viewer): one feed subscription and one execution
 * per subscriber, still one database query per event (same filter and
 * selection).
 *
 * Everything runs on 127.0.0.1; the server is a child process (its memory is
 * what is measured), this process is the clients. Counts and time are capped.
 * `BENCH_CPU_PROF=<dir>` writes a CPU profile of the server process there.
 */
import { fork } from 'node:child_process';
import os from 'node:os';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '5000' },
    subscribers: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '20' },
    distinct: { type: 'boolean', default: false },
  },
});
const cap = (value: string | undefined, max: number) => Math.max(1, Math.min(max, Number(value)));
const CONNECTIONS = cap(values.connections, 10_000);
const SUBSCRIBERS = cap(values.subscribers, 5_000);
const RATE = cap(values.rate, 100);
const SECONDS = cap(values.seconds, 60);
const STEP_TIMEOUT_MS = 120_000;

const now = () => performance.timeOrigin + performance.now();
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function bounded<T>(promise: Promise<T>, what: string, ms = STEP_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`bench: ${what} took over ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

const server = fork(fileURLToPath(new URL('./realtime-bench-server.ts', import.meta.url)), [], {
  execArgv: ['--expose-gc', '--import', 'tsx', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [])],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  // As in production: graphql-js skips its development-only checks (they cost ~20% of a delivery).
  env: { ...process.env, NODE_ENV: 'production' },
});
process.on('exit', () => server.kill());
const replies: ((message: any) => void)[] = [];
server.on('message', (message: any) => replies.shift()?.(message));
const ask = <T = any>(message?: unknown): Promise<T> => {
  const reply = new Promise<T>((resolve) => replies.push(resolve));
  if (message) server.send(message as never);
  return bounded(reply, `the server's answer to ${JSON.stringify(message ?? 'start')}`);
};

/** One connection with one subscription; resolves once the server acknowledged the connection. */
async function subscriber(url: string, query: string, onNext?: (payload: any, at: number) => void): Promise<WebSocket> {
  const socket = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false });
  socket.on('error', () => {});
  await once(socket, 'open');
  socket.send(JSON.stringify({ type: 'connection_init' }));
  const [ack] = await once(socket, 'message');
  if (JSON.parse(String(ack)).type !== 'connection_ack') throw new Error('no connection_ack');
  socket.on('message', (data) => {
    const at = now();
    const message = JSON.parse(String(data));
    if (message.type === 'next') onNext?.(message.payload, at);
  });
  socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
  return socket;
}

async function openMany(count: number, make: (i: number) => Promise<WebSocket>): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < count; i += 250) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(250, count - i) }, (_, j) => make(i + j)))));
  }
  return sockets;
}

async function closeAll(sockets: WebSocket[]) {
  await Promise.all(sockets.map((s) => (s.readyState === s.CLOSED ? undefined : (s.close(), once(s, 'close')))));
}

/** Waits until the server reports `n` subscriptions (subscribe messages are processed asynchronously). */
async function untilSubscriptions(n: number) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const m = await ask({ type: 'memory' });
    if (m.subscribers === n) return m;
    if (Date.now() > deadline) throw new Error(`bench: server has ${m.subscribers} subscribers, expected ${n}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const { url } = await ask<{ url: string }>();
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`realtime bench: server ${url} (node ${process.version}, ${os.cpus().length} CPUs, load average ${load()})`);

// 1. Idle capacity and memory per connection.
const baseline = await ask({ type: 'memory' });
const idleQuery = (i: number) =>
  `subscription { postChanged(where: { authorId: { equals: ${(i % 100) + 1000} } }) { kind node { id title } } }${values.distinct ? ` # idle ${i}` : ''}`;
const started = now();
const idle = await bounded(
  openMany(CONNECTIONS, (i) => subscriber(url, idleQuery(i))),
  `opening ${CONNECTIONS} connections`,
);
const held = await untilSubscriptions(CONNECTIONS);
const openSeconds = (now() - started) / 1000;
const perConnection = (held.heapUsed + held.external - baseline.heapUsed - baseline.external) / CONNECTIONS;
const rssPerConnection = (held.rss - baseline.rss) / CONNECTIONS;
console.log(
  `\nidle subscribers: ${held.connections} connections, ${held.subscribers} subscriptions (${held.shared.operations} distinct operations, ${held.feed.groups} feed groups), opened in ${openSeconds.toFixed(1)} s`,
);
console.log(`  server heap+external: ${mb(baseline.heapUsed + baseline.external)} -> ${mb(held.heapUsed + held.external)} (${kb(perConnection)} per connection${held.gc ? ', after gc' : ''})`);
console.log(`  server RSS: ${mb(baseline.rss)} -> ${mb(held.rss)} (${kb(rssPerConnection)} per connection)`);
await closeAll(idle);
await untilSubscriptions(0);

// 2. Delivery latency: SUBSCRIBERS subscribers, one connection each, RATE events a second for SECONDS.
const seqs: number[] = [];
const arrivals: number[] = [];
const onNext = (payload: any, at: number) => {
  seqs.push(Number(payload.data.postChanged.node.title));
  arrivals.push(at);
};
const liveQuery = (i: number) =>
  `subscription { postChanged(where: { published: { equals: true } }) { kind node { id title } } }${values.distinct ? ` # subscriber ${i}` : ''}`;
const live = await bounded(
  openMany(SUBSCRIBERS, (i) => subscriber(url, liveQuery(i), onNext)),
  `opening ${SUBSCRIBERS} subscribers`,
);
await untilSubscriptions(SUBSCRIBERS);
const fired = await ask<{ publishedAt: number[]; statements: number; cpuMs: number }>({ type: 'fire', rate: RATE, seconds: SECONDS });
const expected = fired.publishedAt.length * SUBSCRIBERS;
const deadline = now() + 10_000;
while (arrivals.length < expected && now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
const delays = arrivals.map((at, i) => at - fired.publishedAt[seqs[i]]).sort((a, b) => a - b);
await closeAll(live);
const deliveries = fired.publishedAt.length * SUBSCRIBERS;
console.log(
  `\nlatency: ${SUBSCRIBERS} subscribers (${values.distinct ? 'distinct operations: one execution each' : 'one shared operation'}), ${fired.publishedAt.length} events at ${RATE}/s (${SECONDS} s)`,
);
console.log(`  delivered ${delays.length} of ${expected}; database statements for subscriptions: ${fired.statements} (${(fired.statements / fired.publishedAt.length).toFixed(2)} per event)`);
console.log(
  `  publish -> client receive: p50 ${percentile(delays, 50).toFixed(2)} ms, p90 ${percentile(delays, 90).toFixed(2)} ms, p99 ${percentile(delays, 99).toFixed(2)} ms, max ${delays.at(-1)!.toFixed(2)} ms`,
);
console.log(
  `  server CPU: ${(fired.cpuMs / 1000).toFixed(1)} s for ${SECONDS} s of events (${((fired.cpuMs * 1000) / deliveries).toFixed(1)} µs per delivery, incl. the writes); load average now ${load()}`,
);
server.send({ type: 'stop' });
await bounded(once(server, 'exit'), 'the server to stop', 15_000);
