// Posture exceptions: requested by the security team, approved or rejected by someone other than
// the requester, revocable; in force while approved and not expired. Expiry needs no job: the
// readers (findings, posture) ask `inForce` at read time, and answers built on exceptions are
// cached only until the next one expires. Every change commits with its audit entry.
import { BadRequestException, Injectable } from '@nestjs/common';
import type { ExceptionStatus } from '@prisma/client';
import { FINDING_RULES } from '@kordon/policy-engine';
import type { ExceptionDirection, ExceptionsPage, PostureExceptionView } from '@kordon/contracts';
import { AuditService, SYSTEM_ACTOR } from '../auth/audit.service';
import { ClustersService } from '../clusters/clusters.service';
import { currentRequestContext } from '../common/request-context';
import { cacheUntil } from '../read-cache/cache-hints';
import type { CreateExceptionDto, ListExceptionsQuery } from './dto/exceptions.dto';
import { isInForce, nextExpiry, type ExceptionRule } from './exception-match';
import { ExceptionNotFoundException, ExceptionStatusException, SelfApprovalException } from './exceptions.exception';
import { ExceptionsRepository, type ExceptionRow } from './exceptions.repository';

const DAY_MS = 86_400_000;
/** The longest an exception may run before it must be requested again. */
export const MAX_EXCEPTION_DAYS = 366;
const RULE_IDS = new Set(FINDING_RULES.map((r) => r.id));

function view(r: ExceptionRow, clusterName: string, now: Date): PostureExceptionView {
  return {
    id: r.id,
    cluster: { id: r.clusterId, name: clusterName },
    namespace: r.namespace,
    workload: r.workload,
    ruleId: r.ruleId,
    direction: (r.direction as ExceptionDirection | null) ?? null,
    justification: r.justification,
    owner: r.owner,
    requestedBy: r.requestedBy,
    status: r.status,
    decidedBy: r.decidedBy,
    decidedAt: r.decidedAt?.toISOString() ?? null,
    decisionNote: r.decisionNote,
    expiresAt: r.expiresAt.toISOString(),
    createdAt: r.createdAt.toISOString(),
    inForce: isInForce(r, now),
  };
}

/** The caller as the audit log names them (token name or `oidc:<sub>`). */
function caller(): string {
  return currentRequestContext()?.actor?.name ?? SYSTEM_ACTOR;
}

function bad(field: string, message: string): BadRequestException {
  return new BadRequestException({ message, details: [{ field, message }] });
}

@Injectable()
export class ExceptionsService {
  constructor(private readonly repo: ExceptionsRepository, private readonly clusters: ClustersService, private readonly audit: AuditService) {}

  async request(dto: CreateExceptionDto, now = new Date()): Promise<PostureExceptionView> {
    const ruleId = dto.ruleId ?? null;
    const direction = dto.direction ?? null;
    if ((ruleId === null) === (direction === null)) throw bad('ruleId', 'give exactly one of ruleId (a finding rule) or direction (ingress or egress)');
    if (ruleId !== null && !RULE_IDS.has(ruleId)) throw bad('ruleId', `ruleId ${ruleId} is not a rule of GET /api/findings/rules`);
    const namespace = dto.namespace ?? null;
    const workload = dto.workload ?? null;
    if (workload !== null && namespace === null) throw bad('workload', 'workload needs the namespace it is in');
    const expiresAt = new Date(dto.expiresAt);
    if (Number.isNaN(expiresAt.getTime())) throw bad('expiresAt', 'expiresAt must be an ISO 8601 date-time');
    if (expiresAt.getTime() <= now.getTime()) throw bad('expiresAt', 'expiresAt must be in the future');
    if (expiresAt.getTime() > now.getTime() + MAX_EXCEPTION_DAYS * DAY_MS) throw bad('expiresAt', `expiresAt must be within ${MAX_EXCEPTION_DAYS} days`);
    const cluster = await this.clusters.require(dto.cluster);
    const requestedBy = caller();
    const row = await this.audit.transaction(async (tx) => {
      const created = await this.repo.createIn(tx, {
        clusterId: cluster.id, namespace, workload, ruleId, direction,
        justification: dto.justification, owner: dto.owner, requestedBy, expiresAt,
      });
      await this.audit.record(tx, 'exception.request', created.id, {
        cluster: cluster.name, clusterId: cluster.id, namespace, workload, ruleId, direction,
        owner: created.owner, expiresAt: created.expiresAt.toISOString(), justification: created.justification,
      });
      return created;
    });
    return view(row, cluster.name, now);
  }

