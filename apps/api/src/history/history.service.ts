// Posture over time: per cluster and per namespace (one point per bucket: the last snapshot in
// it), and fleet roll-ups by environment, team or cluster for rollout progress.
import { Injectable } from '@nestjs/common';
import type {
  ClusterHistory, ClusterHistoryDirection, ClusterSummary, FleetClustersAt, FleetGroupBy, FleetGroupSummary, FleetHistory, FleetRollupPoint, FleetSeries, FleetSummary,
  FleetTotals, FindingSeverity, NamespaceHistory, NamespaceHistoryPoint, PolicyEngineName, PostureSummary, SnapshotSummary,
} from '@kordon/contracts';
import { ClustersService } from '../clusters/clusters.service';
import { parseInstant } from '../posture/query-input';
import type { FleetClustersQuery, FleetHistoryQuery, FleetSummaryQuery, HistoryQuery } from './dto/history.dto';
import { HistoryErrorCode, HistoryException } from './history.exception';
import { HistoryRepository, type FleetClusterAtRow, type FleetClusterRow, type FleetPointRow, type NamespacePointRow } from './history.repository';
import { cacheUntil, doNotCache } from '../read-cache/cache-hints';
import { JsonText } from '../common/json-text';
import { bucketStarts, resolveRange, type TimeRange } from './time-range';

const share = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
const NONE = '(none)';
const SEVERITIES: FindingSeverity[] = ['critical', 'high', 'medium', 'low', 'info'];
const ENGINES: PolicyEngineName[] = ['azure', 'calico', 'cilium', 'none', 'unknown'];

/** A cluster-list row as it stood at `judgedAt` (staleness is judged then, as the list does now). */
function clusterAt(r: FleetClusterAtRow, judgedAt: Date): ClusterSummary {
  const engine = (r.policy_engine ?? 'unknown') as PolicyEngineName;
  const lastSnapshot: SnapshotSummary | null = r.last_id
    ? {
        id: r.last_id,
        status: r.last_status as SnapshotSummary['status'],
        trigger: r.last_trigger as SnapshotSummary['trigger'],
        startedAt: r.last_started_at!.toISOString(),
        finishedAt: r.last_finished_at?.toISOString() ?? null,
        failureReason: r.last_failure_reason,
      }
    : null;
  const staleAfterMs = 2 * r.schedule_minutes * 60_000;
  const good = r.good_started_at;
  return {
    id: r.id,
    name: r.name,
    source: r.source as ClusterSummary['source'],
    environment: r.environment,
    team: r.team,
    demo: r.demo,
    enabled: r.enabled,
    scheduleMinutes: r.schedule_minutes,
    engine: ENGINES.includes(engine) ? engine : 'unknown',
    networkPlugin: r.network_plugin,
    lastSnapshot,
    posture: r.posture && r.good_id && good ? ({ ...r.posture, snapshotId: r.good_id, takenAt: good.toISOString() } as unknown as PostureSummary) : null,
    stale: r.enabled && (!good || judgedAt.getTime() - good.getTime() > staleAfterMs),
  };
}

interface StoredDirection { pods?: number; workloads?: number; namespacesWithDefaultDeny?: number }

function clusterDirection(d: StoredDirection | undefined, namespaces: number): ClusterHistoryDirection {
  const dd = d?.namespacesWithDefaultDeny ?? 0;
  return { podCoverage: d?.pods ?? null, workloadCoverage: d?.workloads ?? null, namespacesWithDefaultDeny: dd, defaultDenyShare: share(dd, namespaces) };
}

function namespacePoint(r: NamespacePointRow): NamespaceHistoryPoint {
  return {
    bucket: r.bucket.toISOString(),
    snapshotId: r.snapshot_id,
    takenAt: r.taken_at.toISOString(),
    excluded: r.excluded,
    pods: r.pods,
    workloads: r.workloads,
    policies: r.policies,
    ingress: {
      isolatedPods: r.ingress_isolated_pods, isolatedWorkloads: r.ingress_isolated_workloads,
      podCoverage: share(r.ingress_isolated_pods, r.pods), workloadCoverage: share(r.ingress_isolated_workloads, r.workloads),
      defaultDeny: r.default_deny_ingress, effectivelyIsolated: r.effectively_isolated_ingress,
    },
    egress: {
      isolatedPods: r.egress_isolated_pods, isolatedWorkloads: r.egress_isolated_workloads,
      podCoverage: share(r.egress_isolated_pods, r.pods), workloadCoverage: share(r.egress_isolated_workloads, r.workloads),
      defaultDeny: r.default_deny_egress, effectivelyIsolated: r.effectively_isolated_egress,
    },
  };
}

function groupKey(c: FleetClusterRow, by: FleetGroupBy): { key: string | null; name: string } {
  if (by === 'cluster') return { key: c.id, name: c.name };
  const v = by === 'environment' ? c.environment : c.team;
  return { key: v, name: v ?? NONE };
}

