// `prisma generate` reads the schema's datasource URL even though it never connects; give it a
// placeholder when DATABASE_URL is unset (the embedded default picks the real one at start).
const { execFileSync } = require('node:child_process');
const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL || 'postgresql://localhost:5432/kordon' };
execFileSync(process.execPath, [require.resolve('prisma/build/index.js'), 'generate', '--no-hints'], { stdio: 'inherit', env });
