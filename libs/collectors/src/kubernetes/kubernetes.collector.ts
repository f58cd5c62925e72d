// Owns reading one live cluster through its API server into a ClusterState: namespaces, pods,
// nodes, LoadBalancer services, NetworkPolicies and (when installed) Cilium/Calico CRD policies.
// Lists are paged so a 20,000-pod cluster never arrives in one response; policies are kept as
// served for evidence. Cluster-level failures come back as problems with `state: null`.
import { KubeConfig } from '@kubernetes/client-node';
import type { CrdPolicy, NamespaceInfo, NetworkPolicy, NodeInfo, PodInfo, Problem, ServiceInfo } from '@kordon/policy-engine';
import {
  CRD_POLICY_KINDS,
  type CrdPolicyKind,
  deriveWorkloads,
  normalizeNamespace,
  normalizeNode,
  normalizePod,
  normalizeService,
  validateNetworkPolicy,
} from '../normalize';
import type { CollectOptions, CollectResult } from '../types';
import { type KubeApi, KubeRequestError, openKubeApi, RAW_TEXT } from './kube-api.client';
import { rawListItems } from './raw-items';

export interface KubernetesSource {
  /** A kubeconfig document (e.g. from AKS listClusterUserCredentials). */
  kubeconfigYaml?: string;
  kubeconfigPath?: string;
  /** Context to use instead of the kubeconfig's current-context. */
  context?: string;
  /** Replaces the context user's credentials, e.g. an Entra ID token instead of kubelogin. */
  bearerToken?: string;
}

export const DEFAULT_PAGE_SIZE = 500;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The core lists, in the order they are read; `group` is what RBAC calls the API group. */
export const CORE_RESOURCES = [
  { resource: 'namespaces', group: '', path: '/api/v1/namespaces' },
  { resource: 'pods', group: '', path: '/api/v1/pods' },
  { resource: 'nodes', group: '', path: '/api/v1/nodes' },
  { resource: 'services', group: '', path: '/api/v1/services' },
  { resource: 'networkpolicies', group: 'networking.k8s.io', path: '/apis/networking.k8s.io/v1/networkpolicies' },
] as const;

type Obj = Record<string, unknown>;

function loadKubeConfig(source: KubernetesSource): KubeConfig {
  const kc = new KubeConfig();
  if (source.kubeconfigYaml !== undefined) kc.loadFromString(source.kubeconfigYaml);
  else if (source.kubeconfigPath) kc.loadFromFile(source.kubeconfigPath);
  else kc.loadFromDefault();
  if (source.context) {
    if (!kc.getContextObject(source.context)) throw new Error(`context "${source.context}" is not in the kubeconfig`);
    kc.setCurrentContext(source.context);
  }
  if (source.bearerToken) {
    const ctx = kc.getContextObject(kc.getCurrentContext());
    if (!ctx) throw new Error('kubeconfig has no current context');
    // Swap the whole user so that an exec plugin (kubelogin) or client cert is not also applied.
    const userName = `${ctx.user || 'user'}-bearer`;
    kc.loadFromOptions({
      clusters: kc.clusters,
      users: [...kc.users, { name: userName, token: source.bearerToken }],
      contexts: kc.contexts.map((c) => (c.name === ctx.name ? { ...c, user: userName } : c)),
      currentContext: ctx.name,
    });
  }
  if (!kc.getCurrentCluster()) throw new Error('kubeconfig has no current cluster');
  if (!kc.getCurrentUser()) throw new Error('kubeconfig has no user for the current context');
  return kc;
}

function describeFailure(err: KubeRequestError, resource: string, group: string): string {
  if (err.code === 'forbidden') {
    return `Forbidden to list ${resource}${group ? ` (API group ${group})` : ''}: the identity needs get/list on ${resource} (see deploy/rbac.yaml). ${err.message}`;
  }
  if (err.code === 'unauthorized') return `Unauthorized: the API server rejected the credentials. ${err.message}`;
  return err.message;
}

function asObj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

interface Lister {
  api: KubeApi;
  pageSize: number;
  counts: Record<string, number>;
  problems: Problem[];
  onProgress?: CollectOptions['onProgress'];
}

/**
 * Reads a list page by page with limit/continue and hands each item to `onItem` as parsed from
 * the wire. A continue token that expired mid-list (410) is resumed with the inconsistent token
 * the server offers, with a warning, rather than restarting a very large list.
 */