function emptyTotals(): FleetTotals {
  return {
    clusters: 0, enforcedClusters: 0, namespaces: 0, defaultDenyIngress: 0, defaultDenyEgress: 0, defaultDenyIngressShare: null,
    defaultDenyEgressShare: null, pods: 0, ingressIsolatedPods: 0, egressIsolatedPods: 0, ingressPodCoverage: null, egressPodCoverage: null,
    findings: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
  };
}

function withShares<T extends FleetTotals>(t: T): T {
  return {
    ...t,
    defaultDenyIngressShare: share(t.defaultDenyIngress, t.namespaces),
    defaultDenyEgressShare: share(t.defaultDenyEgress, t.namespaces),
    ingressPodCoverage: share(t.ingressIsolatedPods, t.pods),
    egressPodCoverage: share(t.egressIsolatedPods, t.pods),
  };
}

@Injectable()
export class HistoryService {
  constructor(private readonly repo: HistoryRepository, private readonly clusters: ClustersService) {}

  async cluster(clusterId: string, q: HistoryQuery): Promise<ClusterHistory> {
    const range = rangeOf(q);
    await this.clusters.require(clusterId);
    const rows = await this.repo.clusterPoints(clusterId, range.from, range.to, range.bucket);
    return {
      clusterId,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      bucket: range.bucket,
      points: rows.map((r) => {
        const p = (r.posture ?? {}) as { namespaces?: number; enforced?: boolean; ingress?: StoredDirection; egress?: StoredDirection };
        const namespaces = p.namespaces ?? 0;
        return {
          bucket: r.bucket.toISOString(),
          snapshotId: r.id,
          takenAt: r.started_at.toISOString(),
          namespaces,
          enforced: p.enforced ?? null,
          ingress: clusterDirection(p.ingress, namespaces),
          egress: clusterDirection(p.egress, namespaces),
        };
      }),
    };
  }

  async namespace(clusterId: string, namespace: string, q: HistoryQuery): Promise<NamespaceHistory> {
    const range = rangeOf(q);
    await this.clusters.require(clusterId);
    const rows = await this.repo.namespacePoints(clusterId, namespace, range.from, range.to, range.bucket);
    // An empty range is an answer; a namespace the cluster never had is a 404.
    if (rows.length === 0 && !(await this.repo.namespaceEverSeen(clusterId, namespace))) {
      throw new HistoryException(HistoryErrorCode.NamespaceNotFound, `namespace ${namespace} was never seen in cluster ${clusterId}`);
    }
    return {
      clusterId,
      namespace,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      bucket: range.bucket,
      points: rows.map(namespacePoint),
    };
  }

  /**
   * The same answer as `namespace`, serialized by PostgreSQL (what the HTTP route sends): the
   * envelope is written here, the points come as one JSON text. Falls back to `namespace` when
   * a value could not be written exactly as JS writes it.
   */
  async namespaceJson(clusterId: string, namespace: string, q: HistoryQuery): Promise<NamespaceHistory | JsonText> {
    const range = rangeOf(q);
    // The cluster check and the points at once: an unknown cluster has no points, the check's 404 answers.
    const [, r] = await Promise.all([this.clusters.require(clusterId), this.repo.namespacePointsJson(clusterId, namespace, range.from, range.to, range.bucket)]);
    if (r.inexact) return this.namespace(clusterId, namespace, q);
    if (r.n === 0 && !(await this.repo.namespaceEverSeen(clusterId, namespace))) {
      throw new HistoryException(HistoryErrorCode.NamespaceNotFound, `namespace ${namespace} was never seen in cluster ${clusterId}`);
    }
    const head = JSON.stringify({ clusterId, namespace, from: range.from.toISOString(), to: range.to.toISOString(), bucket: range.bucket, points: [] });
    return new JsonText(`${head.slice(0, -3)}${r.points}}`);
  }

