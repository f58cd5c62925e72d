// Links between the namespace and policy pages; `at` (as written in the URL) is kept so a past
// view stays in the past.
import { withAt } from '../../../../../lib/as-of';

const enc = encodeURIComponent;

export function clusterHref(clusterId: string, at?: string | null): string {
  return withAt(`/clusters/${enc(clusterId)}`, at);
}

export function namespaceHref(clusterId: string, namespace: string, at?: string | null): string {
  return withAt(`/clusters/${enc(clusterId)}/namespaces/${enc(namespace)}`, at);
}

/** A policy by kind and name; NetworkPolicy is the default kind and stays out of the URL. */
export function policyHref(clusterId: string, namespace: string, kind: string, name: string, at?: string | null): string {
  const base = `/clusters/${enc(clusterId)}/namespaces/${enc(namespace)}/policies/${enc(name)}`;
  return withAt(kind === 'NetworkPolicy' ? base : `${base}?kind=${enc(kind)}`, at);
}

/** A policy as workloads name it: a NetworkPolicy by name, a CRD policy as `Kind/name`. */
export function policyRefHref(clusterId: string, namespace: string, ref: string, at?: string | null): string {
  const slash = ref.indexOf('/');
  return slash < 0 ? policyHref(clusterId, namespace, 'NetworkPolicy', ref, at) : policyHref(clusterId, namespace, ref.slice(0, slash), ref.slice(slash + 1), at);
}
