// Registering clusters and presenting them with their latest posture. Secrets in a
// registration (an uploaded kubeconfig) are sealed before they reach the repository. Every
// change (register, update, delete) commits in one transaction with its audit entry.
import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { Cluster, Prisma } from '@prisma/client';
import type { ClusterSortField, ClusterSummary, Page, PolicyEngineName, PostureSummary, SnapshotJobAccepted, SnapshotSummary } from '@kordon/contracts';
import { AuditService } from '../auth/audit.service';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { decodeSortCursor, encodeSortCursor } from '../common/cursor';
import { KordonErrorCode, KordonException } from '../common/kordon.exception';
import { SECRET_BOX } from '../secrets/secrets.module';
import type { SecretBox } from '../secrets/secret-box';
import type { Tx } from '../prisma/transaction';
import { SnapshotQueue } from '../snapshots/snapshot.queue';
import { SnapshotsRepository } from '../snapshots/snapshots.repository';
import { ClustersRepository, type ClusterWithSnapshotsRow, type NewCluster } from './clusters.repository';
import { checkUploadedKubeconfig } from './kubeconfig-policy';
import { collectFromManifestText } from '@kordon/collectors';
import { CLUSTER_SORTS, type ListClustersQuery, type RegisterClusterDto, type UpdateClusterDto } from './dto/register-cluster.dto';
import { cacheUntil } from '../read-cache/cache-hints';
import { compareSortKeys, type SortKey } from '../common/sort-key';

const ENGINES: PolicyEngineName[] = ['azure', 'calico', 'cilium', 'none', 'unknown'];

/** Clusters registered together (a discovery, the configured kubeconfig contexts). */
export interface ClusterBatch {
  clusters: NewCluster[];
  /** How they were found, recorded on each one's audit entry: `discovery`, `kubeconfig`. */
  via: string;
  /** The entry of the request that asked for them (an API discovery), written even when none is new. */
  request?: { action: string; details: object };
}

