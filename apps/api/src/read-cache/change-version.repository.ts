// Reads the change counters that database triggers bump at every commit touching clusters and
// snapshots (`fleet`) or API tokens (`auth`); see the change_version migration.
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

export interface ChangeVersionsRow {
  fleet: string;
  auth: string;
}

@Injectable()
export class ChangeVersionRepository {
  constructor(private readonly prisma: PrismaService) {}

  async read(): Promise<ChangeVersionsRow> {
    const rows = await this.prisma.$queryRaw<{ scope: string; version: bigint }[]>`SELECT scope, version FROM change_version`;
    const by = new Map(rows.map((r) => [r.scope, String(r.version)]));
    return { fleet: by.get('fleet') ?? '0', auth: by.get('auth') ?? '0' };
  }
}
