// Builders for the findings specs: small ClusterStates written the way kubectl prints them.
import type { ClusterState, NetworkPolicy, PodInfo } from '../model';
import { analyzePosture } from '../posture';
import type { PostureOptions } from '../posture.types';
import { computeFindings } from './compute-findings';
import type { Finding, FindingOptions } from './finding.types';

export const CILIUM = { networkPlugin: 'azure', networkPluginMode: 'overlay', networkPolicy: 'cilium', networkDataplane: 'cilium' };
export const NPM = { networkPlugin: 'azure', networkPolicy: 'azure' };
export const CALICO = { networkPlugin: 'azure', networkPolicy: 'calico' };

export function ns(name: string, labels: Record<string, string> = {}) {
  return { name, labels };
}

export function pod(namespace: string, name: string, labels: Record<string, string>, extra: Partial<PodInfo> = {}): PodInfo {
  return { namespace, name, labels, ...extra };
}

export function np(namespace: string, name: string, spec: Partial<NetworkPolicy['spec']>): NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec: { podSelector: {}, ...spec } };
}

export const denyAll = (namespace: string, types: ('Ingress' | 'Egress')[] = ['Ingress', 'Egress']): NetworkPolicy =>
  np(namespace, 'default-deny', { podSelector: {}, policyTypes: types });

export const dnsEgress = (namespace: string, protocols: ('UDP' | 'TCP')[] = ['UDP', 'TCP']): NetworkPolicy =>
  np(namespace, 'allow-dns', {
    policyTypes: ['Egress'],
    egress: [{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: protocols.map((protocol) => ({ protocol, port: 53 })),
    }],
  });

export function state(partial: Partial<ClusterState>): ClusterState {
  return { namespaces: [], pods: [], networkPolicies: [], networkProfile: CILIUM, ...partial };
}

export function findings(s: ClusterState, options: FindingOptions = {}, postureOptions: PostureOptions = {}): Finding[] {
  return computeFindings(s, analyzePosture(s, postureOptions), options);
}

export function byRule(s: ClusterState, ruleId: string, options: FindingOptions = {}): Finding[] {
  return findings(s, options).filter((f) => f.ruleId === ruleId);
}