async function listAll(l: Lister, path: string, resource: string, phase: string, onItem: (item: unknown, raw: string | undefined) => void): Promise<void> {
  let cont: string | undefined;
  l.counts[resource] ??= 0;
  do {
    let body: unknown;
    try {
      body = await l.api.get(path, { limit: l.pageSize, continue: cont });
    } catch (err) {
      const next = err instanceof KubeRequestError && err.code === 'expired' ? asObj(err.statusBody?.metadata)?.continue : undefined;
      if (typeof next !== 'string' || !next) throw err;
      l.problems.push({
        severity: 'warning',
        code: 'inconsistent-list',
        message: `The ${resource} list took longer than the server keeps a consistent snapshot; the rest was read from a newer one`,
        object: path,
      });
      cont = next;
      continue;
    }
    const list = asObj(body);
    if (!list || !Array.isArray(list.items)) {
      throw new KubeRequestError('server-error', `GET ${path} returned no List (items missing)`, path);
    }
    // The exact bytes of each item, for evidence; undefined if the page could not be split.
    const rawText = (body as { [RAW_TEXT]?: string })[RAW_TEXT];
    const raws = rawText ? rawListItems(rawText) : null;
    const aligned = raws && raws.length === list.items.length ? raws : undefined;
    list.items.forEach((item, i) => onItem(item, aligned?.[i]));
    l.counts[resource] += list.items.length;
    l.onProgress?.({ phase, counts: { ...l.counts } });
    const c = asObj(list.metadata)?.continue;
    cont = typeof c === 'string' && c ? c : undefined;
  } while (cont);
}

/** Which CRD policy kinds the server serves, from discovery (needs no RBAC beyond authentication). */
async function discoverCrdKinds(api: KubeApi, problems: Problem[]): Promise<CrdPolicyKind[]> {
  let groups: Obj[];
  try {
    const list = asObj(await api.get('/apis'));
    groups = (Array.isArray(list?.groups) ? list.groups : []).map(asObj).filter((g): g is Obj => !!g);
  } catch (err) {
    if (err instanceof KubeRequestError && err.code === 'aborted') throw err;
    problems.push({ severity: 'warning', code: 'discovery-failed', message: `API discovery failed, CRD policies not read: ${(err as Error).message}`, object: '/apis' });
    return [];
  }
  const served = new Set<string>();
  for (const g of groups) {
    for (const v of Array.isArray(g.versions) ? g.versions : []) {
      const gv = asObj(v)?.groupVersion;
      if (typeof gv === 'string') served.add(gv);
    }
  }
  const found: CrdPolicyKind[] = [];
  const groupVersions = [...new Set(CRD_POLICY_KINDS.map((k) => `${k.group}/${k.version}`))].filter((gv) => served.has(gv));
  for (const gv of groupVersions) {
    try {
      const rl = asObj(await api.get(`/apis/${gv}`));
      const names = new Set((Array.isArray(rl?.resources) ? rl.resources : []).map((r) => asObj(r)?.name));
      found.push(...CRD_POLICY_KINDS.filter((k) => `${k.group}/${k.version}` === gv && names.has(k.plural)));
    } catch (err) {
      if (err instanceof KubeRequestError && err.code === 'aborted') throw err;
      problems.push({ severity: 'warning', code: 'discovery-failed', message: `Discovery of ${gv} failed, its policies not read: ${(err as Error).message}`, object: `/apis/${gv}` });
    }
  }
  return found;
}

function crdPath(k: CrdPolicyKind): string {
  return `/apis/${k.group}/${k.version}/${k.plural}`;
}

