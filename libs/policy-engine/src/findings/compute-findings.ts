// Owns turning a cluster's state and posture into findings from the catalog (./catalog.ts). Pure:
// time comes in as options.now; the same input always yields the same findings in the same order.

import type { ClusterState } from '../model';
import type { ClusterPosture } from '../posture.types';
import { buildContext, makeEmit } from './context';
import { SEVERITIES, type Finding, type FindingOptions } from './finding.types';
import { checkBaselines, checkDnsUnderEgressDeny, checkHostNetwork, checkLoadBalancers, checkOpenWorkloads } from './namespace.checks';
import { checkAzureNpm, checkCiliumIpBlocks, checkCrdPolicies, checkEnforcement, checkKubenet } from './platform.checks';
import { checkAllowAllPeers, checkIgnoredParts, checkPoliciesSelectingNothing, checkSelectorDrift } from './policy.checks';

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function objectKey(f: Finding): string {
  return f.object ? `${f.object.kind}\u0000${f.object.namespace ?? ''}\u0000${f.object.name}` : '';
}

/** Severity (most severe first), rule id, namespace (cluster-level first), object, message. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    byString(a.ruleId, b.ruleId) ||
    byString(a.namespace ?? '', b.namespace ?? '') ||
    byString(objectKey(a), objectKey(b)) ||
    byString(a.message, b.message)
  );
}

/**
 * Every finding of the catalog for one cluster. `posture` must be `analyzePosture(state, …)` of
 * the same state: the exclusion list and isolation are read from it.
 */
export function computeFindings(state: ClusterState, posture: ClusterPosture, options: FindingOptions = {}): Finding[] {
  const ctx = buildContext(state, posture, options.now);
  const out: Finding[] = [];
  const emit = makeEmit(out);
  checkEnforcement(ctx, emit);
  checkBaselines(ctx, emit);
  checkOpenWorkloads(ctx, emit);
  checkPoliciesSelectingNothing(ctx, emit);
  checkSelectorDrift(ctx, emit);
  checkDnsUnderEgressDeny(ctx, emit);
  checkAllowAllPeers(ctx, emit);
  checkAzureNpm(ctx, emit);
  checkKubenet(ctx, emit);
  checkCiliumIpBlocks(ctx, emit);
  checkHostNetwork(ctx, emit);
  checkLoadBalancers(ctx, emit);
  checkCrdPolicies(ctx, emit);
  checkIgnoredParts(ctx, emit);
  return out.sort(compareFindings);
}
