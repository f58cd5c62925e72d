// Owns rollout targets: their CRUD (audited, in one transaction with the write) and their progress
// from the fleet history (daily shares of namespaces with default-deny in the scope) with a
// least-squares projection to the due date.
import { Injectable } from '@nestjs/common';
import type { FleetHistory, RolloutTargetView, TargetProgress, TargetProgressPoint, TargetScopeKind } from '@kordon/contracts';
import type { RolloutTarget } from '@prisma/client';
import { AuditService } from '../auth/audit.service';
import { currentRequestContext } from '../common/request-context';
import { TargetErrorCode, TargetException } from './targets.exception';
import { HistoryService } from '../history/history.service';
import { PrismaService } from '../prisma/prisma.service';
import { cacheUntil } from '../read-cache/cache-hints';
import type { CreateTargetDto, UpdateTargetDto } from './dto/targets.dto';
import { summarize } from './projection';
import { UUID } from '../common/uuid';

const DAY = 86_400_000;
const LOOKBACK_DAYS = 90;

@Injectable()
export class TargetsService {
  constructor(private readonly prisma: PrismaService, private readonly audit: AuditService, private readonly history: HistoryService) {}

  async list(now = new Date()): Promise<{ items: RolloutTargetView[] }> {
    const rows = await this.prisma.rolloutTarget.findMany({ orderBy: [{ dueDate: 'asc' }, { id: 'asc' }] });
    const items: RolloutTargetView[] = [];
    for (const r of rows) items.push(await this.view(r, now));
    // Projections move with the day.
    cacheUntil(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)));
    return { items };
  }

  async progress(id: string, now = new Date()): Promise<TargetProgress> {
    const r = await this.require(id);
    const points = await this.points(r, now);
    const summary = summarize(points, { share: r.share, dueDate: r.dueDate }, now);
    const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())).toISOString().slice(0, 10);
    cacheUntil(new Date(Date.parse(today) + DAY));
    return {
      targetId: r.id,
      ...summary,
      points,
      projection: summary.current === null ? [] : [{ day: today, share: summary.current }, { day: r.dueDate.toISOString().slice(0, 10), share: summary.projectedAtDue ?? summary.current }],
    };
  }

  async create(dto: CreateTargetDto, now = new Date()): Promise<RolloutTargetView> {
    const scopeValue = await this.checkScope(dto.scopeKind, dto.scopeValue ?? '');
    const due = new Date(dto.dueDate);
    if (due.getTime() <= now.getTime()) throw this.invalid(`dueDate ${dto.dueDate} is not in the future`);
    const row = await this.audit.transaction(async (tx) => {
      const created = await tx.rolloutTarget.create({
        data: { scopeKind: dto.scopeKind, scopeValue, direction: dto.direction, share: dto.share, dueDate: due, note: dto.note ?? null, createdBy: currentRequestContext()?.actor?.name ?? 'unknown' },
      });
      await this.audit.record(tx, 'target.create', created.id, { scopeKind: created.scopeKind, scopeValue, direction: created.direction, share: created.share, dueDate: created.dueDate.toISOString() });
      return created;
    });
    return this.view(row, now);
  }

  async update(id: string, dto: UpdateTargetDto, now = new Date()): Promise<RolloutTargetView> {
    await this.require(id);
    const row = await this.audit.transaction(async (tx) => {
      const updated = await tx.rolloutTarget.update({
        where: { id },
        data: { ...(dto.share !== undefined ? { share: dto.share } : {}), ...(dto.dueDate ? { dueDate: new Date(dto.dueDate) } : {}), ...(dto.note !== undefined ? { note: dto.note } : {}) },
      });
      await this.audit.record(tx, 'target.update', id, { ...dto });
      return updated;
    });
    return this.view(row, now);
  }

  async remove(id: string): Promise<void> {
    await this.require(id);
    await this.audit.transaction(async (tx) => {
      await tx.rolloutTarget.delete({ where: { id } });
      await this.audit.record(tx, 'target.delete', id);
    });
  }

  private invalid(message: string): TargetException {
    return new TargetException(TargetErrorCode.Invalid, message);
  }

  private async require(id: string): Promise<RolloutTarget> {
    const r = await this.prisma.rolloutTarget.findUnique({ where: { id } });
    if (!r) throw new TargetException(TargetErrorCode.NotFound, `no rollout target ${id}`);
    return r;
  }

  /** The scope must name something that exists: a live cluster, an environment or team some cluster has. */
  private async checkScope(kind: TargetScopeKind, value: string): Promise<string> {
    if (kind === 'fleet') {
      if (value) throw this.invalid('a fleet target takes no scopeValue');
      return '';
    }
    if (!value) throw this.invalid(`a ${kind} target needs scopeValue (the ${kind === 'cluster' ? 'cluster id' : `${kind} name`})`);
    if (kind === 'cluster') {
      if (!UUID.test(value) || !(await this.prisma.cluster.findFirst({ where: { id: value, deletedAt: null } }))) throw this.invalid(`no cluster ${value}`);
      return value;
    }
    const found = await this.prisma.cluster.findFirst({ where: { deletedAt: null, ...(kind === 'environment' ? { environment: value } : { team: value }) } });
    if (!found) throw this.invalid(`no cluster has ${kind} ${JSON.stringify(value)}`);
    return value;
  }

  private async scopeName(r: RolloutTarget): Promise<string> {
    if (r.scopeKind === 'fleet') return 'Fleet';
    if (r.scopeKind === 'cluster') return (await this.prisma.cluster.findUnique({ where: { id: r.scopeValue }, select: { name: true } }))?.name ?? r.scopeValue;
    return `${r.scopeKind} ${r.scopeValue}`;
  }

  private async view(r: RolloutTarget, now: Date): Promise<RolloutTargetView> {
    const points = await this.points(r, now);
    return {
      id: r.id,
      scopeKind: r.scopeKind as TargetScopeKind,
      scopeValue: r.scopeValue,
      scopeName: await this.scopeName(r),
      direction: r.direction as 'ingress' | 'egress',
      share: r.share,
      dueDate: r.dueDate.toISOString(),
      note: r.note,
      createdBy: r.createdBy,
      createdAt: r.createdAt.toISOString(),
      progress: summarize(points, { share: r.share, dueDate: r.dueDate }, now),
    };
  }

  /** Daily shares in the scope over the last 90 days (from the fleet history, its carry-forward rule included). */
  private async points(r: RolloutTarget, now: Date): Promise<TargetProgressPoint[]> {
    const from = new Date(Math.min(now.getTime() - LOOKBACK_DAYS * DAY, r.createdAt.getTime()));
    const q = {
      from: from.toISOString(),
      to: now.toISOString(),
      bucket: 'day' as const,
      groupBy: r.scopeKind === 'cluster' ? ('cluster' as const) : ('environment' as const),
      ...(r.scopeKind === 'environment' ? { environment: r.scopeValue } : {}),
      ...(r.scopeKind === 'team' ? { team: r.scopeValue } : {}),
    };
    const h: FleetHistory = await this.history.fleet(q);
    const series = r.scopeKind === 'cluster' ? h.series.filter((s) => s.key === r.scopeValue) : h.series;
    const byDay = new Map<string, { namespaces: number; dd: number }>();
    for (const s of series) {
      for (const p of s.points) {
        const day = p.bucket.slice(0, 10);
        const acc = byDay.get(day) ?? { namespaces: 0, dd: 0 };
        acc.namespaces += p.namespaces;
        acc.dd += r.direction === 'ingress' ? p.defaultDenyIngress : p.defaultDenyEgress;
        byDay.set(day, acc);
      }
    }
    return [...byDay].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, v]) => ({ day, share: v.namespaces ? v.dd / v.namespaces : null, namespaces: v.namespaces, withDefaultDeny: v.dd }));
  }
}
