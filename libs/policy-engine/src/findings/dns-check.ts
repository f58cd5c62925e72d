// Whether a pod can reach CoreDNS on 53/UDP and 53/TCP under the NetworkPolicies in force: egress
// allowed at the source and ingress allowed at a kube-dns pod, the same semantics as posture
// (peers by selector, ipBlocks never match pods, named ports resolved on the destination pod).
// CRD policies' allow rules are not evaluated: a pod whose egress involves one is "unknown".

import type { ContainerPort, Labels, Protocol } from '../model';
import type { NormalizedPeer, NormalizedPolicy, NormalizedPort, NormalizedRule } from '../policies';
import { matchesSelector } from '../selectors';

export interface Endpoint {
  namespace: string;
  name: string;
  labels: Labels;
  namespaceLabels: Labels;
  ports: ContainerPort[];
}

/** CoreDNS's container ports on AKS, used when the DNS pods (or their ports) were not collected. */
export const COREDNS_PORTS: ContainerPort[] = [
  { name: 'dns', containerPort: 53, protocol: 'UDP' },
  { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
  { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
];

export const DNS_PROTOCOLS: readonly ('UDP' | 'TCP')[] = ['UDP', 'TCP'];

function peerMatches(peer: NormalizedPeer, policyNamespace: string, other: Endpoint): boolean {
  switch (peer.kind) {
    case 'pods':
      return other.namespace === policyNamespace && matchesSelector(peer.podSelector, other.labels);
    case 'namespaces':
      return matchesSelector(peer.namespaceSelector, other.namespaceLabels);
    case 'podsInNamespaces':
      return matchesSelector(peer.namespaceSelector, other.namespaceLabels) && matchesSelector(peer.podSelector, other.labels);
    case 'ipBlock':
      return false;
  }
}

function portMatches(port: NormalizedPort, protocol: Protocol, number: number, destination: Endpoint): boolean {
  if (port.protocol !== protocol) return false;
  switch (port.kind) {
    case 'all':
      return true;
    case 'range':
      return number >= port.from && number <= port.to;
    case 'named':
      return destination.ports.some((p) => p.name === port.name && (p.protocol ?? 'TCP') === protocol && p.containerPort === number);
  }
}

function ruleAllows(rule: NormalizedRule, policyNamespace: string, peer: Endpoint, protocol: Protocol, port: number, destination: Endpoint): boolean {
  const peerOk = rule.allPeers || rule.peers.some((p) => peerMatches(p, policyNamespace, peer));
  return peerOk && (rule.allPorts || rule.ports.some((p) => portMatches(p, protocol, port, destination)));
}

/**
 * Allowed by the given direction's policies (those selecting `subject` for it). No policy means
 * the direction is not isolated: allowed.
 */
export function directionAllows(
  policies: readonly NormalizedPolicy[],
  direction: 'ingress' | 'egress',
  subject: Endpoint,
  peer: Endpoint,
  protocol: Protocol,
  port: number,
): boolean {
  if (policies.length === 0) return true;
  const destination = direction === 'egress' ? peer : subject;
  return policies.some((p) => p.rules[direction].some((r) => ruleAllows(r, p.namespace, peer, protocol, port, destination)));
}

/** The NetworkPolicies of `namespacePolicies` selecting `subject` for `direction`. */
export function selectingPolicies(namespacePolicies: readonly NormalizedPolicy[], direction: 'ingress' | 'egress', labels: Labels): NormalizedPolicy[] {
  return namespacePolicies.filter((p) => p.policyTypes.includes(direction) && matchesSelector(p.podSelector, labels));
}
