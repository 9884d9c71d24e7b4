import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { within } from './deferred.ts';
import { freePort } from './free-port.ts';

const REDIS_BIN = process.env.STRATA_TEST_REDIS_BIN ?? '/usr/bin/redis-server';

/** A throwaway redis-server on 127.0.0.1, owned by the test. */
export interface TestRedis {
  url: string;
  /** Kills the server (SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
  /** Stops it and deletes its files. */
  remove(): Promise<void>;
  /** Starts it again on the same port (from its last snapshot, when `persist`). */
  start(): Promise<void>;
}

export interface StartRedisOptions {
  /** Keep a dump file in a temp dir: `SAVE` writes a snapshot, a restart loads it. @default false */
  persist?: boolean;
}

export async function startRedis({ persist = false }: StartRedisOptions = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = persist ? mkdtempSync(path.join(os.tmpdir(), 'strata-redis-')) : undefined;
  let child: ChildProcess | undefined;
  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...(dir ? ['--dir', dir, '--dbfilename', 'dump.rdb'] : [])];
    const proc = spawn(REDIS_BIN, args, {
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
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await within(exited, 10_000, 'redis-server to exit');
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    async remove() {
      await stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether the Redis binary is installed (the Redis tests are skipped without it). */
export const hasRedis = existsSync(REDIS_BIN);
