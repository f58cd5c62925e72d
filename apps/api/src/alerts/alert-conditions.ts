// Which regression conditions hold for a cluster, from its latest snapshots. Pure: the service
// reads the rows, this decides; the dedup key names one condition (kind, cluster, namespace,
// direction), so the same condition never opens two alerts.
import type { AlertKind } from '@kordon/contracts';

export const ALERT_KINDS: { kind: AlertKind; unit: 'points' | 'hours' | null; defaultThreshold: number | null; description: string }[] = [
  { kind: 'default_deny_lost', unit: null, defaultThreshold: null, description: 'A namespace had default-deny in a direction at the previous snapshot and not at the latest' },
  { kind: 'coverage_drop', unit: 'points', defaultThreshold: 10, description: 'Pod coverage of a namespace (or the cluster) dropped by more than N points between two snapshots' },
  { kind: 'engine_none', unit: null, defaultThreshold: null, description: "The cluster's network policy engine is none: no NetworkPolicy is enforced" },
  { kind: 'unprotected_namespace', unit: 'hours', defaultThreshold: 24, description: 'A new namespace has stayed without default-deny (in either direction) for longer than N hours' },
  { kind: 'snapshots_failing', unit: 'hours', defaultThreshold: 6, description: "The cluster's snapshots have been failing for longer than N hours" },
];

export interface NsRow {
  namespace: string;
  excluded: boolean;
  pods: number;
  ingressIsolatedPods: number;
  egressIsolatedPods: number;
  defaultDenyIngress: boolean;
  defaultDenyEgress: boolean;
}

export interface SnapshotRows {
  id: string;
  startedAt: Date;
  policyEngine: string | null;
  namespaces: NsRow[];
}

export interface ClusterFacts {
  clusterId: string;
  clusterName: string;
  latest: SnapshotRows | null;
  previous: SnapshotRows | null;
  /** First time each namespace of the latest snapshot was seen, and the cluster's first snapshot. */
  firstSeen: Map<string, Date>;
  firstSnapshotAt: Date | null;
  /** Since when snapshots fail without a success (null: the latest one succeeded). */
  failingSince: Date | null;
}

export interface Condition {
  kind: AlertKind;
  dedupKey: string;
  namespace: string | null;
  summary: string;
  details: Record<string, unknown>;
  snapshotId: string | null;
}

export interface OpenAlert {
  id: string;
  kind: AlertKind;
  dedupKey: string;
  namespace: string | null;
  details: Record<string, unknown>;
}

export type Thresholds = Partial<Record<AlertKind, { enabled: boolean; threshold: number | null }>>;

const DIRS = ['ingress', 'egress'] as const;
const cov = (n: NsRow, d: 'ingress' | 'egress') => (n.pods ? (100 * (d === 'ingress' ? n.ingressIsolatedPods : n.egressIsolatedPods)) / n.pods : null);
const dd = (n: NsRow, d: 'ingress' | 'egress') => (d === 'ingress' ? n.defaultDenyIngress : n.defaultDenyEgress);
const round = (v: number) => Math.round(v * 10) / 10;

function clusterCoverage(rows: NsRow[], d: 'ingress' | 'egress'): number | null {
  const live = rows.filter((r) => !r.excluded);
  const pods = live.reduce((a, r) => a + r.pods, 0);
  if (!pods) return null;
  return (100 * live.reduce((a, r) => a + (d === 'ingress' ? r.ingressIsolatedPods : r.egressIsolatedPods), 0)) / pods;
}

/**
 * The conditions to open now (new transitions and standing states), and the open alerts that
 * no longer hold. Transition kinds (default-deny lost, coverage drop) stay open until the state
 * recovers, not merely until the next snapshot.
 */
