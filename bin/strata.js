#!/usr/bin/env node
// Strata's CLI. App code (rules, hooks, functions, seed) and generated clients are TypeScript, loaded through tsx.
import { register as registerHooks } from 'node:module';
import { register } from 'tsx/esm/api';

// The AWS SDK (S3 storage) warns at start-up that its releases after January 2027 need Node 22. Strata pins
// its version (package.json), so the warning says nothing actionable at each start; upgrading is a deliberate step.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
// Registered after tsx, so it runs first: project .ts files are ES modules whatever package.json says.
registerHooks('./esm-app-code.mjs', import.meta.url);
const { main } = await import('../src/cli/main.ts');
// Serving commands never return; a one-shot command (seed, reset, migrate...) is done when main returns,
// even if a closed schema engine or pool left a timer behind (they kept the process up to 60 s).
process.exit(await main(process.argv.slice(2)));
