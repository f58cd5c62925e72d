// `npm run db:migrate`: applies prisma/migrations to DATABASE_URL (what the API does at start).
import { applyMigrations } from './migrator';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write('DATABASE_URL is not set\n');
    process.exit(2);
  }
  const r = await applyMigrations(url);
  process.stdout.write(`migrations: ${r.applied.length} applied (${r.applied.join(', ') || 'none'}), ${r.alreadyApplied} already in place\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`migration failed: ${err.message}\n`);
  process.exit(1);
});
