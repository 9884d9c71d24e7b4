#!/usr/bin/env node
// Strata's CLI. App code (rules, hooks, functions) and generated clients are TypeScript, loaded through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
