import { type ChildProcess, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedS3, startEmbeddedS3 } from '../../src/storage/embedded-s3.ts';
import { streamedUpload } from './storage-app.ts';

const MB = 1024 * 1024;

/**
 * The server runs in a child process (the benchmark's, bench/upload-bench-server.ts)
 * so its RSS is its own: in this process the test's client and s3rver would
 * blur it. One provider: this is about memory and streaming, not SQL.
 */
describe('a 200 MB upload through GraphQL multipart', () => {
  let s3: EmbeddedS3;
  let server: ChildProcess;
  let endpoint: string;
  const replies: ((message: any) => void)[] = [];
  const ask = (message?: unknown) => {
    const reply = new Promise<any>((resolve) => replies.push(resolve));
    if (message) server.send(message as never);
    return reply;
  };

  beforeAll(async () => {
    s3 = await startEmbeddedS3();
    server = fork(fileURLToPath(new URL('../../bench/upload-bench-server.ts', import.meta.url)), [], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', BENCH_S3: JSON.stringify(s3) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    server.on('message', (message) => replies.shift()?.(message));
    endpoint = (await ask()).endpoint;
  });
  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.send({ type: 'stop' });
      await new Promise((resolve) => server.once('exit', resolve));
    }
    await s3?.close();
  });

  it('streams to S3 with server RSS growing far less than the file, keeping every byte', async () => {
    const query = 'mutation($f: Upload!) { uploadFile(file: $f) { size checksum contentType url } }';
    const send = (upload: ReturnType<typeof streamedUpload>) =>
      fetch(endpoint, { method: 'POST', headers: { 'x-graphql-yoga-csrf': '1', 'content-type': upload.contentType }, body: upload.body, duplex: 'half' } as RequestInit);
    // A first, smaller upload warms the server (JIT, allocator, sockets): the growth measured is the large file's.
    expect((await send(streamedUpload(20 * MB, query))).status).toBe(200);
    const size = 200 * MB;
    const upload = streamedUpload(size, query);
    const { baseline } = await ask({ type: 'watch' });
    const json = await (await send(upload)).json();
    const { peak } = await ask({ type: 'report' });
    const file = json.data.uploadFile;
    expect(file).toMatchObject({ size: String(size), checksum: upload.sha256(), contentType: 'text/plain' });
    // Buffering the file anywhere would add 200 MB; parts in flight are 4 x 5 MiB.
    console.log(`200 MB upload: server RSS ${Math.round(baseline / MB)} MB before, peak ${Math.round(peak / MB)} MB (+${Math.round((peak - baseline) / MB)} MB)`);
    expect(peak - baseline).toBeLessThan(100 * MB);

    // Byte for byte: stream the stored object back through a hash.
    const hash = createHash('sha256');
    for await (const chunk of Readable.fromWeb((await fetch(file.url)).body as never)) hash.update(chunk);
    expect(hash.digest('hex')).toBe(file.checksum);
  });
});
