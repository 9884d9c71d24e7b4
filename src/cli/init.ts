import { cpSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const starterDir = path.join(packageRoot, 'starter');

/** The package.json of a new project: Strata as its one dependency, the CLI behind npm scripts. */
function projectPackage(name: string, version: string): string {
  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      dev: 'strata dev',
      start: 'strata start --migrate',
      seed: 'strata seed',
      reset: 'strata reset',
      migrate: 'strata migrate dev --name',
    },
    dependencies: { 'strata-graphql': `^${version}` },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/**
 * `strata init <dir>`: a new project from the starter — `prisma/schema.prisma`,
 * `prisma/seed.ts`, `app/rules.ts`, `app/hooks.ts`, `package.json`, README.
 * Refuses a folder that exists and is not empty. Returns the exit code.
 */
export async function initCommand(target: string | undefined): Promise<number> {
  if (!target) {
    console.error('Usage: strata init <folder>');
    return 2;
  }
  const dir = path.resolve(target);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    console.error(`strata init: ${dir} is not empty; choose a new folder`);
    return 1;
  }
  const name = path.basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
  const { version } = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  cpSync(starterDir, dir, { recursive: true });
  // npm pack leaves out files named .gitignore: the starter ships it as `gitignore`.
  renameSync(path.join(dir, 'gitignore'), path.join(dir, '.gitignore'));
  writeFileSync(path.join(dir, 'package.json'), projectPackage(name, version));
  const readme = path.join(dir, 'README.md');
  writeFileSync(readme, readFileSync(readme, 'utf8').replaceAll('__NAME__', name));
  const shown = path.relative(process.cwd(), dir) || '.';
  console.log(`Created ${name} in ${dir}\n\nNext:\n  cd ${shown}\n  npm install\n  npm run seed\n  npm run dev`);
  return 0;
}
