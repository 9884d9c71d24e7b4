/**
 * Summarises a V8 `.cpuprofile` (node --cpu-prof): where the time went, by
 * package (self time) and by function (self and inclusive time), so a
 * profile can be read without a flame-graph viewer.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  byPackage: { name: string; selfMs: number; pct: number }[];
  bySelf: { name: string; selfMs: number; pct: number }[];
  byInclusive: { name: string; totalMs: number; pct: number }[];
}

/** The package (or project folder) a script URL belongs to. */
export function packageOf(url: string): string {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return 'node: (core)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const m = url.match(/\/(src\/[^/]+|\.strata[^/]*|bench\/\.work\/strata-cache)\//);
  if (m) return m[1].startsWith('src/') ? m[1] : 'generated Prisma client';
  return url.replace(/^file:\/\//, '').split('/').slice(-2).join('/');
}

const special = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/**
 * Summarises the samples taken `skipMs` or more after the profile started
 * (to leave out start-up: module loading, schema building).
 */
export function summariseProfile(file: string, top = 25, skipMs = 0): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += (profile.timeDeltas[i] ?? 0) / 1000;
    if (at < skipMs) continue;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const key = (n: ProfileNode) => {
    const f = n.callFrame;
    if (special.has(f.functionName)) return f.functionName;
    const where = f.url ? `${f.url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^.*\/(src|bench)\//, '$1/')}:${f.lineNumber + 1}` : 'native';
    return `${f.functionName || '(anonymous)'} ${where}`;
  };
  let total = 0;
  let idle = 0;
  const packages = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, ms] of self) {
    const node = byId.get(id)!;
    total += ms;
    if (node.callFrame.functionName === '(idle)') {
      idle += ms;
      continue;
    }
    const pkg = special.has(node.callFrame.functionName) ? node.callFrame.functionName : packageOf(node.callFrame.url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + ms);
    functions.set(key(node), (functions.get(key(node)) ?? 0) + ms);
  }
  // Inclusive time per function, counting a recursive function once per stack.
  const inclusive = new Map<string, number>();
  const subtotal = new Map<number, number>();
  const sum = (id: number): number => {
    const node = byId.get(id)!;
    let t = self.get(id) ?? 0;
    for (const c of node.children ?? []) t += sum(c);
    subtotal.set(id, t);
    return t;
  };
  const rootNode = profile.nodes[0];
  sum(rootNode.id);
  const walk = (id: number, onStack: Set<string>) => {
    const node = byId.get(id)!;
    const k = key(node);
    const fresh = !onStack.has(k);
    if (fresh && !special.has(node.callFrame.functionName)) inclusive.set(k, (inclusive.get(k) ?? 0) + subtotal.get(id)!);
    if (fresh) onStack.add(k);
    for (const c of node.children ?? []) walk(c, onStack);
    if (fresh) onStack.delete(k);
  };
  walk(rootNode.id, new Set());
  const busy = total - idle;
  const pct = (ms: number) => (busy > 0 ? (ms / busy) * 100 : 0);
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return {
    totalMs: total,
    idleMs: idle,
    byPackage: sorted(packages).map(([name, selfMs]) => ({ name, selfMs, pct: pct(selfMs) })),
    bySelf: sorted(functions).map(([name, selfMs]) => ({ name, selfMs, pct: pct(selfMs) })),
    byInclusive: sorted(inclusive).map(([name, totalMs]) => ({ name, totalMs, pct: pct(totalMs) })),
  };
}

export function renderProfile(summary: ProfileSummary): string {
  const lines = [`busy ${(summary.totalMs - summary.idleMs).toFixed(0)} ms of ${summary.totalMs.toFixed(0)} ms sampled`, '', 'self time by package:'];
  for (const p of summary.byPackage) lines.push(`  ${p.pct.toFixed(1).padStart(5)}%  ${p.selfMs.toFixed(0).padStart(7)} ms  ${p.name}`);
  lines.push('', 'self time by function:');
  for (const f of summary.bySelf) lines.push(`  ${f.pct.toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.name}`);
  lines.push('', 'inclusive time by function (% of busy):');
  for (const f of summary.byInclusive) lines.push(`  ${f.pct.toFixed(1).padStart(5)}%  ${f.totalMs.toFixed(0).padStart(7)} ms  ${f.name}`);
  return lines.join('\n');
}
