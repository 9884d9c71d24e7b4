/**
 * Upload benchmark (issue 5): throughput of GraphQL multipart uploads
 * through Strata versus the same files sent straight to the same s3rver with
 * lib-storage (the ratio is what Strata's streaming path costs), and the
 * Strata server's peak RSS while one large file streams through it.
 *
 *   node --import tsx bench/upload-bench.ts [--files 10] [--size-mb 20] [--large-mb 200] [--rounds 2]
 *
 * Three processes on 127.0.0.1: this one (the clients), s3rver, and the
 * Strata server (whose memory is measured). File contents are generated
 * while they stream, so no client holds a file in memory either. Every
 * upload is checked by its SHA-256.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Upload } from '@aws-sdk/lib-storage';
import { loadConfig } from '../src/base/config.ts';
import { PART_SIZE } from '../src/storage/put-stream.ts';
import { createS3Client } from '../src/storage/s3-client.ts';

// The AWS SDK warns once per process that its 2027 releases need Node 22; the bench's output is the figures.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '10' },
    'size-mb': { type: 'string', default: '20' },
    'large-mb': { type: 'string', default: '200' },
    rounds: { type: 'string', default: '2' },
  },
});
const cap = (value: string | undefined, max: number) => Math.max(1, Math.min(max, Number(value)));
const FILES = cap(values.files, 100);
const MB = 1024 * 1024;
const SIZE = cap(values['size-mb'], 500) * MB;
const LARGE = cap(values['large-mb'], 500) * MB;
const ROUNDS = cap(values.rounds, 5);
const CHUNK = MB;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
const storageDefaults = loadConfig({ STRATA_ENV: 'test' }).storage;

function child(script: string, env: Record<string, string> = {}): { process: ChildProcess; ask<T = any>(message?: unknown): Promise<T> } {
  const proc = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const replies: ((message: any) => void)[] = [];
  proc.on('message', (message) => replies.shift()?.(message));
  proc.on('exit', (code) => code && console.error(`${script} exited with ${code}`));
  return {
    process: proc,
    ask: (message) => {
      const reply = new Promise<any>((resolve) => replies.push(resolve));
      if (message) proc.send(message as never);
      return reply;
    },
  };
}

/** Chunks of a generated file: different bytes in every chunk, hashed as they are produced. */
function* fileChunks(size: number, seed: string, hash: ReturnType<typeof createHash>): Generator<Buffer> {
  for (let sent = 0, i = 0; sent < size; i++) {
    const n = Math.min(CHUNK, size - sent);
    const bytes = Buffer.alloc(n, `${seed} chunk ${i} of a benchmark upload\n`);
    hash.update(bytes);
    sent += n;
    yield bytes;
  }
}

/** A GraphQL multipart request body for one generated text file. */
function multipartBody(size: number, seed: string, hash: ReturnType<typeof createHash>): { body: ReadableStream<Uint8Array>; contentType: string } {
  const boundary = `bench-${seed}`;
  const query = 'mutation($f: Upload!) { uploadFile(file: $f) { id size checksum } }';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query, variables: { f: null } })}\r\n--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.f"]}\r\n--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="${seed}.txt"\r\nContent-Type: text/plain\r\n\r\n`;
  const parts = (function* () {
    yield Buffer.from(head);
    yield* fileChunks(size, seed, hash);
    yield Buffer.from(`\r\n--${boundary}--\r\n`);
  })();
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = parts.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

const s3 = child('./upload-bench-s3.ts');
const s3info = await s3.ask();
const server = child('./upload-bench-server.ts', { BENCH_S3: JSON.stringify(s3info) });
const { endpoint } = await server.ask();
const client = createS3Client({ endpoint: s3info.endpoint, region: 'us-east-1', forcePathStyle: true, accessKeyId: s3info.accessKeyId, secretAccessKey: s3info.secretAccessKey });

