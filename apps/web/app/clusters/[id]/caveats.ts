// What each AKS network policy engine does and does not enforce, in words (from the seeds: see
// shared/domain.md). The profile card shows these beside the snapshot's own platform and
// enforcement findings, which say what applies to this cluster's objects.
import type { ClusterProfile } from '@kordon/contracts';

export type CaveatTone = 'bad' | 'warn' | 'info';

export interface EngineCaveat {
  tone: CaveatTone;
  title: string;
  text: string;
}

const n = (v: number) => v.toLocaleString('en-US');

export function engineCaveats(profile: ClusterProfile): EngineCaveat[] {
  const engine = profile.snapshot.engine;
  const np = profile.networkProfile;
  const out: EngineCaveat[] = [];
  const nodes = profile.nodePools.reduce((s, p) => s + (p.count ?? 0), 0) || profile.counts?.nodes || 0;
  const pods = profile.counts?.pods ?? 0;
  const windows = profile.nodePools.some((p) => (p.osType ?? '').toLowerCase() === 'windows');
  if (engine === 'none' || engine === 'unknown' || !profile.snapshot.enforced) {
    out.push({
      tone: 'bad',
      title: engine === 'unknown' ? 'The policy engine is unknown' : 'Nothing is enforced',
      text:
        engine === 'unknown'
          ? 'The snapshot did not report networkProfile.networkPolicy, so Kordon cannot confirm that any NetworkPolicy is enforced. Treat every connection as allowed until it is confirmed.'
          : 'networkProfile.networkPolicy is "none": NetworkPolicy objects exist in the API but no engine enforces them, so every pod can reach every other pod whatever the policies say. Coverage below is what the policies declare, not what the network does.',
    });
  }
  if (engine === 'azure') {
    out.push({
      tone: 'warn',
      title: 'Azure Network Policy Manager: scale ceiling',
      text: `On Linux, Azure NPM is not supported beyond 250 nodes and 20,000 pods (it runs out of memory), and it has no IPv6. This cluster: ${n(nodes)} nodes, ${n(pods)} pods.${nodes > 250 || pods > 20000 ? ' It is beyond the ceiling.' : ''} Editing or deleting a policy with several ipBlock sections can open a race on NPM: keep four or fewer.`,
    });
    out.push({
      tone: 'warn',
      title: 'Azure Network Policy Manager is being retired',
      text: 'Azure NPM is being retired (Linux nodes: end of support 30 September 2028; Windows nodes: 30 September 2026). Plan the move to Azure CNI Powered by Cilium.',
    });
    if (windows) {
      out.push({
        tone: 'warn',
        title: 'Azure NPM on Windows nodes',
        text: 'On Windows node pools, NPM does not support named ports, SCTP, negative selectors (NotIn, DoesNotExist) or ipBlock except ranges: policies using them do not behave as written there.',
      });
    }
  }
  if (engine === 'cilium') {
    out.push({
      tone: 'info',
      title: 'Cilium: ipBlock and hostNetwork limits',
      text: 'With Azure CNI Powered by Cilium, ipBlock cannot select pod or node addresses (use pod and namespace selectors for in-cluster peers), and policies are not enforced on hostNetwork pods. CiliumNetworkPolicy L7 and FQDN rules count for isolation but Kordon does not evaluate them.',
    });
  }
  if (engine === 'calico') {
    out.push({
      tone: 'info',
      title: 'Calico extras are untested by AKS',
      text: 'Calico GlobalNetworkPolicy and other Calico extras are not tested by AKS. Kordon counts Calico CRD policies for isolation but does not evaluate their rules or their ordering.',
    });
  }
  if (np?.networkPlugin === 'kubenet') {
    out.push({
      tone: 'warn',
      title: 'kubenet retires on 31 March 2028',
      text: 'This cluster uses kubenet networking, which AKS retires on 31 March 2028: migrate to Azure CNI overlay.',
    });
  }
  return out;
}
