// Posture exceptions in PostgreSQL: the only file of the module that touches Prisma.
import { Injectable } from '@nestjs/common';
import type { ExceptionStatus, PostureException, Prisma } from '@prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../prisma/transaction';

export type ExceptionRow = PostureException;

export interface ExceptionListFilter {
  clusterId?: string;
  status?: ExceptionStatus;
  /** true: approved and expiring after `now`; false: the others. */
  inForce?: boolean;
  now: Date;
  take: number;
}

export interface NewException {
  clusterId: string;
  namespace: string | null;
  workload: string | null;
  ruleId: string | null;
  direction: string | null;
  justification: string;
  owner: string;
  requestedBy: string;
  expiresAt: Date;
}

@Injectable()
export class ExceptionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  createIn(tx: Tx, data: NewException): Promise<ExceptionRow> {
    return tx.postureException.create({ data });
  }

  findById(id: string, tx?: Tx): Promise<ExceptionRow | null> {
    return (tx ?? this.prisma).postureException.findUnique({ where: { id } });
  }

  /**
   * Moves the exception from one of `from` to `status`, only if it still is in one of them (two
   * approvers at once: one wins, the other sees the new status). Null when it was not.
   */
  async decideIn(tx: Tx, id: string, from: ExceptionStatus[], data: { status: ExceptionStatus; decidedBy: string; decidedAt: Date; decisionNote: string | null }): Promise<ExceptionRow | null> {
    const { count } = await tx.postureException.updateMany({ where: { id, status: { in: from } }, data });
    return count === 1 ? tx.postureException.findUnique({ where: { id } }) : null;
  }

  list(f: ExceptionListFilter): Promise<ExceptionRow[]> {
    const inForce: Prisma.PostureExceptionWhereInput = { status: 'approved', expiresAt: { gt: f.now } };
    const where: Prisma.PostureExceptionWhereInput = {
      ...(f.clusterId ? { clusterId: f.clusterId } : {}),
      ...(f.status ? { status: f.status } : {}),
      ...(f.inForce === true ? inForce : f.inForce === false ? { NOT: inForce } : {}),
    };
    return this.prisma.postureException.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], take: f.take });
  }

  /**
   * Exceptions in force at `at` for one cluster or the fleet (null): approved by then and
   * expiring after it. Past times see today's status: one revoked since reads as never approved.
   */
  inForce(clusterId: string | null, at: Date): Promise<ExceptionRow[]> {
    // Raw SQL: every posture and findings read asks this, and Prisma's per-call query compilation
    // cost more CPU than the (usually empty) answer.
    return this.prisma.read<ExceptionRow[]>`
      SELECT id::text AS id, cluster_id::text AS "clusterId", namespace, workload, rule_id AS "ruleId", direction, justification, owner,
             requested_by AS "requestedBy", status::text AS status, decided_by AS "decidedBy", decided_at AS "decidedAt",
             decision_note AS "decisionNote", expires_at AS "expiresAt", created_at AS "createdAt"
      FROM posture_exception
      WHERE (${clusterId}::uuid IS NULL OR cluster_id = ${clusterId}::uuid) AND status = 'approved' AND expires_at > ${at} AND decided_at <= ${at}
      ORDER BY id`;
  }

  async clusterNames(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.cluster.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, name: true } });
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}
