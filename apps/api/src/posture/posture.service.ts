// Posture of a cluster at a snapshot (the latest, or the one in force at a past time) and one
// namespace in detail. Everything comes from what the snapshot stored: the engine never runs
// here, so a page about last March shows exactly what was computed last March.
import { BadRequestException, Injectable } from '@nestjs/common';
import type {
  ClusterPosturePage, ClusterProfile, DefaultDenyFigures, HeatmapRow, NetworkProfileView, NodePoolView, PostureHeatmap, ProfileCaveat,
  ClusterRef, NamespaceDetail, NamespaceDirectionDetail, NamespacePostureItem, PolicyItem, PostureSort, PostureSummary,
  WorkloadPostureItem,
} from '@kordon/contracts';
import { FINDING_RULES, type NamespacePosture as EngineNamespacePosture, type WorkloadPosture, type DirectionPosture } from '@kordon/policy-engine';
import { decodeCursor, encodeCursor } from '../common/cursor';
import { KordonErrorCode, KordonException } from '../common/kordon.exception';
import { matchDefaultDeny, matchFinding, type ExceptionRule } from '../exceptions/exception-match';
import { ExceptionsService } from '../exceptions/exceptions.service';
import { FindingsService } from '../findings/findings.service';
import { toFindingItem } from '../findings/findings.presenter';
import type { PostureQuery } from './dto/posture.dto';
import { PostureErrorCode, PostureException } from './posture.exception';
import { PostureRepository, type ClusterAtRow, type PolicyRecord } from './posture.repository';
import { parseInstant } from './query-input';
import { compareSortKeys, type SortKey } from '../common/sort-key';

type Row = Awaited<ReturnType<PostureRepository['namespaceRows']>>[number];
type SnapshotRow = ClusterAtRow & { snapshot_id: string; started_at: Date };
type NamespaceDetailJson = EngineNamespacePosture & { workloads?: WorkloadPosture[] };

/** Rules whose findings are caveats about the platform or what the engine enforces. */
const CAVEAT_RULES = new Map(FINDING_RULES.filter((r) => r.category === 'platform' || r.category === 'enforcement').map((r) => [r.id, r.category as ProfileCaveat['category']]));

export const EXCLUDED_REASON = 'system namespace (KORDON_EXCLUDED_NAMESPACES): shown, but left out of roll-ups and findings';

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const strs = (list: unknown, single: unknown): string[] =>
  Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : str(single) ? [single as string] : [];

function profileView(p: Record<string, unknown> | null): NetworkProfileView | null {
  if (!p) return null;
  return {
    networkPlugin: str(p.networkPlugin),
    networkPluginMode: str(p.networkPluginMode),
    networkPolicy: str(p.networkPolicy),
    networkDataplane: str(p.networkDataplane),
    podCidrs: strs(p.podCidrs, p.podCidr),
    serviceCidrs: strs(p.serviceCidrs, p.serviceCidr),
    dnsServiceIp: str(p.dnsServiceIp),
    outboundType: str(p.outboundType),
    loadBalancerSku: str(p.loadBalancerSku),
    ipFamilies: strs(p.ipFamilies, null),
  };
}

/** One caveat per rule (the first, most severe finding), with how many more the rule has. */
function oneByRule(rows: { rule_id: string; severity: string; title: string; message: string }[]): ProfileCaveat[] {
  const out = new Map<string, ProfileCaveat>();
  for (const c of rows) {
    const seen = out.get(c.rule_id);
    if (seen) seen.more++;
    else out.set(c.rule_id, { ruleId: c.rule_id, category: CAVEAT_RULES.get(c.rule_id)!, severity: c.severity as ProfileCaveat['severity'], title: c.title, message: c.message, more: 0 });
  }
  return [...out.values()];
}

function nodePoolView(p: Record<string, unknown>): NodePoolView {
  return {
    name: str(p.name) ?? '(unnamed)',
    osType: str(p.osType),
    osSku: str(p.osSku),
    count: typeof p.count === 'number' ? p.count : null,
    mode: str(p.mode),
    vmSize: str(p.vmSize),
  };
}

const share = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

