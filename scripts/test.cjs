#!/usr/bin/env node
// `npm test`: lint (with Nx module boundaries), typecheck, then every test (engine, collectors
// against fake servers, API through HTTP against a real PostgreSQL, browser) in one vitest run.
// Prints the closing line `N passed, N failed` that CI reads.
const { spawnSync } = require('node:child_process');
const { mkdirSync, readFileSync, existsSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
// Package bins by path: several packages do not export their bin files.
const bin = (pkg, path) => join(root, 'node_modules', pkg, path);
const env = { ...process.env, NX_DAEMON: 'false', NEXT_TELEMETRY_DISABLED: '1' };

function step(name, args) {
  console.log(`\n[test] ${name}`);
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`[test] ${name} failed`);
    console.log('0 passed, 1 failed');
    process.exit(r.status || 1);
  }
}

// The module-boundaries rule reads Nx's project graph; compute it first or the rule is skipped.
step('nx project graph', [bin('nx', 'dist/bin/nx.js'), 'show', 'projects']);
step('lint', [bin('eslint', 'bin/eslint.js'), '.', '--max-warnings=0']);
step('typecheck api + libs', [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);
step('typecheck web', [bin('typescript', 'bin/tsc'), '-p', 'apps/web/tsconfig.json', '--noEmit']);

mkdirSync(join(root, 'artifacts'), { recursive: true });
const report = join(root, 'artifacts/vitest.json');
console.log('\n[test] vitest');
const extra = process.argv.slice(2);
const r = spawnSync(
  process.execPath,
  [bin('vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra],
  { cwd: root, stdio: 'inherit', env },
);
let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests ?? 0;
  failed = (json.numFailedTests ?? 0) + (r.status !== 0 && !json.numFailedTests ? 1 : 0);
} else if (r.status !== 0) {
  failed = 1;
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(r.status === 0 && failed === 0 ? 0 : r.status || 1);