  async fleet(q: FleetHistoryQuery): Promise<FleetHistory> {
    const range = rangeOf(q);
    const groupBy = q.groupBy ?? 'environment';
    const filter = { environment: q.environment, team: q.team };
    const [clusters, rows] = await Promise.all([
      this.repo.fleetClusters(filter),
      this.repo.fleetPoints(range.from, range.to, range.bucket, filter),
    ]);
    const buckets = bucketStarts(range.from, range.to, range.bucket);
    // Per cluster, its points in bucket order (the carry-in first): each bucket counts the
    // cluster with the last snapshot taken up to the bucket's end.
    const byCluster = new Map<string, FleetPointRow[]>();
    for (const r of rows) {
      const list = byCluster.get(r.cluster_id);
      if (list) list.push(r);
      else byCluster.set(r.cluster_id, [r]);
    }
    for (const list of byCluster.values()) list.sort((a, b) => (a.bucket?.getTime() ?? -Infinity) - (b.bucket?.getTime() ?? -Infinity));

    const series = new Map<string, FleetSeries>();
    for (const c of clusters) {
      const g = groupKey(c, groupBy);
      const id = g.key ?? '\u0000none';
      if (!series.has(id)) {
        series.set(id, {
          ...g,
          points: buckets.map((b) => ({
            bucket: new Date(b).toISOString(), clusters: 0, namespaces: 0, defaultDenyIngress: 0, defaultDenyEgress: 0, defaultDenyIngressShare: null,
            defaultDenyEgressShare: null, pods: 0, ingressIsolatedPods: 0, egressIsolatedPods: 0, ingressPodCoverage: null, egressPodCoverage: null,
          })),
        });
      }
      const points = series.get(id)!.points;
      const list = byCluster.get(c.id) ?? [];
      let next = 0;
      let current: FleetPointRow | undefined;
      buckets.forEach((b, i) => {
        while (next < list.length && (list[next].bucket === null || list[next].bucket!.getTime() <= b)) current = list[next++];
        if (!current) return;
        const p: FleetRollupPoint = points[i];
        p.clusters += 1;
        p.namespaces += current.namespaces ?? 0;
        p.defaultDenyIngress += current.dd_ingress ?? 0;
        p.defaultDenyEgress += current.dd_egress ?? 0;
        p.pods += current.pods;
        p.ingressIsolatedPods += current.ingress_isolated_pods;
        p.egressIsolatedPods += current.egress_isolated_pods;
      });
    }
    for (const s of series.values()) {
      for (const p of s.points) {
        p.defaultDenyIngressShare = share(p.defaultDenyIngress, p.namespaces);
        p.defaultDenyEgressShare = share(p.defaultDenyEgress, p.namespaces);
        p.ingressPodCoverage = share(p.ingressIsolatedPods, p.pods);
        p.egressPodCoverage = share(p.egressIsolatedPods, p.pods);
      }
    }
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      bucket: range.bucket,
      groupBy,
      series: [...series.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    };
  }

  async clustersAt(q: FleetClustersQuery): Promise<FleetClustersAt> {
    const at = parseInstant(q.at, 'at');
    const now = new Date();
    // A past time judges staleness then, and that answer never changes; "now" (or a time still
    // to come) judges it now, so the answer holds until the first fresh cluster turns stale.
    const past = at !== undefined && at.getTime() < now.getTime();
    const rows = await this.repo.fleetClustersAt(past ? at : undefined, { environment: q.environment, team: q.team });
    const judgedAt = past ? at! : now;
    if (!past) {
      for (const r of rows) {
        const until = r.good_started_at ? r.good_started_at.getTime() + 2 * r.schedule_minutes * 60_000 : null;
        if (r.enabled && until !== null && until >= now.getTime()) cacheUntil(until + 1);
      }
    }
    return { at: at?.toISOString() ?? null, items: rows.map((r) => clusterAt(r, judgedAt)) };
  }

  async summary(q: FleetSummaryQuery): Promise<FleetSummary> {
    const at = parseInstant(q.at, 'at');
    const rows = await this.repo.fleetSummary(at, { environment: q.environment, team: q.team });
    const totals = emptyTotals();
    const byEnv = new Map<string, FleetGroupSummary>();
    const byTeam = new Map<string, FleetGroupSummary>();
    const bucketOf = (m: Map<string, FleetGroupSummary>, key: string | null) => {
      const id = key ?? '\u0000none';
      if (!m.has(id)) m.set(id, { key, name: key ?? NONE, ...emptyTotals() });
      return m.get(id)!;
    };
    for (const r of rows) {
      const posture = (r.posture ?? {}) as { enforced?: boolean; findings?: Partial<Record<FindingSeverity, number>> };
      for (const t of [totals, bucketOf(byEnv, r.environment), bucketOf(byTeam, r.team)]) {
        t.clusters += 1;
        if (posture.enforced) t.enforcedClusters += 1;
        t.namespaces += r.namespaces;
        t.defaultDenyIngress += r.dd_ingress;
        t.defaultDenyEgress += r.dd_egress;
        t.pods += r.pods;
        t.ingressIsolatedPods += r.ingress_isolated_pods;
        t.egressIsolatedPods += r.egress_isolated_pods;
        for (const s of SEVERITIES) t.findings[s] += posture.findings?.[s] ?? 0;
      }
    }
    const sorted = (m: Map<string, FleetGroupSummary>) => [...m.values()].map(withShares).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { at: at?.toISOString() ?? null, totals: withShares(totals), byEnvironment: sorted(byEnv), byTeam: sorted(byTeam) };
  }
}

/** The range asked for; one that ends "now" (no `to`) moves with the clock, so is not cached. */
function rangeOf(q: Parameters<typeof resolveRange>[0]): TimeRange {
  if (q.to === undefined) doNotCache();
  return resolveRange(q);
}
