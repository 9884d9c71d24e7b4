#!/usr/bin/env node
// Strata's CLI. App code (rules, hooks, functions, seed) and generated clients are TypeScript, loaded through tsx.
import { register as registerHooks } from 'node:module';
import { register } from 'tsx/esm/api';

register();
// Registered after tsx, so it runs first: project .ts files are ES modules whatever package.json says.
registerHooks('./esm-app-code.mjs', import.meta.url);
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
