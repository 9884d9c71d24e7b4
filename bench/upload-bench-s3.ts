/**
 * The S3 half of `bench/upload-bench.ts`: the embedded s3rver in a process
 * of its own, so neither the bench's clients nor the Strata server share its
 * event loop. Driven over IPC; not meant to be run alone.
 */
import { startEmbeddedS3 } from '../src/storage/embedded-s3.ts';

const s3 = await startEmbeddedS3();
process.on('message', async (message: { type: string }) => {
  if (message.type === 'stop') {
    await s3.close();
    process.exit(0);
  }
});
process.send!({ type: 'ready', endpoint: s3.endpoint, bucket: s3.bucket, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