@Injectable()
export class ClustersService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    private readonly clusters: ClustersRepository,
    private readonly snapshots: SnapshotsRepository,
    private readonly audit: AuditService,
    private readonly queue: SnapshotQueue,
  ) {}

  toNewCluster(dto: RegisterClusterDto, extra: Partial<NewCluster> = {}): NewCluster {
    const base = {
      name: dto.name,
      environment: dto.environment ?? null,
      team: dto.team ?? null,
      labels: dto.labels ?? {},
      scheduleMinutes: dto.scheduleMinutes ?? this.config.KORDON_SCHEDULE_MINUTES,
      ...extra,
    };
    switch (dto.source) {
      case 'kubeconfig': {
        if (Boolean(dto.kubeconfig) === Boolean(dto.kubeconfigPath)) {
          throw new KordonException(KordonErrorCode.InvalidSource, 'source kubeconfig needs exactly one of kubeconfig (uploaded YAML) or kubeconfigPath (a file on the API host)');
        }
        const problems = dto.kubeconfig ? checkUploadedKubeconfig(dto.kubeconfig, dto.context) : [];
        if (problems.length) throw new KordonException(KordonErrorCode.InvalidSource, problems.join('; '), problems);
        return {
          ...base,
          source: 'kubeconfig',
          sourceConfig: { kubeconfigPath: dto.kubeconfig ? undefined : dto.kubeconfigPath, context: dto.context, uploaded: Boolean(dto.kubeconfig) } as Prisma.InputJsonValue,
          secretSealed: dto.kubeconfig ? this.secrets.seal(dto.kubeconfig) : null,
        };
      }
      case 'aks':
        return { ...base, source: 'aks', sourceConfig: { subscriptionId: dto.subscriptionId!, resourceGroup: dto.resourceGroup!, clusterName: dto.clusterName! } };
      case 'manifests':
        if (dto.files && dto.paths) {
          throw new KordonException(KordonErrorCode.InvalidSource, 'source manifests needs either paths (on the API host) or files (uploaded), not both');
        }
        if (dto.files) {
          // Uploaded manifests are checked now, so a bad upload is a 400, not a failed snapshot later.
          const problems = collectFromManifestText(dto.files).problems.filter((p) => p.severity === 'error');
          if (problems.length) throw new KordonException(KordonErrorCode.InvalidSource, problems.map((p) => p.message).join('; '), problems);
          return { ...base, source: 'manifests', sourceConfig: { files: dto.files.map((f) => ({ name: f.name, text: f.text })) } };
        }
        return { ...base, source: 'manifests', sourceConfig: { paths: dto.paths! } };
    }
  }

  /** Registers one cluster (API, demo fleet); audited as the caller, or `system` outside a request. */
  async register(dto: RegisterClusterDto, extra: Partial<NewCluster> = {}): Promise<ClusterSummary> {
    const data = this.toNewCluster(dto, extra);
    const created = await this.audit.transaction(async (tx) => {
      const row = await this.clusters.create(data, tx);
      if (!row) throw new KordonException(KordonErrorCode.ClusterNameTaken, `a cluster named "${dto.name}" already exists`);
      await this.audit.record(tx, 'cluster.register', row.id, { name: row.name, source: row.source, ...(row.demo ? { demo: true } : {}) });
      return row;
    });
    return (await this.summarize([created], new Date()))[0];
  }

  /**
   * Registers the clusters of `batch` whose name is free, each with its own audit entry, and the
   * request's entry, all in one transaction. Names already taken are skipped, not errors.
   */
  async registerNew(batch: ClusterBatch): Promise<{ registered: string[]; skipped: string[] }> {
    if (!batch.clusters.length && !batch.request) return { registered: [], skipped: [] };
    return this.audit.transaction(async (tx) => {
      const registered: string[] = [];
      const skipped: string[] = [];
      for (const c of batch.clusters) {
        const row = await this.clusters.create(c, tx);
        if (!row) {
          skipped.push(c.name);
          continue;
        }
        registered.push(row.name);
        await this.audit.record(tx, 'cluster.register', row.id, { name: row.name, source: row.source, via: batch.via });
      }
      if (batch.request) await this.audit.record(tx, batch.request.action, null, { ...batch.request.details, registered });
      return { registered, skipped };
    });
  }

  async list(q: ListClustersQuery): Promise<Page<ClusterSummary>> {
    const limit = q.limit ?? 50;
    const sort = q.sort ?? 'name';
    const filter = { ...(q.environment ? { environment: q.environment } : {}), ...(q.team ? { team: q.team } : {}) };
    if (sort === 'name') {
      // By name: keyset-paged in SQL, only the page summarized.
      const c = decodeSortCursor(q.cursor, sort, CLUSTER_SORTS, 1);
      if (c && typeof c[0] !== 'string') throw new BadRequestException('cursor is not valid; use nextCursor from a previous page');
      const rows = await this.clusters.listWithSnapshots(limit + 1, c ? (c[0] as string) : undefined, filter);
      const page = rows.slice(0, limit);
      return {
        items: this.summarizeRows(page, new Date()),
        nextCursor: rows.length > limit ? encodeSortCursor(sort, [page[page.length - 1].name]) : null,
      };
    }
    // Any other order comes from the clusters' latest posture: the matching clusters (a fleet is
    // hundreds to a few thousand) are summarized together, sorted, then keyset-paged on
    // (value, name), so pages neither skip nor repeat while other clusters change.
    const c = decodeSortCursor(q.cursor, sort, CLUSTER_SORTS, 2);
    if (c && !((c[0] === null || typeof c[0] === 'string' || typeof c[0] === 'number') && typeof c[1] === 'string')) {
      throw new BadRequestException('cursor is not valid; use nextCursor from a previous page');
    }
    const field = (sort.startsWith('-') ? sort.slice(1) : sort) as ClusterSortField;
    const desc = sort.startsWith('-');
    const all = this.summarizeRows(await this.clusters.listWithSnapshots(MAX_FLEET, undefined, filter), new Date());
    const keyed = all.map((item) => ({ item, key: [sortValue(item, field), item.name] as SortKey })).sort((a, b) => compareSortKeys(a.key, b.key, desc));
    const after = c ? keyed.filter((k) => compareSortKeys(k.key, c as SortKey, desc) > 0) : keyed;
    const page = after.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((k) => k.item),
      nextCursor: after.length > limit ? encodeSortCursor(sort, last.key as (string | number)[]) : null,
    };
  }

  async get(id: string): Promise<ClusterSummary> {
    return (await this.summarize([await this.require(id)], new Date()))[0];
  }

  async require(id: string, tx?: Tx): Promise<Cluster> {
    const cluster = await this.clusters.findById(id, tx);
    if (!cluster) throw new KordonException(KordonErrorCode.ClusterNotFound, `cluster ${id} not found`);
    return cluster;
  }

  async update(id: string, dto: UpdateClusterDto): Promise<ClusterSummary> {
    const updated = await this.audit.transaction(async (tx) => {
      await this.require(id, tx);
      const row = await this.clusters.update(id, { ...dto }, tx);
      await this.audit.record(tx, 'cluster.update', id, { ...dto });
      return row;
    });
    return (await this.summarize([updated], new Date()))[0];
  }

  /** Soft delete: the cluster disappears from lists; its snapshots stay as history. */
  async remove(id: string): Promise<void> {
    await this.audit.transaction(async (tx) => {
      const cluster = await this.require(id, tx);
      await this.clusters.update(id, { deletedAt: new Date(), enabled: false, name: `${cluster.name}~deleted~${Date.now()}` }, tx);
      await this.audit.record(tx, 'cluster.delete', id, { name: cluster.name });
    });
  }

  /**
   * Queues a snapshot of the cluster now (POST /api/clusters/:id/snapshots). The job is a
   * pg-boss row written by pg-boss on its own connections, so it cannot share our transaction;
   * the audit entry is therefore committed FIRST and the job queued after it. No job exists
   * without its entry: if the entry fails nothing is queued (503); if queueing fails after it,
   * the log shows a request that queued nothing, which is true of the caller and harmless.
   */
  async requestSnapshot(id: string): Promise<SnapshotJobAccepted> {
    const cluster = await this.require(id);
    if (!cluster.enabled) throw new KordonException(KordonErrorCode.ClusterDisabled, `cluster ${cluster.name} is disabled`);
    await this.audit.recordAlone('snapshot.trigger', cluster.id, { name: cluster.name });
    const jobId = await this.queue.enqueue(cluster.id, 'manual');
    return { jobId, clusterId: cluster.id, alreadyQueued: jobId === null };
  }

  private async summarize(clusters: Cluster[], now: Date): Promise<ClusterSummary[]> {
    const ids = clusters.map((c) => c.id);
    const [latest, good] = await Promise.all([this.snapshots.latestByCluster(ids), this.snapshots.latestSucceededByCluster(ids)]);
    const latestBy = new Map(latest.map((r) => [r.cluster_id, r]));
    const goodBy = new Map(good.map((r) => [r.cluster_id, r]));
    return clusters.map((c) => {
      const g = goodBy.get(c.id);
      return present(c, latestBy.get(c.id), g && { ...g, network_plugin: g.network_profile?.networkPlugin }, now);
    });
  }

  /** `summarize` over rows that carry their snapshots already (ClustersRepository.listWithSnapshots). */
  private summarizeRows(rows: ClusterWithSnapshotsRow[], now: Date): ClusterSummary[] {
    return rows.map((r) =>
      present(
        r,
        r.l_id ? { id: r.l_id, status: r.l_status!, trigger: r.l_trigger!, started_at: r.l_started_at!, finished_at: r.l_finished_at, failure_reason: r.l_failure_reason } : undefined,
        r.g_id ? { id: r.g_id, started_at: r.g_started_at!, policy_engine: r.g_policy_engine, network_plugin: r.g_network_plugin, posture: r.g_posture } : undefined,
        now,
      ),
    );
  }
}

