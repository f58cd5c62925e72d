// The bench's Cilium-heavy cluster: every NetworkPolicy of a synthetic cluster rewritten as the
// CiliumClusterwideNetworkPolicy that means the same (the namespace pinned with
// `k8s:io.kubernetes.pod.namespace`, namespace labels as `io.cilium.k8s.namespace.labels.*`, one
// L3 kind per rule, ports as toPorts), so its matrix must equal the NetworkPolicy version's, plus
// deny rules that cut specific peers (which the matrix evaluates cell by cell).
import type { CrdPolicy, LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '@kordon/policy-engine';

const NS_KEY = 'k8s:io.kubernetes.pod.namespace';
const NS_LABEL = 'io.cilium.k8s.namespace.labels.';
type Rule = Record<string, unknown>;

function nsPart(sel: LabelSelector): LabelSelector {
  const key = (k: string) => (k === 'kubernetes.io/metadata.name' ? NS_KEY : `${NS_LABEL}${k}`);
  return {
    matchLabels: Object.fromEntries(Object.entries(sel.matchLabels ?? {}).map(([k, v]) => [key(k), v])),
    matchExpressions: (sel.matchExpressions ?? []).map((e) => ({ ...e, key: key(e.key) })),
  };
}

function merge(a: LabelSelector, b: LabelSelector): LabelSelector {
  return { matchLabels: { ...a.matchLabels, ...b.matchLabels }, matchExpressions: [...(a.matchExpressions ?? []), ...(b.matchExpressions ?? [])] };
}

const inNamespace = (sel: LabelSelector, ns: string): LabelSelector => merge(sel, { matchLabels: { [NS_KEY]: ns } });

function toPorts(ports: NetworkPolicyPort[] | undefined): Rule {
  if (!ports || ports.length === 0) return {};
  return {
    toPorts: [
      {
        ports: ports.map((p) => ({
          port: p.port === undefined ? '0' : String(p.port),
          protocol: p.protocol ?? 'TCP',
          ...(p.endPort !== undefined ? { endPort: p.endPort } : {}),
        })),
      },
    ],
  };
}

function rules(list: { peers?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[], dir: 'from' | 'to', ns: string): Rule[] {
  if (list.length === 0) return [{}];
  const out: Rule[] = [];
  for (const r of list) {
    const ports = toPorts(r.ports);
    if (!r.peers || r.peers.length === 0) {
      out.push(Object.keys(ports).length > 0 ? ports : { [`${dir}Entities`]: ['all'] });
      continue;
    }
    const endpoints: LabelSelector[] = [];
    for (const p of r.peers) {
      if (p.ipBlock) out.push({ [`${dir}CIDRSet`]: [{ cidr: p.ipBlock.cidr, ...(p.ipBlock.except ? { except: p.ipBlock.except } : {}) }], ...ports });
      else if (p.namespaceSelector && p.podSelector) endpoints.push(merge(nsPart(p.namespaceSelector), p.podSelector));
      else if (p.namespaceSelector) endpoints.push(nsPart(p.namespaceSelector));
      else if (p.podSelector) endpoints.push(inNamespace(p.podSelector, ns));
    }
    if (endpoints.length > 0) out.push({ [`${dir}Endpoints`]: endpoints, ...ports });
  }
  return out;
}

/** The CiliumClusterwideNetworkPolicy equivalent of one NetworkPolicy. */
export function ciliumEquivalent(np: NetworkPolicy): CrdPolicy {
  const ns = np.metadata.namespace ?? 'default';
  const spec = np.spec;
  const types = spec.policyTypes ?? (spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
  const out: Rule = { endpointSelector: inNamespace(spec.podSelector ?? {}, ns) };
  if (types.includes('Ingress')) out.ingress = rules((spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports })), 'from', ns);
  if (types.includes('Egress')) out.egress = rules((spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports })), 'to', ns);
  return { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: `${ns}.${np.metadata.name}` }, spec: out };
}

/** Deny rules on specific peers: dev namespaces may not reach prod databases, nor anyone SSH. */
export function ciliumDenies(): CrdPolicy[] {
  return [
    {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumClusterwideNetworkPolicy',
      metadata: { name: 'deny-dev-to-prod-db' },
      spec: {
        endpointSelector: { matchLabels: { app: 'db', [`${NS_LABEL}env`]: 'prod' } },
        enableDefaultDeny: { ingress: false },
        ingressDeny: [{ fromEndpoints: [{ matchLabels: { [`${NS_LABEL}env`]: 'dev' } }] }],
      },
    },
    {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumClusterwideNetworkPolicy',
      metadata: { name: 'deny-ssh' },
      spec: { endpointSelector: {}, enableDefaultDeny: { ingress: false }, ingressDeny: [{ toPorts: [{ ports: [{ port: '22', protocol: 'TCP' }] }] }] },
    },
  ];
}