export function toNamespaceItem(r: Row, findings: number): NamespacePostureItem {
  return {
    name: r.namespace,
    excluded: r.excluded,
    pods: r.pods,
    workloads: r.workloads,
    policies: r.policies,
    findings,
    ingress: {
      isolatedPods: r.ingressIsolatedPods,
      isolatedWorkloads: r.ingressIsolatedWorkloads,
      podCoverage: share(r.ingressIsolatedPods, r.pods),
      workloadCoverage: share(r.ingressIsolatedWorkloads, r.workloads),
      defaultDeny: r.defaultDenyIngress,
      effectivelyIsolated: r.effectivelyIsolatedIngress,
    },
    egress: {
      isolatedPods: r.egressIsolatedPods,
      isolatedWorkloads: r.egressIsolatedWorkloads,
      podCoverage: share(r.egressIsolatedPods, r.pods),
      workloadCoverage: share(r.egressIsolatedWorkloads, r.workloads),
      defaultDeny: r.defaultDenyEgress,
      effectivelyIsolated: r.effectivelyIsolatedEgress,
    },
  };
}

/** Marks each direction's missing default-deny that an exception in force accepts. */
function withExceptions(item: NamespacePostureItem, exceptions: ExceptionRule[], clusterId: string, at: Date): NamespacePostureItem {
  const mark = (d: 'ingress' | 'egress') => (item[d].defaultDeny ? null : matchDefaultDeny(exceptions, clusterId, item.name, d, at));
  return { ...item, ingress: { ...item.ingress, defaultDenyExcepted: mark('ingress') }, egress: { ...item.egress, defaultDenyExcepted: mark('egress') } };
}

/** Default-deny per direction over the non-excluded namespaces, without and with exceptions. */
function defaultDenyFigures(rows: Row[], exceptions: ExceptionRule[], clusterId: string, at: Date): NonNullable<ClusterPosturePage['defaultDenyFigures']> {
  const inScope = rows.filter((r) => !r.excluded);
  const figures = (d: 'ingress' | 'egress'): DefaultDenyFigures => {
    const has = (r: Row) => (d === 'ingress' ? r.defaultDenyIngress : r.defaultDenyEgress);
    const withDeny = inScope.filter(has).length;
    const orExcepted = inScope.filter((r) => has(r) || matchDefaultDeny(exceptions, clusterId, r.namespace, d, at) !== null).length;
    return {
      namespaces: inScope.length,
      namespacesWithDefaultDeny: withDeny,
      namespacesWithDefaultDenyOrExcepted: orExcepted,
      defaultDenyShare: share(withDeny, inScope.length),
      defaultDenyOrExceptedShare: share(orExcepted, inScope.length),
    };
  };
  return { ingress: figures('ingress'), egress: figures('egress') };
}

/** The sort value of a row; null (no pods) always sorts last. */
function sortValue(item: NamespacePostureItem, sort: PostureSort): string | number | null {
  switch (sort) {
    case 'name': return item.name;
    case 'pods': return item.pods;
    case 'findings': return item.findings;
    case 'ingressCoverage': return item.ingress.podCoverage;
    case 'egressCoverage': return item.egress.podCoverage;
    case 'coverage': return item.pods > 0 ? (item.ingress.podCoverage! + item.egress.podCoverage!) / 2 : null;
  }
}

function matchesDefaultDeny(item: NamespacePostureItem, f: NonNullable<PostureQuery['defaultDeny']>): boolean {
  const i = item.ingress.defaultDeny;
  const e = item.egress.defaultDeny;
  switch (f) {
    case 'ingress': return i;
    case 'egress': return e;
    case 'both': return i && e;
    case 'none': return !i && !e;
    case 'incomplete': return !(i && e);
  }
}

function directionDetail(d: DirectionPosture | undefined): NamespaceDirectionDetail {
  return {
    pods: d?.pods ?? 0,
    workloads: d?.workloads ?? 0,
    isolatedPods: d?.isolatedPods ?? 0,
    isolatedWorkloads: d?.isolatedWorkloads ?? 0,
    podCoverage: d?.podCoverage ?? null,
    workloadCoverage: d?.workloadCoverage ?? null,
    defaultDeny: d?.defaultDeny ?? false,
    effectivelyIsolated: d?.effectivelyIsolated ?? false,
    policies: d?.policies ?? 0,
    baseline: {
      present: d?.baseline?.present ?? false,
      policies: d?.baseline?.policies ?? [],
      broken: d?.baseline?.broken ?? false,
      brokenBy: (d?.baseline?.brokenBy ?? []).map((b) => ({ policy: b.policy, reasons: [...b.reasons], openedPods: b.openedPods, selectsAllPods: b.selectsAllPods })),
    },
  };
}

