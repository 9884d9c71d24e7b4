/**
 * The server half of `bench/upload-bench.ts`: one Strata instance on a
 * throwaway SQLite database, storing files in the bench's s3rver, listening
 * on 127.0.0.1:0 and reporting its own memory over IPC. Run by the bench
 * with `node --expose-gc --import tsx`; not meant to be run alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/base/config.ts';
import { pushSchema } from '../src/engine/migrations.ts';
import { prepareAppSchema } from '../src/server/prepare-app-schema.ts';
import { allowAll } from '../src/permissions/policy.ts';
import { createApp } from '../src/server/create-app.ts';
import { listen } from '../src/server/listen.ts';

type Message = { type: 'watch' } | { type: 'report' } | { type: 'stop' };

const s3 = JSON.parse(process.env.BENCH_S3 ?? '{}');
const dir = mkdtempSync(path.join(os.tmpdir(), 'strata-upload-bench-'));
const config = loadConfig({
  STRATA_ENV: 'test',
  DATABASE_URL: `file:${path.join(dir, 'bench.db')}`,
  S3_ENDPOINT: s3.endpoint,
  S3_BUCKET: s3.bucket,
  S3_ACCESS_KEY_ID: s3.accessKeyId,
  S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  STRATA_UPLOAD_MAX_BYTES: String(512 * 1024 * 1024),
});
await pushSchema({ databaseUrl: config.databaseUrl, schema: prepareAppSchema(config.schemaPath, 'sqlite'), force: true });
const app = await createApp(config, { policy: allowAll });
const server = await listen(app.yoga, '127.0.0.1', 0);

const settled = () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().rss;
};

let peak = { rss: 0, heapUsed: 0, arrayBuffers: 0 };
let sampler: NodeJS.Timeout | undefined;

process.on('message', async (message: Message) => {
  if (message.type === 'watch') {
    const baseline = settled();
    const start = process.memoryUsage();
    peak = { rss: baseline, heapUsed: start.heapUsed, arrayBuffers: start.arrayBuffers };
    clearInterval(sampler);
    sampler = setInterval(() => {
      const now = process.memoryUsage();
      peak = { rss: Math.max(peak.rss, now.rss), heapUsed: Math.max(peak.heapUsed, now.heapUsed), arrayBuffers: Math.max(peak.arrayBuffers, now.arrayBuffers) };
    }, 20);
    process.send!({ type: 'watching', baseline, heapUsed: start.heapUsed, arrayBuffers: start.arrayBuffers });
  }
  if (message.type === 'report') {
    clearInterval(sampler);
    const usage = process.memoryUsage();
    process.send!({ type: 'report', peak: Math.max(peak.rss, usage.rss), peakHeapUsed: peak.heapUsed, peakArrayBuffers: peak.arrayBuffers, maxRss: process.resourceUsage().maxRSS * 1024 });
  }
  if (message.type === 'stop') {
    await server.close(1000);
    await app.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
});
process.send!({ type: 'ready', endpoint: `${server.url}${config.graphqlPath}` });
