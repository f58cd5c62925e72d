// Turns stored finding rows into API items, joined with the engine's catalog for remediation.
import { FINDING_RULES, type FindingRule } from '@kordon/policy-engine';
import type { FindingCategory, FindingItem, FindingRuleView, FindingSeverity } from '@kordon/contracts';
import type { FindingRecord } from './findings.repository';

const RULES = new Map<string, FindingRule>(FINDING_RULES.map((r) => [r.id, r]));

export const RULE_IDS: string[] = FINDING_RULES.map((r) => r.id);

export function ruleView(r: FindingRule): FindingRuleView {
  return {
    id: r.id,
    slug: r.slug,
    title: r.title,
    severity: r.severity,
    severityNote: r.severityNote ?? null,
    category: r.category as FindingCategory,
    rationale: r.rationale,
    remediation: r.remediation,
    remediationYaml: r.remediationYaml ?? null,
    skipsExcludedNamespaces: r.skipsExcludedNamespaces,
    references: [...r.references],
  };
}

export function toFindingItem(f: FindingRecord): FindingItem {
  // A rule retired from the catalog after the snapshot was stored still reads, without remediation.
  const rule = RULES.get(f.rule_id);
  return {
    id: f.hash,
    ruleId: f.rule_id,
    slug: rule?.slug ?? null,
    category: (rule?.category as FindingCategory | undefined) ?? null,
    severity: f.severity as FindingSeverity,
    title: f.title,
    message: f.message,
    namespace: f.namespace,
    object: f.object_kind && f.object_name ? { kind: f.object_kind, namespace: f.object_namespace, name: f.object_name } : null,
    remediation: rule ? { title: rule.title, rationale: rule.rationale, remediation: rule.remediation, references: [...rule.references] } : null,
    remediationYaml: f.remediation_yaml,
  };
}
