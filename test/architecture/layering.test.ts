import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const src = path.join(root, 'src');

interface Part {
  name: string;
  /** A folder (`src/x/`) or a single file (`src/x.ts`), relative to the repository. */
  location: string;
  allowed: Set<string>;
}

/** The table of docs/architecture.md: part, location, the parts it may import. */
function readParts(): Part[] {
  const doc = readFileSync(path.join(root, 'docs/architecture.md'), 'utf8');
  const rows = doc.split('\n').filter((line) => /^\| [a-z]+ \| `src\//.test(line));
  return rows.map((line) => {
    const [name, location, allowed] = line.split('|').slice(1, 4).map((cell) => cell.trim());
    return { name, location: location.replaceAll('`', ''), allowed: new Set(allowed.split(',').map((s) => s.trim()).filter(Boolean)) };
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Relative imports that exist at run time: static imports and re-exports not marked `type`, and dynamic `import()`. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = clause && (clause.isTypeOnly || (!clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && !node.isTypeOnly) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((spec) => spec.startsWith('.')).map((spec) => path.resolve(path.dirname(file), spec));
}

const parts = readParts();

function partOf(file: string): Part | undefined {
  const relative = path.relative(root, file).split(path.sep).join('/');
  return parts.find((p) => (p.location.endsWith('/') ? relative.startsWith(p.location) : relative === p.location));
}

/** Every run-time arrow between two parts, with one example import for the message. */
function partGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(src)) {
    const from = partOf(file)!;
    for (const target of runtimeImports(file)) {
      if (!target.startsWith(src)) continue;
      const to = partOf(target);
      if (!to || to === from) continue;
      if (!graph.has(from.name)) graph.set(from.name, new Map());
      graph.get(from.name)!.set(to.name, `${path.relative(root, file)} imports ${path.relative(root, target)}`);
    }
  }
  return graph;
}

describe('the layering of src/ (docs/architecture.md)', () => {
  it('reads the parts from the page', () => {
    expect(parts.map((p) => p.name)).toContain('base');
    for (const part of parts) for (const allowed of part.allowed) expect(parts.map((p) => p.name), `${part.name} may import unknown part ${allowed}`).toContain(allowed);
  });

  it('puts every file of src/ in a part', () => {
    const orphans = sourceFiles(src).filter((file) => !partOf(file)).map((file) => path.relative(root, file));
    expect(orphans).toEqual([]);
  });

  it('allows only the documented arrows', () => {
    const violations: string[] = [];
    for (const [from, targets] of partGraph()) {
      const part = parts.find((p) => p.name === from)!;
      for (const [to, example] of targets) if (!part.allowed.has(to)) violations.push(`${from} -> ${to} (${example})`);
    }
    expect(violations).toEqual([]);
  });

  it('has no cycle between parts', () => {
    const graph = partGraph();
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (node: string, trail: string[]) => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(node)), node].join(' -> '));
        return;
      }
      state.set(node, 'open');
      for (const next of graph.get(node)?.keys() ?? []) visit(next, [...trail, node]);
      state.set(node, 'done');
    };
    for (const part of parts) visit(part.name, []);
    expect(cycles).toEqual([]);
  });

  it('has no import cycle between files either', () => {
    const imports = new Map(sourceFiles(src).map((file) => [file, runtimeImports(file).filter((target) => target.startsWith(src))]));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].map((f) => path.relative(src, f)).join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of imports.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of imports.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