interface LatestSnapshot { id: string; status: string; trigger: string; started_at: Date; finished_at: Date | null; failure_reason: string | null }
interface GoodSnapshot { id: string; started_at: Date; policy_engine: string | null; network_plugin: unknown; posture: Record<string, unknown> | null }

/** A cluster as the list shows it, with its latest snapshot `l` and latest succeeded one `g`. */
function present(c: Cluster, l: LatestSnapshot | undefined, g: GoodSnapshot | undefined, now: Date): ClusterSummary {
  const engine = (g?.policy_engine ?? 'unknown') as PolicyEngineName;
  const lastSnapshot: SnapshotSummary | null = l
    ? {
        id: l.id,
        status: l.status as SnapshotSummary['status'],
        trigger: l.trigger as SnapshotSummary['trigger'],
        startedAt: l.started_at.toISOString(),
        finishedAt: l.finished_at?.toISOString() ?? null,
        failureReason: l.failure_reason,
      }
    : null;
  const staleAfterMs = 2 * c.scheduleMinutes * 60_000;
  // A cached answer holds until the first cluster in it turns stale.
  if (c.enabled && g && now.getTime() - g.started_at.getTime() <= staleAfterMs) cacheUntil(g.started_at.getTime() + staleAfterMs + 1);
  return {
    id: c.id,
    name: c.name,
    source: c.source,
    environment: c.environment,
    team: c.team,
    demo: c.demo,
    enabled: c.enabled,
    scheduleMinutes: c.scheduleMinutes,
    engine: ENGINES.includes(engine) ? engine : 'unknown',
    networkPlugin: (g?.network_plugin as string | undefined) ?? null,
    lastSnapshot,
    posture: g?.posture ? ({ ...(g.posture as object), snapshotId: g.id, takenAt: g.started_at.toISOString() } as PostureSummary) : null,
    stale: c.enabled && (!g || now.getTime() - g.started_at.getTime() > staleAfterMs),
  };
}

/** Most clusters one sorted list reads (the name order pages in SQL and has no limit). */
const MAX_FLEET = 10_000;


function sortValue(c: ClusterSummary, field: ClusterSortField): string | number | null {
  const p = c.posture;
  switch (field) {
    case 'name': return c.name;
    case 'environment': return c.environment;
    case 'team': return c.team;
    case 'coverage': return p ? (p.ingress.pods + p.egress.pods) / 2 : null;
    case 'ingressCoverage': return p ? p.ingress.pods : null;
    case 'egressCoverage': return p ? p.egress.pods : null;
    case 'findings': return p?.findings ? Object.values(p.findings).reduce((a, b) => a + b, 0) : null;
    case 'lastSnapshot': return c.lastSnapshot?.startedAt ?? null;
  }
}
