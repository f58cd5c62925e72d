// Public surface of the policy engine: the input model, the normalized policy view and the
// posture analysis. Pure functions over plain data; callers own I/O and time.
export * from './model';
export * from './selectors';
export * from './ip-ranges';
export * from './policies';
export * from './calico-selectors';
export { crdFamily, crdObjectName, readCrdPolicies } from './crd-policies';
export type { CrdFamily, CrdReadResult, CrdSelection } from './crd-policies';
export * from './posture.types';
export { analyzePosture, readEnforcement, namespaceLabels, DEFAULT_EXCLUDED_NAMESPACES, NAMESPACE_NAME_LABEL } from './posture';
export * from './findings';
export * from './reachability';
export * from './input-problems';
export * from './policy-view';
export * from './diff';
