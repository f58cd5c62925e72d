import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const __dirname = dirname(fileURLToPath(import.meta.url));

// One test runner for every project. SWC keeps Nest's decorator metadata; the database is
// provided by apps/api/test/global-setup.ts.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: {
    alias: {
      '@kordon/policy-engine': resolve(__dirname, 'libs/policy-engine/src/index.ts'),
      '@kordon/collectors/testing': resolve(__dirname, 'libs/collectors/src/testing/index.ts'),
      '@kordon/collectors': resolve(__dirname, 'libs/collectors/src/index.ts'),
      '@kordon/contracts': resolve(__dirname, 'libs/contracts/src/index.ts'),
    },
  },
  test: {
    include: ['apps/**/*.spec.ts', 'apps/**/*.e2e-spec.ts', 'libs/**/*.spec.ts', 'test/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
    exclude: ['**/node_modules/**', '**/.next/**'],
    globalSetup: ['apps/api/test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits for what a user would wait for: a server re-render on a loaded CI machine
    // can take more than vitest's default second (the cluster page's pager failed so in CI).
    expect: { poll: { timeout: 15_000 } },
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