function parseBody(body: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(body);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** How workloads name a policy: a NetworkPolicy by name, a CRD policy as `Kind/name`. */
function policyRef(p: PolicyRecord): string {
  return p.kind === 'NetworkPolicy' ? p.name : `${p.kind}/${p.name}`;
}

/** The cluster and its snapshot in force from clusterAt's row; 404 for an unknown cluster or when none is in force. */
function inForceAt(row: ClusterAtRow | null, clusterId: string, at: Date | undefined): { row: SnapshotRow; cluster: ClusterRef } {
  if (!row) throw new KordonException(KordonErrorCode.ClusterNotFound, `cluster ${clusterId} not found`);
  if (!row.snapshot_id || !row.started_at) {
    throw new PostureException(
      PostureErrorCode.NoSnapshot,
      at
        ? `cluster ${row.name} has no succeeded snapshot taken at or before ${at.toISOString()}`
        : `cluster ${row.name} has no succeeded snapshot yet; trigger one with POST /api/clusters/${clusterId}/snapshots`,
    );
  }
  return {
    row: row as SnapshotRow,
    cluster: { id: row.cluster_id, name: row.name, environment: row.environment, team: row.team },
  };
}

@Injectable()
export class PostureService {
  constructor(private readonly repo: PostureRepository, private readonly findings: FindingsService, private readonly exceptions: ExceptionsService) {}

  /** The cluster and its snapshot in force; 404 for an unknown cluster or when none is in force. */
  async snapshotAt(clusterId: string, atText: string | undefined): Promise<{ row: SnapshotRow; cluster: ClusterRef }> {
    const at = parseInstant(atText, 'at');
    return inForceAt(await this.repo.clusterAt(clusterId, at), clusterId, at);
  }

  async cluster(clusterId: string, q: PostureQuery): Promise<ClusterPosturePage> {
    if (q.offset !== undefined && q.cursor) throw new BadRequestException({ message: 'use either offset or cursor, not both', details: [{ field: 'offset', message: 'not with cursor' }] });
    const at = parseInstant(q.at, 'at');
    // The snapshot in force, its namespace rows and finding counts in one query, the exceptions in force beside it.
    const [read, exceptions] = await Promise.all([this.repo.clusterPage(clusterId, at), this.exceptions.inForce(clusterId, at)]);
    const { row, cluster } = inForceAt(read, clusterId, at);
    const param = q.sort ?? 'name';
    const sort = (param.startsWith('-') ? param.slice(1) : param) as PostureSort;
    if (param.startsWith('-') && q.order === 'asc') throw new BadRequestException({ message: `sort=${param} is descending but order=asc: use one of them`, details: [{ field: 'order', message: 'contradicts sort' }] });
    const desc = param.startsWith('-') || q.order === 'desc';
    const limit = q.limit ?? 200;
    const cursor = decodeCursor(q.cursor, 2);
    if (cursor && !((cursor[0] === null || typeof cursor[0] === 'string' || typeof cursor[0] === 'number') && typeof cursor[1] === 'string')) {
      throw new BadRequestException('cursor is not valid; use nextCursor from a previous page');
    }
    const needle = q.q?.trim().toLowerCase();
    const rows = read!.ns_rows;
    const findingCounts = new Map(row.finding_set_hash ? Object.entries(read!.finding_counts) : []);
    const when = at ?? new Date();
    // A snapshot's namespaces are bounded (hundreds), read by primary key: filter, sort and
    // page them here rather than build dynamic SQL for computed sort keys.
    const keyed = rows
      .map((r) => withExceptions(toNamespaceItem(r, findingCounts.get(r.namespace) ?? 0), exceptions, clusterId, when))
      .filter((i) => (q.excluded === undefined || i.excluded === q.excluded) && (!q.defaultDeny || matchesDefaultDeny(i, q.defaultDeny)))
      .filter((i) => !needle || i.name.includes(needle))
      .map((item) => ({ item, key: [sortValue(item, sort), item.name] as SortKey }))
      .sort((a, b) => compareSortKeys(a.key, b.key, desc));
    const skipped = cursor ? keyed.findIndex((k) => compareSortKeys(k.key, cursor as SortKey, desc) > 0) : (q.offset ?? 0);
    const offset = skipped < 0 ? keyed.length : Math.min(skipped, keyed.length);
    const after = keyed.slice(offset);
    const page = after.slice(0, limit);
    const posture = (row.posture ?? {}) as Omit<PostureSummary, 'snapshotId' | 'takenAt'> & { engine?: string };
    return {
      cluster,
      snapshot: {
        id: row.snapshot_id,
        takenAt: row.started_at.toISOString(),
        finishedAt: row.finished_at?.toISOString() ?? null,
        engine: row.policy_engine ?? posture.engine ?? 'unknown',
        enforced: posture.enforced ?? false,
      },
      summary: {
        snapshotId: row.snapshot_id,
        takenAt: row.started_at.toISOString(),
        namespaces: posture.namespaces ?? 0,
        excludedNamespaces: posture.excludedNamespaces ?? 0,
        ingress: posture.ingress ?? { pods: 0, workloads: 0, namespacesWithDefaultDeny: 0 },
        egress: posture.egress ?? { pods: 0, workloads: 0, namespacesWithDefaultDeny: 0 },
        enforced: posture.enforced ?? false,
        ...(posture.findings ? { findings: posture.findings } : {}),
      },
      items: page.map((k) => ({ ...k.item, excludedReason: k.item.excluded ? EXCLUDED_REASON : null })),
      nextCursor: after.length > limit ? encodeCursor(page[page.length - 1].key as (string | number)[]) : null,
      total: keyed.length,
      offset,
      defaultDenyFigures: defaultDenyFigures(rows, exceptions, clusterId, when),
    };
  }

  /** The snapshot's network profile, node pools and the engine's caveats (its platform and enforcement findings). */
  async profile(clusterId: string, atText: string | undefined): Promise<ClusterProfile> {
    const { row, cluster } = await this.snapshotAt(clusterId, atText);
    const [snap, caveats] = await Promise.all([
      this.repo.snapshotProfile(row.snapshot_id),
      row.finding_set_hash ? this.repo.caveats(row.finding_set_hash, [...CAVEAT_RULES.keys()]) : [],
    ]);
    const posture = (row.posture ?? {}) as { engine?: string; enforced?: boolean };
    const counts = (snap?.counts ?? null) as { namespaces?: number; pods?: number; nodes?: number } | null;
    const pools = Array.isArray(snap?.nodePools) ? (snap.nodePools as Record<string, unknown>[]) : [];
    return {
      cluster,
      snapshot: {
        id: row.snapshot_id,
        takenAt: row.started_at.toISOString(),
        finishedAt: row.finished_at?.toISOString() ?? null,
        engine: row.policy_engine ?? posture.engine ?? 'unknown',
        enforced: posture.enforced ?? false,
      },
      kubernetesVersion: snap?.kubernetesVersion ?? null,
      networkProfile: profileView((snap?.networkProfile ?? null) as Record<string, unknown> | null),
      nodePools: pools.filter((p) => p && typeof p === 'object').map(nodePoolView),
      counts: counts ? { namespaces: counts.namespaces ?? 0, pods: counts.pods ?? 0, nodes: counts.nodes ?? 0 } : null,
      caveats: oneByRule(caveats),
    };
  }

  /** Every namespace of the snapshot as one compact row each, for the heatmap. */
  async heatmap(clusterId: string, atText: string | undefined): Promise<PostureHeatmap> {
    const { row } = await this.snapshotAt(clusterId, atText);
    const rows = await this.repo.namespaceRows(row.snapshot_id);
    return {
      snapshot: { id: row.snapshot_id, takenAt: row.started_at.toISOString(), finishedAt: row.finished_at?.toISOString() ?? null },
      rows: rows.map((r): HeatmapRow => [
        r.namespace,
        r.excluded ? 1 : 0,
        r.pods,
        r.workloads,
        r.ingressIsolatedWorkloads,
        r.egressIsolatedWorkloads,
        r.defaultDenyIngress ? 1 : 0,
        r.defaultDenyEgress ? 1 : 0,
      ]),
    };
  }

  async namespace(clusterId: string, namespace: string, atText: string | undefined): Promise<NamespaceDetail> {
    const at = parseInstant(atText, 'at');
    // The snapshot in force and all the namespace reads in one query, the exceptions in force beside it.
    const [page, exceptions] = await Promise.all([this.repo.namespacePage(clusterId, namespace, at), this.exceptions.inForce(clusterId, at)]);
    const { row, cluster } = inForceAt(page, clusterId, at);
    const { ns, ns_labels: labels } = page!;
    const policies = row.policy_set_hash ? page!.ns_policies : [];
    const workloadLabels = new Map<string, Record<string, string>>(row.workload_set_hash ? page!.ns_workload_labels.map((r) => [`${r.kind}/${r.name}`, r.labels]) : []);
    const findings = row.finding_set_hash ? page!.ns_findings.map(toFindingItem) : [];
    const when = at ?? new Date();
    if (!ns) {
      throw new PostureException(
        PostureErrorCode.NamespaceNotFound,
        `namespace ${namespace} is not in cluster ${cluster.name} at snapshot ${row.snapshot_id} (${row.started_at.toISOString()})`,
      );
    }
    const detail = (ns.detail ?? {}) as unknown as Partial<NamespaceDetailJson>;
    const workloads: WorkloadPostureItem[] = (detail.workloads ?? []).map((w) => ({
      kind: w.kind,
      name: w.name,
      pods: w.pods,
      excluded: w.excluded,
      basis: w.basis,
      labels: workloadLabels.get(`${w.kind}/${w.name}`) ?? null,
      ingress: { isolated: w.ingress.isolated, policies: [...w.ingress.policies] },
      egress: { isolated: w.egress.isolated, policies: [...w.egress.policies] },
    }));
    const selects = new Map<string, Set<string>>();
    for (const w of workloads) {
      for (const p of new Set([...w.ingress.policies, ...w.egress.policies])) {
        const set = selects.get(p) ?? new Set<string>();
        set.add(`${w.kind}/${w.name}`);
        selects.set(p, set);
      }
    }
    const policyItems: PolicyItem[] = policies
      // Cluster-scoped policies only where they select a workload of this namespace.
      .filter((p) => p.namespace !== null || selects.has(policyRef(p)))
      .map((p) => ({
        hash: p.hash,
        apiVersion: p.api_version,
        kind: p.kind,
        namespace: p.namespace,
        name: p.name,
        body: p.body,
        object: parseBody(p.body),
        selects: [...(selects.get(policyRef(p)) ?? [])].sort(),
      }));
    const ingress = directionDetail(detail.ingress);
    const egress = directionDetail(detail.egress);
    return {
      cluster,
      snapshot: { id: row.snapshot_id, takenAt: row.started_at.toISOString(), finishedAt: row.finished_at?.toISOString() ?? null },
      namespace: {
        name: ns.namespace,
        excluded: ns.excluded,
        labels: labels ?? {},
        pods: ns.pods,
        terminatedPods: detail.terminatedPods ?? 0,
        workloads: ns.workloads,
        policies: detail.policies ?? ns.policies,
        crdPolicies: detail.crdPolicies ?? 0,
        // The flat columns are the truth the history uses; the detail adds the baseline.
        ingress: {
          ...ingress, isolatedPods: ns.ingressIsolatedPods, isolatedWorkloads: ns.ingressIsolatedWorkloads, defaultDeny: ns.defaultDenyIngress, effectivelyIsolated: ns.effectivelyIsolatedIngress,
          defaultDenyExcepted: ns.defaultDenyIngress ? null : matchDefaultDeny(exceptions, clusterId, ns.namespace, 'ingress', when),
        },
        egress: {
          ...egress, isolatedPods: ns.egressIsolatedPods, isolatedWorkloads: ns.egressIsolatedWorkloads, defaultDeny: ns.defaultDenyEgress, effectivelyIsolated: ns.effectivelyIsolatedEgress,
          defaultDenyExcepted: ns.defaultDenyEgress ? null : matchDefaultDeny(exceptions, clusterId, ns.namespace, 'egress', when),
        },
      },
      workloads,
      policies: policyItems,
      findings: findings.map((f) => ({ ...f, excepted: matchFinding(exceptions, { clusterId, ruleId: f.ruleId, namespace: f.namespace, object: f.object }, when) })),
    };
  }
}
