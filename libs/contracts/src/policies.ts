// Policy detail views (one NetworkPolicy or CRD policy: selection, what it allows, baselines). Plain types only.
import type { ClusterRef, SnapshotRef } from './posture';

export type PolicyDirection = 'ingress' | 'egress';
/** How a list field was written: missing, `[]`, or with entries. Kubernetes treats the first two alike. */
export type PolicyListField = 'absent' | 'empty' | 'list';
export type PolicyAllowAllReason = 'any-peer' | 'all-namespaces' | 'all-ipv4' | 'all-ipv6';

export interface PolicyPeerView {
  kind: 'pods' | 'namespaces' | 'podsInNamespaces' | 'ipBlock';
  /** The peer in words. */
  text: string;
  /** Selectors in words (`{}` when empty), null when the peer has none. */
  podSelector: string | null;
  namespaceSelector: string | null;
  cidr: string | null;
  except: string[];
}

export interface PolicyPortView {
  kind: 'all' | 'range' | 'named';
  protocol: string;
  text: string;
}

export interface PolicyRuleView {
  index: number;
  peersField: PolicyListField;
  portsField: PolicyListField;
  allPeers: boolean;
  allPorts: boolean;
  peers: PolicyPeerView[];
  ports: PolicyPortView[];
  /** Non-empty: the rule admits every peer on every port. */
  allowAll: PolicyAllowAllReason[];
  text: string;
  notes: string[];
}

/** The policy's place in its namespace's default-deny baseline for one direction. */
export interface PolicyBaselineRole {
  /** The namespace has a baseline for this direction (maybe broken). */
  namespaceHasBaseline: boolean;
  /** The namespace's baseline is present but undone by an allow-all policy. */
  namespaceBaselineBroken: boolean;
  /** The policies forming the namespace's baseline. */
  baselinePolicies: string[];
  /** This policy is one of them. */
  partOfBaseline: boolean;
  /** This policy undoes the baseline (admits every peer on every port to pods it selects). */
  breaksBaseline: boolean;
  /** Why it breaks it, in words (`every peer`, `every pod of every namespace`…). */
  breakReasons: string[];
  /** Current pods the breaker opens. */
  openedPods: number;
  text: string;
}

export interface PolicyDirectionView {
  direction: PolicyDirection;
  isolates: boolean;
  section: PolicyListField;
  allowsNothing: boolean;
  defaultDenyShape: boolean;
  allowAll: boolean;
  rules: PolicyRuleView[];
  ignoredRules: number;
  text: string;
  baseline: PolicyBaselineRole;
}

export interface PolicySelectedWorkload {
  kind: string;
  name: string;
  /** Current (non-terminated) pods of the workload. */
  pods: number;
  /** Of those, the ones the policy selects. */
  selectedPods: number;
  /** Directions the policy isolates it for, as the snapshot's posture recorded. */
  directions: PolicyDirection[];
  labels: Record<string, string> | null;
}

export interface PolicySelectedPod {
  name: string;
  /** `Kind/name` of the owning workload. */
  workload: string;
  labels: Record<string, string>;
  phase: string | null;
  hostNetwork: boolean;
  /** From a workload template (manifests without pods), not observed. */
  synthetic: boolean;
}

export interface PolicySelection {
  /** `labels`: podSelector matched against the stored pod labels; `posture`: the workloads the snapshot's posture recorded (CRD policies). */
  basis: 'labels' | 'posture';
  workloads: PolicySelectedWorkload[];
  /** The selected pods, at most 1,000 (see `podsTruncated`). */
  pods: PolicySelectedPod[];
  podsTruncated: boolean;
  /** Selected non-terminated pods / all non-terminated pods of the namespace. */
  selectedPods: number;
  namespacePods: number;
  text: string;
}

export interface PolicyDetail {
  cluster: ClusterRef;
  snapshot: SnapshotRef;
  policy: {
    hash: string;
    apiVersion: string;
    kind: string;
    namespace: string | null;
    name: string;
    /** How workloads name it: a NetworkPolicy by name, a CRD policy as `Kind/name`. */
    ref: string;
    /** The object's JSON text exactly as the API server served it. */
    body: string;
    object: Record<string, unknown> | null;
  };
  /** The rules were interpreted (NetworkPolicy); CRD policies are shown, not described rule by rule. */
  described: boolean;
  podSelector: string;
  selectsAllPods: boolean;
  policyTypes: PolicyDirection[];
  policyTypesDefaulted: boolean;
  policyTypesText: string;
  summary: string;
  ingress: PolicyDirectionView;
  egress: PolicyDirectionView;
  selection: PolicySelection;
  /** Reading problems (invalid selector, port…) of this policy, in words. */
  problems: { severity: 'error' | 'warning'; field: string | null; message: string }[];
  /** General Kubernetes rules that explain the description. */
  semantics: string[];
}
