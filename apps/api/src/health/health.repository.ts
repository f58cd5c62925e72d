import { readdirSync } from 'node:fs';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';
import { MIGRATIONS_DIR } from '../prisma/migrator';

@Injectable()
export class HealthRepository {
  constructor(private readonly prisma: PrismaService) {}

  async databaseUp(): Promise<boolean> {
    try {
      await this.prisma.$queryRaw`SELECT 1`;
      return true;
    } catch {
      return false;
    }
  }

  /** The migrations of this build not applied to the database; null when they cannot be read. */
  async pendingMigrations(): Promise<{ applied: number; missing: string[] } | null> {
    try {
      const rows = await this.prisma.$queryRaw<{ migration_name: string }[]>`
        SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
      const done = new Set(rows.map((r) => r.migration_name));
      const shipped = readdirSync(MIGRATIONS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
      return { applied: shipped.filter((m) => done.has(m)).length, missing: shipped.filter((m) => !done.has(m)) };
    } catch {
      return null;
    }
  }
}