  approve(id: string, note: string | undefined, now = new Date()): Promise<PostureExceptionView> {
    return this.decide(id, 'approve', ['pending'], 'approved', note, now);
  }

  reject(id: string, note: string | undefined, now = new Date()): Promise<PostureExceptionView> {
    return this.decide(id, 'reject', ['pending'], 'rejected', note, now);
  }

  /** Withdraws a pending or approved exception; the gap it covered reopens at once. */
  revoke(id: string, note: string | undefined, now = new Date()): Promise<PostureExceptionView> {
    return this.decide(id, 'revoke', ['pending', 'approved'], 'revoked', note, now);
  }

  private async decide(id: string, action: 'approve' | 'reject' | 'revoke', from: ExceptionStatus[], to: ExceptionStatus, note: string | undefined, now: Date): Promise<PostureExceptionView> {
    const by = caller();
    const row = await this.audit.transaction(async (tx) => {
      const current = await this.repo.findById(id, tx);
      if (!current) throw new ExceptionNotFoundException(id);
      // Four eyes: the requester cannot decide their own request (they may still withdraw it).
      if (action !== 'revoke' && current.requestedBy === by) throw new SelfApprovalException(action);
      if (!from.includes(current.status)) throw new ExceptionStatusException(id, past(action), current.status, from);
      if (action === 'approve' && current.expiresAt.getTime() <= now.getTime()) throw bad('expiresAt', `exception ${id} expired at ${current.expiresAt.toISOString()}: request a new one`);
      const updated = await this.repo.decideIn(tx, id, from, { status: to, decidedBy: by, decidedAt: now, decisionNote: note?.trim() || null });
      if (!updated) {
        const again = await this.repo.findById(id, tx);
        throw new ExceptionStatusException(id, past(action), again?.status ?? 'gone', from);
      }
      await this.audit.record(tx, `exception.${action}`, id, {
        clusterId: current.clusterId, from: current.status, to, requestedBy: current.requestedBy, ...(note?.trim() ? { note: note.trim() } : {}),
      });
      return updated;
    });
    const names = await this.repo.clusterNames([row.clusterId]);
    return view(row, names.get(row.clusterId) ?? row.clusterId, now);
  }

  async get(id: string, now = new Date()): Promise<PostureExceptionView> {
    const row = await this.repo.findById(id);
    if (!row) throw new ExceptionNotFoundException(id);
    const names = await this.repo.clusterNames([row.clusterId]);
    return view(row, names.get(row.clusterId) ?? row.clusterId, now);
  }

  async list(q: ListExceptionsQuery, now = new Date()): Promise<ExceptionsPage> {
    if (q.cluster) await this.clusters.require(q.cluster);
    const rows = await this.repo.list({ clusterId: q.cluster, status: q.status, inForce: q.inForce === undefined ? undefined : q.inForce === 'true', now, take: q.limit ?? 200 });
    const names = await this.repo.clusterNames(rows.map((r) => r.clusterId));
    return { items: rows.map((r) => view(r, names.get(r.clusterId) ?? r.clusterId, now)) };
  }

  /**
   * The exceptions in force for one cluster (or the fleet, with null) at `at`, or now when `at`
   * is not given. A read about now changes when the first of them expires: a cached answer is
   * kept only until then (a past time's answer does not move with the clock).
   */
  async inForce(clusterId: string | null, at?: Date): Promise<ExceptionRule[]> {
    const now = at ?? new Date();
    const rows = await this.repo.inForce(clusterId, now);
    if (!at) {
      const next = nextExpiry(rows, now);
      if (next) cacheUntil(next);
    }
    return rows;
  }
}

function past(action: 'approve' | 'reject' | 'revoke'): string {
  return action === 'approve' ? 'approved' : action === 'reject' ? 'rejected' : 'revoked';
}
