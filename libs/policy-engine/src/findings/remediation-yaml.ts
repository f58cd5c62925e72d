// Remediation manifests, filled in for one namespace or service. Built as text (the engine has
// no YAML dependency); names are Kubernetes DNS labels, so they need no quoting.

export const PLACEHOLDER_NAMESPACE = '<namespace>';

export function defaultDenyYaml(namespace: string, direction: 'ingress' | 'egress' | 'both'): string {
  const types = direction === 'both' ? ['Ingress', 'Egress'] : [direction === 'ingress' ? 'Ingress' : 'Egress'];
  const name = direction === 'both' ? 'default-deny' : `default-deny-${direction}`;
  return [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'spec:',
    '  podSelector: {}',
    '  policyTypes:',
    ...types.map((t) => `  - ${t}`),
    '',
  ].join('\n');
}

/** Egress to CoreDNS (kube-system, k8s-app=kube-dns) on 53/UDP and 53/TCP for every pod of the namespace. */
export function allowDnsEgressYaml(namespace: string): string {
  return [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    '  name: allow-dns-egress',
    `  namespace: ${namespace}`,
    'spec:',
    '  podSelector: {}',
    '  policyTypes:',
    '  - Egress',
    '  egress:',
    '  - to:',
    '    - namespaceSelector:',
    '        matchLabels:',
    '          kubernetes.io/metadata.name: kube-system',
    '      podSelector:',
    '        matchLabels:',
    '          k8s-app: kube-dns',
    '    ports:',
    '    - protocol: UDP',
    '      port: 53',
    '    - protocol: TCP',
    '      port: 53',
    '',
  ].join('\n');
}

/** Ingress to CoreDNS on 53/UDP and 53/TCP from every namespace, for a kube-system that isolates it. */
export function allowDnsIngressYaml(): string {
  return [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    '  name: allow-dns-ingress',
    '  namespace: kube-system',
    'spec:',
    '  podSelector:',
    '    matchLabels:',
    '      k8s-app: kube-dns',
    '  policyTypes:',
    '  - Ingress',
    '  ingress:',
    '  - from:',
    '    - namespaceSelector: {}',
    '    ports:',
    '    - protocol: UDP',
    '      port: 53',
    '    - protocol: TCP',
    '      port: 53',
    '',
  ].join('\n');
}

export function loadBalancerSourceRangesYaml(namespace: string, name: string): string {
  return [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'spec:',
    '  type: LoadBalancer',
    '  loadBalancerSourceRanges:',
    '  - 203.0.113.0/24   # replace with the client ranges that may connect',
    '',
  ].join('\n');
}

export const joinDocuments = (...docs: string[]): string => docs.join('---\n');
