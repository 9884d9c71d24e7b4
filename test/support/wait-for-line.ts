import type { ChildProcess } from 'node:child_process';

/** Resolves with the first match of `pattern` in a child's stdout; rejects if it exits first. No sleeps: waits on output events. */
export function waitForLine(child: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = buffer.match(pattern);
      if (match) {
        child.stdout!.off('data', onData);
        resolve(match);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`process exited with ${code} before printing ${pattern}:\n${buffer}`)));
  });
}
