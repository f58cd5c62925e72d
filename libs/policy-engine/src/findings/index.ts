// Public surface of the findings catalog.
export * from './finding.types';
export { FINDING_RULES, findingRule, RULE } from './catalog';
export { computeFindings, compareFindings } from './compute-findings';
