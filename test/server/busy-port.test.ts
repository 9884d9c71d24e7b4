import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { within } from '../support/deferred.ts';
import { hasRedis, startRedis, type TestRedis } from '../support/redis-server.ts';

const bin = path.resolve('bin/strata.js');
const schema = `datasource db {
  provider = "sqlite"
}

model Gadget {
  id    Int    @id @default(autoincrement())
  label String
}
`;

/** Runs the CLI to its end; resolves with its exit code, stderr and how long it ran. */
function runCli(args: string[], env: Record<string, string>) {
  const started = Date.now();
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.resume();
  const done = new Promise<{ code: number | null; stderr: string; ms: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stderr, ms: Date.now() - started })),
  );
  return within(done, 60_000, `strata ${args[0]} to exit`).finally(() => child.exitCode === null && child.kill('SIGKILL'));
}

describe('a port that is already taken', () => {
  let dir: string;
  let holder: net.Server;
  let port: number;
  let redis: TestRedis | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'strata-busy-'));
    writeFileSync(path.join(dir, 'schema.prisma'), schema);
    holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    port = (holder.address() as net.AddressInfo).port;
    if (hasRedis) redis = await startRedis();
  });
  afterAll(async () => {
    await new Promise((resolve) => holder.close(resolve));
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // Redis (when installed) and the database are open by the time the port is tried: they must not keep the process alive.
  const env = () => ({
    DATABASE_URL: `file:${path.join(dir, 'dev.db')}`,
    ...(redis ? { REDIS_URL: redis.url } : {}),
  });

  it.each([
    ['dev', () => ['dev', '--schema', path.join(dir, 'schema.prisma'), '--port', String(port)]],
    ['start', () => ['start', '--schema', path.join(dir, 'schema.prisma'), '--port', String(port)]],
  ])('makes strata %s exit non-zero at once with a one-line reason', async (_name, args) => {
    const { code, stderr, ms } = await runCli(args(), env());
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
    expect(stderr).not.toMatch(/\n\s+at /);
    // Start-up (tsx, the engines, a push for dev) takes most of this; the failure itself closes within CLOSE_WITHIN_MS.
    expect(ms).toBeLessThan(30_000);
  });
});
