import type { DestinationStream } from 'pino';

const levelNames: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** Fields pino adds that the line shows another way, or not at all. */
const shownApart = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'err', 'component']);

const fieldText = (value: unknown) => (typeof value === 'string' && !/\s/.test(value) ? value : JSON.stringify(value));

/** One log entry as a line for people: `12:00:01 warn  [yoga] message key=value`, an error's stack below it. */
export function formatDevLogLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json);
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = new Date(Number(entry.time ?? Date.now())).toTimeString().slice(0, 8);
  const level = (levelNames[Number(entry.level)] ?? String(entry.level)).padEnd(5);
  const component = entry.component ? `[${entry.component}] ` : '';
  const fields = Object.entries(entry)
    .filter(([key]) => !shownApart.has(key))
    .map(([key, value]) => ` ${key}=${fieldText(value)}`)
    .join('');
  const err = entry.err as { stack?: string; message?: string } | undefined;
  const stack = err ? `\n    ${String(err.stack ?? err.message).split('\n').join('\n    ')}` : '';
  return `${time} ${level} ${component}${entry.msg ?? ''}${fields}${stack}\n`;
}

/**
 * Where `strata dev` logs: readable lines on stderr, so the banner on stdout
 * is not interleaved with raw JSON. `strata start` keeps pino's JSON lines
 * for log collectors.
 */
export function devLogDestination(out: NodeJS.WritableStream = process.stderr): DestinationStream {
  return { write: (line: string) => void out.write(formatDevLogLine(line)) };
}
