import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deferred, within } from '../support/deferred.ts';
import { waitForLine } from '../support/wait-for-line.ts';

const fixture = path.resolve('test/server/fixtures/drain-server.ts');

interface Reply {
  status: number;
  connection: string | undefined;
  body: string;
}

/** One GET; resolves with the whole response, or rejects with the socket error (ECONNRESET, ECONNREFUSED…). */
function get(url: string, agent: http.Agent | false, onSent?: () => void): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (onSent) req.on('finish', onSent);
  });
}

describe('graceful shutdown on SIGTERM', () => {
  let child: ChildProcess | undefined;
  const start = async (env: Record<string, string> = {}) => {
    child = spawn(process.execPath, ['--import', 'tsx', fixture], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    const [, url] = await within(waitForLine(child, /listening (http:\/\/\S+)/), 20_000, 'the server to listen');
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => child!.once('exit', (code) => resolve({ code, at: Date.now() })));
    return { url, exited, child };
  };
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  it('answers every request of a keep-alive pool, closes the pool with Connection: close, and exits well before the grace period', async () => {
    const { url, exited, child } = await start();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    let signalled = 0;
    const warm = deferred();
    let answered = 0;
    const failures: string[] = [];
    // Per worker, the `Connection` header of each answer in order.
    const seen: (string | undefined)[][] = [];
    // 8 workers, each at most 500 requests: they stop at the first refused connection (the listener is gone).
    const worker = async (n: number) => {
      seen[n] = [];
      for (let i = 0; i < 500; i++) {
        try {
          const reply = await get(`${url}/ping`, agent);
          expect(reply.status).toBe(200);
          expect(JSON.parse(reply.body)).toEqual({ ok: true, path: '/ping' });
          seen[n].push(reply.connection);
          if (++answered === 100) warm.resolve();
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ECONNREFUSED' && signalled) return;
          failures.push(code ?? String(error));
          return;
        }
      }
    };
    const workers = Promise.all(Array.from({ length: 8 }, (_, n) => worker(n)));
    await within(warm.promise, 20_000, '100 answered requests');
    signalled = Date.now();
    child.kill('SIGTERM');
    await within(workers, 20_000, 'the workers to finish');
    const { code, at } = await within(exited, 20_000, 'the server to exit');
    agent.destroy();

    expect(failures).toEqual([]);
    expect(code).toBe(0);
    expect(at - signalled).toBeLessThan(5_000);
    const closes = seen.flat().filter((c) => c === 'close').length;
    expect(closes).toBeGreaterThan(0);
    // A worker's next request leaves after its previous answer: once one said close (after the signal), all later ones must.
    for (const answers of seen) {
      const first = answers.indexOf('close');
      if (first !== -1) expect(answers.slice(first).filter((c) => c !== 'close')).toEqual([]);
    }
  });

  it('answers requests on new connections that the server had not even accepted when the signal came', async () => {
    const { url, exited, child } = await start();
    // The server's event loop is blocked for 1.5 s: the 40 connections wait in the kernel's accept queue.
    const blocked = within(waitForLine(child, /busy started/), 10_000, 'the server to block');
    // Settled here, asserted below: a reset must fail the assertion, not surface as an unhandled rejection first.
    const busy = get(`${url}/busy?ms=1500`, false).catch((error: NodeJS.ErrnoException) => ({ status: 0, connection: undefined, body: error.code ?? String(error) }));
    await blocked;
    let sent = 0;
    const allSent = deferred();
    const replies = Array.from({ length: 40 }, (_, i) =>
      get(`${url}/race/${i}`, false, () => {
        if (++sent === 40) allSent.resolve();
      }).then(
        (reply) => reply,
        (error: NodeJS.ErrnoException) => ({ status: 0, connection: undefined, body: error.code ?? String(error) }),
      ),
    );
    await within(allSent.promise, 10_000, '40 requests written');
    child.kill('SIGTERM');
    const results = await within(Promise.all(replies), 20_000, 'the 40 answers');
    expect((await busy).status).toBe(200);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(results.every((r) => r.connection === 'close')).toBe(true);
    expect((await within(exited, 20_000, 'the server to exit')).code).toBe(0);
  });

  it('ends open event streams instead of waiting out the grace period for them', async () => {
    const { url, exited, child } = await start();
    const opened = deferred<http.IncomingMessage>();
    const req = http.get(`${url}/stream`, { agent: false }, (res) => res.once('data', () => opened.resolve(res)));
    req.on('error', opened.reject);
    const res = await within(opened.promise, 10_000, 'the first event');
    const ended = new Promise((resolve) => res.once('close', resolve));
    const signalled = Date.now();
    child.kill('SIGTERM');
    await within(ended, 5_000, 'the stream to end');
    const { code, at } = await within(exited, 10_000, 'the server to exit');
    expect(code).toBe(0);
    expect(at - signalled).toBeLessThan(5_000);
  });
});
