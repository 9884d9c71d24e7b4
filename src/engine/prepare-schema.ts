import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The installed version of a package, found as Node finds it (its `exports` map may hide package.json). */
function packageVersion(name: string): string {
  for (const dir of require.resolve.paths(name) ?? []) {
    const file = path.join(dir, name, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).version;
  }
  return 'unknown';
}

/** What a generated client depends on besides the schema: a cached client from other versions must not be reused. */
/** Prisma Client preview features Strata generates with: `relationJoins` reads a nested selection in one statement (LATERAL joins on PostgreSQL). */
export const clientPreviewFeatures = ['relationJoins'];
const generatorVersions = ['prisma', '@prisma/client', '@pothos/plugin-prisma']
  .map((name) => `${name}@${packageVersion(name)}`)
  .concat(clientPreviewFeatures)
  .join('\n');

/** A user's Prisma schema, rewritten for Strata's own generators. */
export interface PreparedSchema {
  /** Where the user's schema came from. */
  source: string;
  /** The schema without generator blocks or datasource URLs, provider set from the database URL. */
  content: string;
  /** The datasource provider in effect. */
  provider: 'sqlite' | 'postgresql';
  /** Stable hash of `content` and of the generators' versions, names the generated client's cache folder. */
  hash: string;
}

// Editors on Windows may start a file with a byte-order mark, which would hide its first block from the patterns below.
const readText = (file: string) => readFileSync(file, 'utf8').replace(/^\uFEFF/, '');

function readSchemaText(source: string): string {
  if (!statSync(source).isDirectory()) return readText(source);
  // A multi-file schema folder concatenates into one valid schema.
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'migrations') walk(full);
      else if (entry.name.endsWith('.prisma')) files.push(full);
    }
  };
  walk(source);
  if (files.length === 0) throw new Error(`No .prisma files in ${source}`);
  return files.map(readText).join('\n');
}

/**
 * Models a capability appends to every prepared schema (its `@internal`
 * tables): auth's sessions and tokens, the trigger outbox. The capability
 * defines it; whoever assembles the app picks which to append.
 */
export interface SchemaFragment {
  /** What the models are for, in the error a clashing user model gets: "Strata's auth tables". */
  label: string;
  /** Names of the models it adds; the user's schema must not define them. */
  models: readonly string[];
  /** The text to append to the user's schema `content`, or '' to append nothing. */
  text(content: string, provider: 'sqlite' | 'postgresql'): string;
}

const generatorBlock = /^[ \t]*generator\s+\w+\s*\{[\s\S]*?^[ \t]*\}[ \t]*$/gm;
const datasourceBlock = /^[ \t]*datasource\s+\w+\s*\{[\s\S]*?^[ \t]*\}[ \t]*$/m;

/**
 * Reads the schema at `source` (a file or a folder of `.prisma` files) and
 * prepares it for generation: Strata owns the generators, the database URL
 * comes from config (Prisma 7 keeps URLs out of schemas), and the provider
 * follows that URL so one schema serves SQLite and PostgreSQL. Without a
 * `provider`, the schema's own is kept. Each of `fragments` is appended in
 * order, after checking that the schema defines none of its models.
 */
export function prepareSchema(source: string, provider?: 'sqlite' | 'postgresql', fragments: readonly SchemaFragment[] = []): PreparedSchema {
  const original = readSchemaText(source);
  const datasource = original.match(datasourceBlock);
  if (!datasource) throw new Error(`${source} has no datasource block`);
  const declared = datasource[0].match(/provider\s*=\s*"(\w+)"/)?.[1];
  if (declared !== 'sqlite' && declared !== 'postgresql' && declared !== 'postgres') {
    throw new Error(`${source}: datasource provider "${declared}" is not supported (use sqlite or postgresql)`);
  }
  provider ??= declared === 'sqlite' ? 'sqlite' : 'postgresql';
  const rewritten = datasource[0]
    .split('\n')
    .filter((line) => !/^\s*(url|directUrl|shadowDatabaseUrl)\s*=/.test(line))
    .join('\n')
    .replace(/provider\s*=\s*"\w+"/, `provider = "${provider}"`);
  const base = original.replace(generatorBlock, '').replace(datasourceBlock, rewritten).trim() + '\n';
  let content = base;
  for (const fragment of fragments) {
    const clash = fragment.models.find((name) => new RegExp(`^\\s*model\\s+${name}\\s*\\{`, 'm').test(base));
    if (clash) throw new Error(`${source}: model ${clash} is reserved for ${fragment.label}; rename it`);
    content += fragment.text(base, provider);
  }
  const hash = createHash('sha256').update(generatorVersions).update(content).digest('hex').slice(0, 16);
  return { source, content, provider, hash };
}
