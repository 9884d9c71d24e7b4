#!/usr/bin/env node
// Strata's CLI. App code (rules, hooks, functions) and generated clients are TypeScript, loaded through tsx.
import { register } from 'tsx/esm/api';

// The AWS SDK (S3 storage) warns at start-up that its releases after January 2027 need Node 22. Strata pins
// its version (package.json), so the warning says nothing actionable at each start; upgrading is a deliberate step.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