export function evaluate(f: ClusterFacts, open: OpenAlert[], rules: Thresholds, now: Date): { opens: Condition[]; resolves: OpenAlert[] } {
  const on = (k: AlertKind) => rules[k]?.enabled ?? true;
  const threshold = (k: AlertKind) => rules[k]?.threshold ?? ALERT_KINDS.find((x) => x.kind === k)!.defaultThreshold!;
  const opens: Condition[] = [];
  const c = f.clusterId;
  const L = f.latest;
  const P = f.previous;
  const latestNs = new Map((L?.namespaces ?? []).map((n) => [n.namespace, n]));

  if (L && P) {
    const prevNs = new Map(P.namespaces.map((n) => [n.namespace, n]));
    for (const n of L.namespaces) {
      const p = prevNs.get(n.namespace);
      if (!p || n.excluded) continue;
      for (const d of DIRS) {
        if (on('default_deny_lost') && dd(p, d) && !dd(n, d)) {
          opens.push({ kind: 'default_deny_lost', dedupKey: `default_deny_lost:${c}:${n.namespace}:${d}`, namespace: n.namespace, snapshotId: L.id,
            summary: `${f.clusterName}/${n.namespace} lost its default-deny ${d}`, details: { direction: d, previousSnapshotId: P.id } });
        }
        const before = cov(p, d);
        const after = cov(n, d);
        if (on('coverage_drop') && before !== null && after !== null && before - after > threshold('coverage_drop')) {
          opens.push({ kind: 'coverage_drop', dedupKey: `coverage_drop:${c}:${n.namespace}:${d}`, namespace: n.namespace, snapshotId: L.id,
            summary: `${f.clusterName}/${n.namespace}: ${d} pod coverage fell from ${round(before)} % to ${round(after)} %`, details: { direction: d, before: round(before), after: round(after), threshold: threshold('coverage_drop') } });
        }
      }
    }
    for (const d of DIRS) {
      const before = clusterCoverage(P.namespaces, d);
      const after = clusterCoverage(L.namespaces, d);
      if (on('coverage_drop') && before !== null && after !== null && before - after > threshold('coverage_drop')) {
        opens.push({ kind: 'coverage_drop', dedupKey: `coverage_drop:${c}:*:${d}`, namespace: null, snapshotId: L.id,
          summary: `${f.clusterName}: ${d} pod coverage fell from ${round(before)} % to ${round(after)} %`, details: { direction: d, before: round(before), after: round(after), threshold: threshold('coverage_drop') } });
      }
    }
  }
  if (L && on('engine_none') && L.policyEngine === 'none') {
    opens.push({ kind: 'engine_none', dedupKey: `engine_none:${c}`, namespace: null, snapshotId: L.id, summary: `${f.clusterName}: the network policy engine is none; no NetworkPolicy is enforced`, details: { previousEngine: P?.policyEngine ?? null } });
  }
  if (L && on('unprotected_namespace') && f.firstSnapshotAt) {
    const hours = threshold('unprotected_namespace');
    for (const n of L.namespaces) {
      const seen = f.firstSeen.get(n.namespace);
      if (n.excluded || !seen || seen.getTime() <= f.firstSnapshotAt.getTime() || (n.defaultDenyIngress && n.defaultDenyEgress)) continue;
      if (now.getTime() - seen.getTime() > hours * 3_600_000) {
        const missing = DIRS.filter((d) => !dd(n, d));
        opens.push({ kind: 'unprotected_namespace', dedupKey: `unprotected_namespace:${c}:${n.namespace}`, namespace: n.namespace, snapshotId: L.id,
          summary: `${f.clusterName}/${n.namespace} has been without default-deny ${missing.join(' and ')} since it appeared ${seen.toISOString()}`, details: { firstSeen: seen.toISOString(), missing, hours } });
      }
    }
  }
  if (on('snapshots_failing') && f.failingSince && now.getTime() - f.failingSince.getTime() > threshold('snapshots_failing') * 3_600_000) {
    opens.push({ kind: 'snapshots_failing', dedupKey: `snapshots_failing:${c}`, namespace: null, snapshotId: null,
      summary: `${f.clusterName}: snapshots have been failing since ${f.failingSince.toISOString()}`, details: { failingSince: f.failingSince.toISOString(), hours: threshold('snapshots_failing') } });
  }

  const opening = new Set(opens.map((o) => o.dedupKey));
  const resolves = open.filter((a) => {
    if (opening.has(a.dedupKey)) return false;
    if (!on(a.kind)) return true;
    const n = a.namespace ? latestNs.get(a.namespace) : undefined;
    switch (a.kind) {
      case 'default_deny_lost':
        return !n || dd(n, a.details.direction as 'ingress' | 'egress');
      case 'coverage_drop': {
        const d = a.details.direction as 'ingress' | 'egress';
        const now_ = a.namespace ? (n ? cov(n, d) : null) : clusterCoverage(L?.namespaces ?? [], d);
        return now_ === null || now_ >= Number(a.details.before) - threshold('coverage_drop');
      }
      default:
        // Standing conditions: resolved as soon as they no longer hold.
        return true;
    }
  });
  return { opens, resolves };
}
