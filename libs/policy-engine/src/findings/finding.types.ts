// The shapes of the findings catalog and of one finding. Plain JSON data, like the posture, so
// the CLI, the API and the snapshot writer can pass findings on unchanged.

export type FindingSeverity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** Most severe first: the sort order of findings and of reports. */
export const SEVERITIES: readonly FindingSeverity[] = ['critical', 'high', 'medium', 'low', 'info'];

export type FindingCategory = 'enforcement' | 'baseline' | 'coverage' | 'policy-quality' | 'platform' | 'exposure' | 'evaluation';

export interface FindingRule {
  /** Stable, never reused: `KORDON-001`. */
  id: string;
  slug: string;
  title: string;
  /**
   * The severity findings of this rule carry. A few rules grade individual findings (retirement
   * deadlines by `now`, allow-all rules restricted to some ports, load balancers in namespaces
   * without ingress isolation); `severityNote` says how.
   */
  severity: FindingSeverity;
  severityNote?: string;
  category: FindingCategory;
  rationale: string;
  remediation: string;
  /** A template; findings carry the YAML filled in for their case. */
  remediationYaml?: string;
  /** `excluded` namespaces (system namespaces by default) are skipped by this rule. */
  skipsExcludedNamespaces: boolean;
  references: string[];
}

export interface FindingObject {
  /** `Namespace`, `NetworkPolicy`, a workload kind, `Service`, a CRD kind, `NodePool`. */
  kind: string;
  namespace?: string;
  name: string;
}

export interface Finding {
  ruleId: string;
  severity: FindingSeverity;
  title: string;
  /** Specific: names the namespace, policy or workload and the numbers. */
  message: string;
  namespace?: string;
  object?: FindingObject;
  remediation: string;
  remediationYaml?: string;
}

export interface FindingOptions {
  /** ISO 8601 date or date-time (`2026-05-30` or `2026-05-30T03:55:00Z`) for retirement deadlines. */
  now?: string;
}
