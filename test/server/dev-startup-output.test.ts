import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDevLogLine } from '../../src/cli/dev-log.ts';
import { waitForLine } from '../support/wait-for-line.ts';

describe('what strata dev prints at start-up', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'strata-dev-output-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints its banner on stdout with no JSON lines and no AWS SDK warning, and its logs as readable lines on stderr', async () => {
    const child = spawn(process.execPath, [path.resolve('bin/strata.js'), 'dev', '--schema', path.resolve('prisma/schema.prisma'), '--port', '0'], {
      env: { ...process.env, DATABASE_URL: `file:${path.join(dir, 'dev.db')}`, STRATA_APP_DIR: path.resolve('app'), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    try {
      await waitForLine(child, /Watching .* for changes\n/);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    expect(stdout).toMatch(/^Strata dev server on file:/);
    expect(stdout.split('\n').filter((line) => line.trimStart().startsWith('{'))).toEqual([]);
    expect(stderr).not.toMatch(/NodeVersionSupportWarning|AWS SDK/);
    // The example app's webhook trigger has no URL here: said once, in words.
    expect(stderr).toMatch(/^\d\d:\d\d:\d\d info  trigger is off: its webhook URL is not configured trigger=postPublished$/m);
    expect(stderr.split('\n').filter((line) => line.trimStart().startsWith('{'))).toEqual([]);
  });

  it('formats a log entry as one line, fields as key=value, an error with its stack', () => {
    const line = formatDevLogLine(
      JSON.stringify({ level: 50, time: Date.UTC(2026, 0, 1, 12, 0, 1), component: 'yoga', msg: 'it broke', eventId: 'e1', detail: { a: 1 }, err: { message: 'boom', stack: 'Error: boom\n    at here' } }),
    );
    expect(line).toMatch(/^\d\d:\d\d:\d\d error \[yoga\] it broke eventId=e1 detail=\{"a":1\}\n {4}Error: boom\n {8}at here\n$/);
    expect(formatDevLogLine('not json')).toBe('not json\n');
  });
});
