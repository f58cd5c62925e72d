// Prisma CLI configuration. `engine: 'js'` with the pg driver adapter keeps `prisma generate`
// from downloading the Rust schema engine (our machines cannot reach Prisma's binary host).
// Migrations are still applied by apps/api/src/prisma/migrator.ts, not by `prisma migrate`.
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/kordon' }),
});