async function viaGraphQL(size: number, seed: string): Promise<number> {
  const hash = createHash('sha256');
  const { body, contentType } = multipartBody(size, seed, hash);
  const start = performance.now();
  const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': contentType, 'x-graphql-yoga-csrf': '1' }, body, duplex: 'half' } as RequestInit);
  const json = await res.json();
  const ms = performance.now() - start;
  const file = json.data?.uploadFile;
  if (!file || file.checksum !== hash.digest('hex') || Number(file.size) !== size) throw new Error(`GraphQL upload ${seed} failed: ${JSON.stringify(json).slice(0, 300)}`);
  return ms;
}

async function direct(size: number, seed: string): Promise<number> {
  const hash = createHash('sha256');
  const start = performance.now();
  // The same part size and concurrency as Strata's own uploads (defaults of the storage config).
  const upload = new Upload({ client, params: { Bucket: s3info.bucket, Key: `bench/${seed}`, Body: Readable.from(fileChunks(size, seed, hash)), ContentType: 'text/plain' }, partSize: PART_SIZE, queueSize: storageDefaults.partConcurrency });
  await upload.done();
  return performance.now() - start;
}

await viaGraphQL(MB, 'warmup-graphql');
await direct(MB, 'warmup-direct');

const totals = { graphql: 0, direct: 0 };
for (let round = 0; round < ROUNDS; round++) {
  // Alternate which path goes first, so neither always meets a warmer s3rver.
  const order: ('graphql' | 'direct')[] = round % 2 === 0 ? ['direct', 'graphql'] : ['graphql', 'direct'];
  for (const path of order) {
    for (let i = 0; i < FILES; i++) totals[path] += await (path === 'graphql' ? viaGraphQL : direct)(SIZE, `r${round}-${path}-${i}`);
  }
}
const bytes = FILES * SIZE * ROUNDS;
const rate = (ms: number) => bytes / MB / (ms / 1000);

const watching = await server.ask({ type: 'watch' });
const watchBaseline: number = watching.baseline;
const largeGraphQL = await viaGraphQL(LARGE, 'large-graphql');
const memory = await server.ask({ type: 'report' });
const largeDirect = await direct(LARGE, 'large-direct');

console.log(`\nUpload benchmark — ${FILES} files x ${mb(SIZE)} x ${ROUNDS} rounds, then one ${mb(LARGE)} file (Node ${process.version}, 127.0.0.1, s3rver)`);
console.table({
  'GraphQL multipart via Strata': { 'MB/s': rate(totals.graphql).toFixed(1), 'total s': (totals.graphql / 1000).toFixed(2) },
  'lib-storage straight to s3rver': { 'MB/s': rate(totals.direct).toFixed(1), 'total s': (totals.direct / 1000).toFixed(2) },
});
console.log(`Throughput ratio (Strata / direct): ${(rate(totals.graphql) / rate(totals.direct)).toFixed(2)}`);
console.log(`${mb(LARGE)} file: Strata ${(LARGE / MB / (largeGraphQL / 1000)).toFixed(1)} MB/s (server sampling its RSS every 20 ms, after a forced GC), direct ${(LARGE / MB / (largeDirect / 1000)).toFixed(1)} MB/s`);
console.log(`Strata server RSS during the ${mb(LARGE)} upload: ${mb(watchBaseline)} before (after GC), peak ${mb(memory.peak)} (+${mb(memory.peak - watchBaseline)}); lifetime max RSS ${mb(memory.maxRss)}`);
console.log(`  of which peak Buffers (arrayBuffers) ${mb(watching.arrayBuffers)} -> ${mb(memory.peakArrayBuffers)}, peak JS heap ${mb(watching.heapUsed)} -> ${mb(memory.peakHeapUsed)}`);

const exited = (proc: ChildProcess) => new Promise((resolve) => (proc.exitCode !== null ? resolve(null) : proc.once('exit', resolve)));
server.process.send({ type: 'stop' });
await exited(server.process);
s3.process.send({ type: 'stop' });
await exited(s3.process);
