// What the diff components draw, independent of the API's wire shape: `toDiffView` (adapter.ts)
// maps the API's ClusterDiff onto it, so the diff page and the what-if page share every part.
import type { DiffLine } from './line-diff';

export interface DiffSnapshotView {
  id: string | null;
  takenAt: string | null;
}

export interface PolicyRefView {
  kind: string;
  namespace: string | null;
  name: string;
}

export interface PolicyChangeView extends PolicyRefView {
  op: 'added' | 'removed' | 'changed';
  lines: DiffLine[];
}

export interface SelectionEffectView {
  policy: PolicyRefView;
  before: number;
  after: number;
  /** Selected pods went from some to none because of labels. */
  drift: boolean;
}

export interface LabelChangeView {
  /** `namespace payments`, `pod payments/api-0`, `workload payments/Deployment/api`. */
  target: string;
  namespace: string | null;
  /** `+ team=pay`, `- app=api`, `~ tier: web → front`. */
  changes: string[];
  effects: SelectionEffectView[];
  /** Namespace labels: policies whose rules now admit (or no longer admit) the namespace as a peer. */
  peers: { policy: PolicyRefView; direction: 'ingress' | 'egress'; admitted: boolean }[];
}

export interface NamespaceDeltaView {
  namespace: string;
  /** Ratios 0..1, null when unknown on that side (namespace absent). */
  ingressBefore: number | null;
  ingressAfter: number | null;
  egressBefore: number | null;
  egressAfter: number | null;
  ddIngressBefore: boolean | null;
  ddIngressAfter: boolean | null;
  ddEgressBefore: boolean | null;
  ddEgressAfter: boolean | null;
}

export interface FindingChangeView {
  rule: string;
  severity: string | null;
  namespace: string | null;
  object: string | null;
  message: string;
}

export interface ReachChangeView {
  from: string;
  to: string;
  before: string;
  after: string;
  causes: (PolicyRefView & { op?: string })[];
  /** Workload pairs: which policies allow it now (or allowed it, for a closed pair), in words. */
  why?: string;
}

export interface DiffViewModel {
  from: DiffSnapshotView;
  to: DiffSnapshotView;
  summary: { key: string; label: string; value: number }[];
  profile: { field: string; before: string; after: string }[];
  policies: PolicyChangeView[];
  labels: LabelChangeView[];
  namespaces: NamespaceDeltaView[];
  findingsOpened: FindingChangeView[];
  findingsResolved: FindingChangeView[];
  pairs: ReachChangeView[];
  /** Every namespace pair that changed; `pairs` lists the first of them when the API truncated. */
  pairsTotal: number;
  workloadPairs: ReachChangeView[] | null;
  workloadPairsTotal: number | null;
  /** What-if only. */
  verdict: { opens: number; closes: number; breaksDefaultDeny: string[] } | null;
}
