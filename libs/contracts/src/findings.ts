// Findings of stored snapshots and the engine's rule catalog, as the API serves them.
// Plain types only: no decorators, no runtime dependencies.
import type { ExceptedRef } from './exceptions';

export type FindingSeverity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export type FindingCategory = 'enforcement' | 'baseline' | 'coverage' | 'policy-quality' | 'platform' | 'exposure' | 'evaluation';

/** One rule of the engine's catalog (`KORDON-NNN`, stable and never reused). */
export interface FindingRuleView {
  id: string;
  slug: string;
  title: string;
  /** The severity findings of this rule usually carry; `severityNote` says when they differ. */
  severity: FindingSeverity;
  severityNote: string | null;
  category: FindingCategory;
  rationale: string;
  remediation: string;
  /** A template with placeholders; each finding carries the YAML filled in for its case. */
  remediationYaml: string | null;
  skipsExcludedNamespaces: boolean;
  references: string[];
}

/** What to do about a finding, from the catalog entry of its rule. */
export interface FindingRemediation {
  title: string;
  rationale: string;
  remediation: string;
  references: string[];
}

export interface FindingSubject {
  /** `Namespace`, `NetworkPolicy`, a workload kind, `Service`, a CRD kind, `NodePool`. */
  kind: string;
  namespace: string | null;
  name: string;
}

export interface FindingItem {
  /** Content hash: the same finding in two snapshots has the same id. */
  id: string;
  ruleId: string;
  slug: string | null;
  category: FindingCategory | null;
  severity: FindingSeverity;
  title: string;
  /** Specific: names the namespace, policy or workload and the numbers. */
  message: string;
  namespace: string | null;
  object: FindingSubject | null;
  remediation: FindingRemediation | null;
  /** YAML filled in for this finding (a NetworkPolicy or Service patch), when the rule has one. */
  remediationYaml: string | null;
  /** The exception in force covering this finding (it stays listed, marked), or null. */
  excepted?: ExceptedRef | null;
}

/** A finding in the fleet list: which cluster and which snapshot it comes from. */
export interface FleetFindingItem extends FindingItem {
  cluster: { id: string; name: string };
  snapshot: { id: string; takenAt: string };
}

/**
 * Orders of `GET /api/findings?sort=`: a field ascending, or descending with a leading `-`.
 * Severity ranks info < low < medium < high < critical, so `-severity` (the default) lists the
 * most severe first. `namespace` is the finding's namespace or its object's; findings about no
 * namespace come last either way. Ties break by severity (most severe first), cluster name, rule
 * id and finding id, so pages never overlap.
 */
export type FindingSort = '-severity' | 'severity' | 'cluster' | '-cluster' | 'rule' | '-rule' | 'namespace' | '-namespace';
