import { readFileSync } from 'node:fs';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Progress lines on stderr, with the time since the run started. */
const started = Date.now();
export function log(message: string): void {
  const s = ((Date.now() - started) / 1000).toFixed(1).padStart(7);
  process.stderr.write(`[bench ${s}s] ${message}\n`);
}

/** mulberry32: a small deterministic PRNG, so every run asks for the same ids. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [min, max], inclusive. */
export const randInt = (rng: () => number, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));

const CLK_TCK = 100; // USER_HZ: 100 on every Linux this runs on

/** CPU seconds (user + system) used by a process so far, or null when it is gone. */
export function processCpuSeconds(pid: number, withChildren = false): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime are fields 14-17 (1-based); fields[0] is field 3.
    const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
    return (utime + stime + (withChildren ? cutime + cstime : 0)) / CLK_TCK;
  } catch {
    return null;
  }
}

/** Pids of a process's direct children, read from /proc. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** CPU seconds of the postmaster, its reaped children and its live children (all PostgreSQL server work). */
export function postgresCpuSeconds(postmasterPid: number): number {
  let total = processCpuSeconds(postmasterPid, true) ?? 0;
  for (const child of childPids(postmasterPid)) total += processCpuSeconds(child) ?? 0;
  return total;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Half the min-max range relative to the median, in percent: the spread reported next to a median. */
export function spreadPercent(values: number[]): number {
  const m = median(values);
  if (!m || values.length < 2) return 0;
  return ((Math.max(...values) - Math.min(...values)) / 2 / m) * 100;
}
