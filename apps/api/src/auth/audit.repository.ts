import { Injectable } from '@nestjs/common';
import type { Prisma } from '@prisma/client';
import { PrismaService } from '../prisma/prisma.service';

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(entry: { actor: string; action: string; target: string | null; details?: Prisma.InputJsonValue }): Promise<void> {
    await this.prisma.auditLog.create({ data: { ...entry, details: entry.details ?? undefined } });
  }

  /** Newest first; keyset on the id (ids only grow). */
  list(take: number, beforeId?: bigint) {
    return this.prisma.auditLog.findMany({
      where: beforeId !== undefined ? { id: { lt: beforeId } } : {},
      orderBy: { id: 'desc' },
      take,
    });
  }
}
