// Reads the change counters that database triggers bump at every commit: `fleet` (any cluster or
// snapshot), `cluster:<id>` (that cluster's row or snapshots) and `auth` (API tokens); see the
// change_version migrations. A scope without a row has never changed: 0.
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

@Injectable()
export class ChangeVersionRepository {
  constructor(private readonly prisma: PrismaService) {}

  async read(scopes: string[]): Promise<Map<string, string>> {
    const rows = await this.prisma.read<{ scope: string; version: bigint }[]>`
      SELECT scope, version FROM change_version WHERE scope = ANY(${scopes}::text[])`;
    const out = new Map(scopes.map((s) => [s, '0']));
    for (const r of rows) out.set(r.scope, String(r.version));
    return out;
  }
}
