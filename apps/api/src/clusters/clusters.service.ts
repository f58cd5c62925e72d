// Registering clusters and presenting them with their latest posture. Secrets in a
// registration (an uploaded kubeconfig) are sealed before they reach the repository.
import { Inject, Injectable } from '@nestjs/common';
import type { Cluster, Prisma } from '@prisma/client';
import type { ClusterSummary, Page, PolicyEngineName, PostureSummary, SnapshotSummary } from '@kordon/contracts';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { decodeCursor, encodeCursor } from '../common/cursor';
import { KordonErrorCode, KordonException } from '../common/kordon.exception';
import { SECRET_BOX } from '../secrets/secrets.module';
import type { SecretBox } from '../secrets/secret-box';
import { SnapshotsRepository } from '../snapshots/snapshots.repository';
import { ClustersRepository, type NewCluster } from './clusters.repository';
import { checkUploadedKubeconfig } from './kubeconfig-policy';
import { collectFromManifestText } from '@kordon/collectors';
import type { ListClustersQuery, RegisterClusterDto, UpdateClusterDto } from './dto/register-cluster.dto';

const ENGINES: PolicyEngineName[] = ['azure', 'calico', 'cilium', 'none', 'unknown'];

@Injectable()
export class ClustersService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    private readonly clusters: ClustersRepository,
    private readonly snapshots: SnapshotsRepository,
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

  async register(dto: RegisterClusterDto, extra: Partial<NewCluster> = {}): Promise<ClusterSummary> {
    const created = await this.clusters.create(this.toNewCluster(dto, extra));
    if (!created) throw new KordonException(KordonErrorCode.ClusterNameTaken, `a cluster named "${dto.name}" already exists`);
    return (await this.summarize([created], new Date()))[0];
  }

  async list(q: ListClustersQuery): Promise<Page<ClusterSummary>> {
    const limit = q.limit ?? 50;
    const after = decodeCursor(q.cursor, 1);
    const rows = await this.clusters.list(limit + 1, after ? String(after[0]) : undefined, {
      ...(q.environment ? { environment: q.environment } : {}),
      ...(q.team ? { team: q.team } : {}),
    });
    const page = rows.slice(0, limit);
    return {
      items: await this.summarize(page, new Date()),
      nextCursor: rows.length > limit ? encodeCursor([page[page.length - 1].name]) : null,
    };
  }

  async get(id: string): Promise<ClusterSummary> {
    return (await this.summarize([await this.require(id)], new Date()))[0];
  }

  async require(id: string): Promise<Cluster> {
    const cluster = await this.clusters.findById(id);
    if (!cluster) throw new KordonException(KordonErrorCode.ClusterNotFound, `cluster ${id} not found`);
    return cluster;
  }

  async update(id: string, dto: UpdateClusterDto): Promise<ClusterSummary> {
    await this.require(id);
    const updated = await this.clusters.update(id, { ...dto });
    return (await this.summarize([updated], new Date()))[0];
  }

  /** Soft delete: the cluster disappears from lists; its snapshots stay as history. */
  async remove(id: string): Promise<void> {
    const cluster = await this.require(id);
    await this.clusters.update(id, { deletedAt: new Date(), enabled: false, name: `${cluster.name}~deleted~${Date.now()}` });
  }

  private async summarize(clusters: Cluster[], now: Date): Promise<ClusterSummary[]> {
    const ids = clusters.map((c) => c.id);
    const [latest, good] = await Promise.all([this.snapshots.latestByCluster(ids), this.snapshots.latestSucceededByCluster(ids)]);
    const latestBy = new Map(latest.map((r) => [r.cluster_id, r]));
    const goodBy = new Map(good.map((r) => [r.cluster_id, r]));
    return clusters.map((c) => {
      const l = latestBy.get(c.id);
      const g = goodBy.get(c.id);
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
        networkPlugin: (g?.network_profile?.networkPlugin as string | undefined) ?? null,
        lastSnapshot,
        posture: g?.posture ? ({ ...(g.posture as object), snapshotId: g.id, takenAt: g.started_at.toISOString() } as PostureSummary) : null,
        stale: c.enabled && (!g || now.getTime() - g.started_at.getTime() > staleAfterMs),
      };
    });
  }
}
