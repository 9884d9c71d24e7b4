import type { ChildProcess } from 'node:child_process';

/**
 * Resolves with the first match of `pattern` in a child's output (stdout,
 * and stderr when it is piped: `strata dev` logs there); rejects if it exits
 * first. No sleeps: waits on output events.
 */
export function waitForLine(child: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  const streams = [child.stdout, child.stderr].filter((s) => !!s);
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = buffer.match(pattern);
      if (match) {
        for (const stream of streams) stream.off('data', onData);
        resolve(match);
      }
    };
    for (const stream of streams) stream.on('data', onData);
    child.once('exit', (code) => reject(new Error(`process exited with ${code} before printing ${pattern}:\n${buffer}`)));
  });
}
