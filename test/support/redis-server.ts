import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { within } from './deferred.ts';
import { freePort } from './free-port.ts';

const REDIS_BIN = process.env.STRATA_TEST_REDIS_BIN ?? '/usr/bin/redis-server';

/** A throwaway redis-server on 127.0.0.1 (no persistence), owned by the test. */
export interface TestRedis {
  url: string;
  /** Kills the server (SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const proc = spawn(REDIS_BIN, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let output = '';
    await within(
      new Promise<void>((resolve, reject) => {
        proc.stdout!.on('data', (chunk) => {
          output += chunk;
          if (output.includes('Ready to accept connections')) resolve();
        });
        proc.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
      }),
      10_000,
      'redis-server to accept connections',
    );
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    async stop() {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await within(exited, 10_000, 'redis-server to exit');
    },
  };
}

/** Whether the Redis binary is installed (the Redis tests are skipped without it). */
export const hasRedis = existsSync(REDIS_BIN);
