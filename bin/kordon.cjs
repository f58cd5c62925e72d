#!/usr/bin/env node
// `kordon` (the root package's bin). Runs the compiled CLI (dist/cli/src/main.js, one file that
// `npm install`, `npm run build` or `npm start` writes) when it was built from the sources on
// disk now; otherwise (no build yet, or a source edited since) the TypeScript sources through
// swc-node, as in development: slower to start (seconds), same behaviour. KORDON_CLI_SOURCE=1
// forces the sources. Paths are resolved from this file, not the working directory, so
// `npx kordon` and `node /path/to/bin/kordon.cjs` work from anywhere.
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function compiledCli() {
  if (process.env.KORDON_CLI_SOURCE === '1') return null;
  try {
    const build = require(path.join(root, 'scripts', 'build.cjs'));
    return build.isFresh() ? path.join(build.distDir, 'cli', 'src', 'main.js') : null;
  } catch {
    return null; // an installed copy without the build script: the sources
  }
}

const compiled = compiledCli();
if (compiled) {
  require(compiled);
} else {
  // swc-node reads the path aliases (@kordon/*) from this tsconfig.
  process.env.SWC_NODE_PROJECT = path.join(root, 'tsconfig.json');
  require('@swc-node/register');
  require(path.join(root, 'apps', 'cli', 'src', 'main.ts'));
}
