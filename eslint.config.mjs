// Lint for the whole workspace. The module-boundaries rule is what keeps the engine pure and the
// web app away from the database: tags live in each project.json.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

const frameworkAndIo = [
  '@prisma/*', '@nestjs/*', '@kubernetes/client-node', '@azure/*', 'react', 'react-dom', 'next', 'next/*',
  'pg', 'pg-boss', 'fs', 'fs/*', 'node:*', 'http', 'https', 'net', 'child_process',
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.next/**', '.kordon/**', '.nx/**', 'artifacts/**', '**/next-env.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs', '**/*.cjs'],
    plugins: { '@nx': nx },
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-require-imports': 'off',
      '@nx/enforce-module-boundaries': ['error', {
        enforceBuildableLibDependency: false,
        allow: [],
        depConstraints: [
          { sourceTag: 'type:engine', onlyDependOnLibsWithTags: [], bannedExternalImports: frameworkAndIo },
          { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [], bannedExternalImports: frameworkAndIo },
          { sourceTag: 'type:collectors', onlyDependOnLibsWithTags: ['type:engine'], bannedExternalImports: ['@prisma/*', '@nestjs/*', 'react', 'next', 'next/*'] },
          { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['type:contracts'], bannedExternalImports: ['@prisma/*', 'pg', 'pg-boss', '@kubernetes/client-node', '@azure/*', '@nestjs/*'] },
          { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['type:engine', 'type:collectors', 'type:contracts'] },
          { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['type:engine', 'type:collectors'], bannedExternalImports: ['@prisma/*', '@nestjs/*', 'pg', 'pg-boss', 'react', 'next', 'next/*'] },
        ],
      }],
    },
  },
  {
    // The engine reads no clock: the caller passes time in.
    files: ['libs/policy-engine/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/testing/**'],
    rules: {
      'no-restricted-globals': ['error', { name: 'Date', message: 'The engine reads no clock; take time as input.' }, 'process', 'fetch', 'setTimeout', 'setInterval'],
      'no-restricted-properties': ['error', { object: 'performance', property: 'now', message: 'No clock reads in the engine.' }],
    },
  },
);