export async function collectFromKubernetes(source: KubernetesSource, opts: CollectOptions = {}): Promise<CollectResult> {
  const problems: Problem[] = [];
  let kc: KubeConfig;
  try {
    kc = loadKubeConfig(source);
  } catch (err) {
    // The loader's messages name files and fields, never their contents.
    const reason = err instanceof Error ? err.message.split('\n')[0].slice(0, 200) : 'unreadable';
    problems.push({ severity: 'error', code: 'invalid-config', message: `kubeconfig could not be used: ${reason}` });
    return { state: null, problems };
  }
  const meta: Record<string, unknown> = {};
  let api: KubeApi;
  try {
    api = await openKubeApi(kc, { timeoutMs: opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, signal: opts.signal });
  } catch (err) {
    const e = err as KubeRequestError;
    problems.push({ severity: 'error', code: e.code ?? 'unauthorized', message: e.message });
    return { state: null, problems };
  }
  meta.apiServer = api.host;
  const lister: Lister = { api, pageSize: opts.pageSize ?? DEFAULT_PAGE_SIZE, counts: {}, problems, onProgress: opts.onProgress };

  const namespaces: NamespaceInfo[] = [];
  const pods: PodInfo[] = [];
  const nodes: NodeInfo[] = [];
  const services: ServiceInfo[] = [];
  const networkPolicies: NetworkPolicy[] = [];
  const npTexts: string[] = [];
  const crdPolicies: CrdPolicy[] = [];
  const crdTexts: string[] = [];
  let kubernetesVersion: string | undefined;

  const fatal = (err: unknown, resource: string, group: string): CollectResult => {
    if (err instanceof KubeRequestError) {
      problems.push({ severity: 'error', code: err.code, message: describeFailure(err, resource, group), object: err.path || undefined });
    } else {
      problems.push({ severity: 'error', code: 'server-error', message: `Reading ${resource} failed: ${(err as Error)?.message ?? String(err)}` });
    }
    return { state: null, problems, meta };
  };

  try {
    try {
      const v = asObj(await api.get('/version'));
      if (typeof v?.gitVersion === 'string') {
        meta.serverVersion = v.gitVersion;
        kubernetesVersion = v.gitVersion.replace(/^v/, '');
      }
    } catch (err) {
      // /version is public to every authenticated user; a 403/404 there (some proxies) is not fatal.
      if (!(err instanceof KubeRequestError) || !['forbidden', 'not-found'].includes(err.code)) return fatal(err, 'version', '');
      problems.push({ severity: 'warning', code: err.code, message: `Server version unavailable: ${err.message}`, object: '/version' });
    }

    for (const r of CORE_RESOURCES) {
      try {
        await listAll(lister, r.path, r.resource, r.resource, (item, raw) => {
          switch (r.resource) {
            case 'namespaces':
              namespaces.push(normalizeNamespace(item));
              break;
            case 'pods':
              pods.push(normalizePod(item));
              break;
            case 'nodes':
              nodes.push(normalizeNode(item));
              break;
            case 'services': {
              // Only LoadBalancer services matter: policies may not see their clients, source ranges do.
              const svc = normalizeService(item);
              if (svc.type === 'LoadBalancer') services.push(svc);
              break;
            }
            case 'networkpolicies': {
              const invalid = validateNetworkPolicy(item, r.path);
              if (invalid.length) {
                problems.push(...invalid);
                break;
              }
              networkPolicies.push(item as NetworkPolicy);
              npTexts.push(raw ?? JSON.stringify(item));
              break;
            }
          }
        });
      } catch (err) {
        return fatal(err, r.resource, r.group);
      }
    }

    const crdKinds = await discoverCrdKinds(api, problems);
    for (const k of crdKinds) {
      const path = crdPath(k);
      const items: unknown[] = [];
      const raws: (string | undefined)[] = [];
      try {
        await listAll(lister, path, k.plural, 'crds', (item, raw) => {
          items.push(item);
          raws.push(raw);
        });
      } catch (err) {
        if (err instanceof KubeRequestError && err.code === 'aborted') return fatal(err, k.plural, k.group);
        problems.push({
          severity: 'warning',
          code: err instanceof KubeRequestError ? err.code : 'server-error',
          message: `${k.kind} objects not read (optional): ${err instanceof KubeRequestError ? describeFailure(err, k.plural, k.group) : String(err)}`,
          object: path,
        });
        continue;
      }
      for (const [i, item] of items.entries()) {
        const name = asObj(asObj(item)?.metadata)?.name;
        if (typeof name !== 'string' || !name) {
          problems.push({ severity: 'warning', code: 'invalid-object', message: `${k.kind} without metadata.name skipped`, object: path, field: 'metadata.name' });
          continue;
        }
        crdPolicies.push(item as CrdPolicy);
        crdTexts.push(raws[i] ?? JSON.stringify(item));
      }
    }
  } catch (err) {
    return fatal(err, 'cluster', '');
  } finally {
    api.close();
  }

  return {
    state: {
      namespaces,
      pods,
      networkPolicies,
      workloads: deriveWorkloads(pods),
      services,
      nodes,
      crdPolicies,
      ...(kubernetesVersion ? { kubernetesVersion } : {}),
    },
    problems,
    policyTexts: [...npTexts, ...crdTexts],
    meta,
  };
}
