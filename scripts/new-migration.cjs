#!/usr/bin/env node
// `npm run migration:new -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with
// the SQL that takes the database from the existing migrations to prisma/schema.prisma.
// `prisma migrate dev` cannot run here (it downloads the schema engine), but `migrate diff` works
// offline between two schema files. Triggers and other SQL Prisma does not model are added by
// hand to the generated file.
const { spawnSync } = require('node:child_process');
const { mkdirSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run migration:new -- <name_in_snake_case>');
  process.exit(2);
}
// The schema the existing migrations produce is the committed one (HEAD); the diff is from it to
// the working copy. (`--from-url` is refused when prisma.config.ts defines an adapter.)
const head = spawnSync('git', ['show', 'HEAD:prisma/schema.prisma'], { cwd: root, encoding: 'utf8' });
if (head.status !== 0) {
  console.error(head.stderr);
  process.exit(1);
}
const from = join(tmpdir(), `kordon-schema-head-${process.pid}.prisma`);
writeFileSync(from, head.stdout);
try {
  const diff = spawnSync(
    process.execPath,
    [join(root, 'node_modules/prisma/build/index.js'), 'migrate', 'diff', '--from-schema-datamodel', from, '--to-schema-datamodel', 'prisma/schema.prisma', '--script'],
    // With an adapter in prisma.config.ts the CLI connects even for a schema-to-schema diff.
    { cwd: root, encoding: 'utf8', env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/test' } },
  );
  if (diff.status !== 0) throw new Error(diff.stderr || diff.stdout);
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const dir = join(root, 'prisma/migrations', `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'migration.sql'), diff.stdout);
  console.log(`wrote ${join('prisma/migrations', `${stamp}_${name}`, 'migration.sql')}`);
} finally {
  rmSync(from, { force: true });
}
