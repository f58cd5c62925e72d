#!/usr/bin/env node
// `kordon` (the root package's bin): runs the TypeScript CLI through swc-node, the way the API
// runs, so there is no build step. Paths are resolved from this file, not the working directory,
// so `npx kordon` and `node /path/to/bin/kordon.cjs` work from anywhere.
const path = require('node:path');

// swc-node reads the path aliases (@kordon/*) from this tsconfig.
process.env.SWC_NODE_PROJECT = path.resolve(__dirname, '..', 'tsconfig.json');
require('@swc-node/register');
require(path.resolve(__dirname, '..', 'apps', 'cli', 'src', 'main.ts'));
