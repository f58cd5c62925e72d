import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CollectProgress } from '../types';
import { type FakeKubeServer, startFakeKubeServer } from '../testing/fake-kube-server';
import { generateSyntheticCluster, type KubeDataset } from '../testing/synthetic-cluster';
import { collectFromKubernetes } from './kubernetes.collector';

const ns = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });

/** A small hand-written cluster whose expected normalization is easy to read. */
function smallDataset(): KubeDataset {
  const owner = (kind: string, name: string) => [{ apiVersion: 'apps/v1', kind, name, uid: `uid-${name}`, controller: true }];
  const pod = (namespace: string, name: string, labels: Record<string, string>, ownerReferences?: unknown[]) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels, ...(ownerReferences ? { ownerReferences } : {}) },
    spec: { nodeName: 'aks-node-0', containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: '10.244.0.9', podIPs: [{ ip: '10.244.0.9' }] },
  });
  return {
    namespaces: [
      // The server sets the immutable label itself; `shop` lacks it to prove the collector adds it.
      ns('kube-system', { 'kubernetes.io/metadata.name': 'kube-system' }),
      ns('shop', { team: 'checkout', env: 'prod' }),
    ],
    pods: [
      pod('shop', 'web-5d8f9c7b6d-abcde', { app: 'web', 'pod-template-hash': '5d8f9c7b6d' }, owner('ReplicaSet', 'web-5d8f9c7b6d')),
      pod('shop', 'web-5d8f9c7b6d-fghij', { app: 'web', 'pod-template-hash': '5d8f9c7b6d' }, owner('ReplicaSet', 'web-5d8f9c7b6d')),
      pod('shop', 'db-0', { app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-0', 'controller-revision-hash': 'db-7f' }, owner('StatefulSet', 'db')),
      pod('shop', 'debug', { run: 'debug' }),
      pod('kube-system', 'coredns-6f9c-xyz12', { 'k8s-app': 'kube-dns', 'pod-template-hash': '6f9c' }, owner('ReplicaSet', 'coredns-6f9c')),
    ],
    nodes: [
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'aks-node-0', labels: { 'kubernetes.io/os': 'linux' } }, status: { nodeInfo: { operatingSystem: 'linux' } } },
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'akswin000000', labels: {} }, status: { nodeInfo: { operatingSystem: 'windows' } } },
    ],
    services: [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { type: 'ClusterIP', selector: { app: 'web' } } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-public', namespace: 'shop' }, spec: { type: 'LoadBalancer', selector: { app: 'web' }, loadBalancerSourceRanges: ['203.0.113.0/24'] } },
    ],
    networkPolicies: [
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: 'shop', resourceVersion: '11', uid: 'np-1' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'allow-web', namespace: 'shop', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"x":1}\n' }, managedFields: [{ manager: 'kubectl', operation: 'Apply' }] },
        spec: {
          podSelector: { matchLabels: { app: 'web' } },
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: [
                { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { app: 'nginx' } } },
                { ipBlock: { cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] } },
              ],
              ports: [{ protocol: 'TCP', port: 'http' }, { port: 9000, endPort: 9100 }],
            },
          ],
        },
        status: { futureField: true },
      },
    ],
  };
}

let server: FakeKubeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('collectFromKubernetes', () => {
  it('normalizes namespaces, pods, workloads, nodes and LoadBalancer services', async () => {
    server = await startFakeKubeServer({ dataset: smallDataset() });
    const res = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig() });
    expect(res.problems).toEqual([]);
    const state = res.state!;
    expect(state.namespaces).toEqual([
      { name: 'kube-system', labels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      { name: 'shop', labels: { team: 'checkout', env: 'prod', 'kubernetes.io/metadata.name': 'shop' } },
    ]);
    expect(state.pods[0]).toEqual({
      namespace: 'shop',
      name: 'web-5d8f9c7b6d-abcde',
      labels: { app: 'web', 'pod-template-hash': '5d8f9c7b6d' },
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      ips: ['10.244.0.9'],
      nodeName: 'aks-node-0',
      phase: 'Running',
      workload: { kind: 'Deployment', name: 'web' },
    });
    expect(state.workloads!.map((w) => `${w.namespace}/${w.kind}/${w.name}:${w.podCount}:${JSON.stringify(w.labels)}`)).toEqual([
      'kube-system/Deployment/coredns:1:{"k8s-app":"kube-dns"}',
      'shop/Deployment/web:2:{"app":"web"}',
      'shop/Pod/debug:1:{"run":"debug"}',
      'shop/StatefulSet/db:1:{"app":"db"}',
    ]);
    expect(state.nodes!.map((n) => `${n.name}:${n.os}`)).toEqual(['aks-node-0:linux', 'akswin000000:windows']);
    expect(state.services).toEqual([
      { namespace: 'shop', name: 'web-public', type: 'LoadBalancer', selector: { app: 'web' }, loadBalancerSourceRanges: ['203.0.113.0/24'] },
    ]);
    expect(state.kubernetesVersion).toBe('1.30.6');
    expect(res.meta).toEqual({ apiServer: `127.0.0.1:${server.port}`, serverVersion: 'v1.30.6' });
  });

  it('keeps policies exactly as served: from peers, ipBlock, unknown fields', async () => {
    server = await startFakeKubeServer({ dataset: smallDataset() });
    const res = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig() });
    const served = server.served('networkpolicies');
    expect(res.policyTexts).toEqual(server.servedTexts('networkpolicies'));
    expect(res.state!.networkPolicies).toEqual(served);
    const allow = res.state!.networkPolicies[1];
    expect(allow.spec.ingress![0].from![1]).toEqual({ ipBlock: { cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] } });
    expect(JSON.stringify(allow)).not.toContain('_from');
    expect((allow as unknown as { status: unknown }).status).toEqual({ futureField: true });
    // No CRDs installed: discovery is asked, the CRD lists never are.
    expect(res.state!.crdPolicies).toEqual([]);
    expect(server.requests.map((r) => r.path)).not.toContain('/apis/cilium.io/v2');
    expect(server.requests.some((r) => r.path.includes('cilium') || r.path.includes('projectcalico'))).toBe(false);
  });

  it('reads CRD policies when their groups are served and appends their texts', async () => {
    const dataset = generateSyntheticCluster({ namespaces: 4, pods: 20, policies: 6, seed: 3, crds: true });
    server = await startFakeKubeServer({ dataset });
    const res = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig() });
    expect(res.problems).toEqual([]);
    const crds = [...server.served('ciliumnetworkpolicies'), ...server.served('ciliumclusterwidenetworkpolicies'), ...server.served('globalnetworkpolicies')];
    expect(res.state!.crdPolicies).toEqual(crds);
    expect(res.state!.crdPolicies!.map((c) => c.kind)).toEqual(['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy', 'GlobalNetworkPolicy']);
    expect(res.policyTexts).toEqual(['networkpolicies', 'ciliumnetworkpolicies', 'ciliumclusterwidenetworkpolicies', 'globalnetworkpolicies'].flatMap((r) => server!.servedTexts(r)));
  });

  it('skips a CRD whose group exists but whose resource is not served, and one that is forbidden', async () => {
    const dataset = generateSyntheticCluster({ namespaces: 3, pods: 5, policies: 2, crds: true });
    delete dataset.crds!.ciliumclusterwidenetworkpolicies;
    server = await startFakeKubeServer({ dataset, forbid: ['globalnetworkpolicies'] });
    const res = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig() });
    expect(res.state).not.toBeNull();
    expect(res.state!.crdPolicies!.map((c) => c.kind)).toEqual(['CiliumNetworkPolicy']);
    expect(server.requests.some((r) => r.path.endsWith('/ciliumclusterwidenetworkpolicies'))).toBe(false);
    expect(res.problems).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'forbidden', object: '/apis/crd.projectcalico.org/v1/globalnetworkpolicies' }),
    ]);
    expect(res.problems[0].message).toContain('globalnetworkpolicies');
  });

  it('pages every list with limit/continue and reports progress per page', async () => {
    const dataset = generateSyntheticCluster({ namespaces: 5, pods: 23, policies: 7, seed: 9 });
    server = await startFakeKubeServer({ dataset });
    const progress: CollectProgress[] = [];
    const res = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig() }, { pageSize: 5, onProgress: (p) => progress.push(p) });
    expect(res.problems).toEqual([]);
    expect(res.state!.pods).toHaveLength(23);
    expect(res.state!.networkPolicies).toHaveLength(7);
    const podRequests = server.requests.filter((r) => r.path === '/api/v1/pods');
    expect(podRequests).toHaveLength(5);
    expect(podRequests.every((r) => r.query.limit === '5')).toBe(true);
    expect(podRequests[0].query.continue).toBeUndefined();
    expect(podRequests.slice(1).every((r) => !!r.query.continue)).toBe(true);
    const podPhases = progress.filter((p) => p.phase === 'pods').map((p) => p.counts.pods);
    expect(podPhases).toEqual([5, 10, 15, 20, 23]);
    expect(progress.at(-1)!.counts).toMatchObject({ namespaces: 5, pods: 23, networkpolicies: 7 });
    expect(res.state!.pods.map((p) => p.name)).toEqual(server.served('pods').map((p) => (p.metadata as { name: string }).name));
  });

  it('resumes an expired paged list with the inconsistent continue token and warns', async () => {
    const dataset = generateSyntheticCluster({ namespaces: 3, pods: 12, policies: 2, seed: 4 });
    server = await startFakeKubeServer({ dataset, expireContinue: ['pods'] });
    const res = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig() }, { pageSize: 5 });
    expect(res.state!.pods).toHaveLength(12);
    expect(res.problems).toEqual([expect.objectContaining({ severity: 'warning', code: 'inconsistent-list', object: '/api/v1/pods' })]);
    expect(server.requests.filter((r) => r.path === '/api/v1/pods').map((r) => r.status)).toEqual([200, 410, 200, 200]);
  });

  it('returns state null and a forbidden problem naming the resource on 403', async () => {
    server = await startFakeKubeServer({ dataset: smallDataset(), forbid: ['pods'] });
    const res = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig() });
    expect(res.state).toBeNull();
    expect(res.problems).toHaveLength(1);
    expect(res.problems[0]).toMatchObject({ severity: 'error', code: 'forbidden', object: '/api/v1/pods' });
    expect(res.problems[0].message).toMatch(/list pods/);
    expect(res.problems[0].message).toContain('cannot list resource "pods"');
  });

  it('returns unauthorized on a wrong token without leaking it', async () => {
    server = await startFakeKubeServer({ dataset: smallDataset() });
    const res = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig({ token: 'wrong-token-s3cret' }) });
    expect(res.state).toBeNull();
    expect(res.problems).toEqual([expect.objectContaining({ severity: 'error', code: 'unauthorized' })]);
    expect(JSON.stringify(res)).not.toContain('s3cret');
    expect(JSON.stringify(res)).not.toContain(server.token);
  });

  it('uses a bearer token instead of the kubeconfig user (e.g. an exec plugin)', async () => {
    server = await startFakeKubeServer({ dataset: smallDataset() });
    const kubeconfigYaml = server.kubeconfig({ user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'kubelogin-not-installed', args: ['get-token'] } } });
    const withoutToken = await collectFromKubernetes({ kubeconfigYaml });
    expect(withoutToken.state).toBeNull();
    expect(withoutToken.problems[0].code).toBe('unauthorized');
    const res = await collectFromKubernetes({ kubeconfigYaml, bearerToken: server.token });
    expect(res.problems).toEqual([]);
    expect(res.state!.pods).toHaveLength(5);
  });

  it('times out a hanging request within the configured timeout', async () => {
    server = await startFakeKubeServer({ dataset: smallDataset(), hang: ['pods'] });
    const started = Date.now();
    const res = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig() }, { requestTimeoutMs: 300 });
    const elapsed = Date.now() - started;
    expect(res.state).toBeNull();
    expect(res.problems).toEqual([expect.objectContaining({ code: 'timeout', object: '/api/v1/pods' })]);
    expect(res.problems[0].message).toContain('300 ms');
    expect(elapsed).toBeLessThan(3000);
  });

  it('stops when the caller aborts', async () => {
    server = await startFakeKubeServer({ dataset: smallDataset(), hang: ['nodes'] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const res = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig() }, { signal: controller.signal, requestTimeoutMs: 10_000 });
    expect(res).toMatchObject({ state: null, problems: [expect.objectContaining({ code: 'aborted' })] });
  });

  it('reports a 5xx as server-error', async () => {
    server = await startFakeKubeServer({ dataset: smallDataset(), fail: { networkpolicies: 503 } });
    const res = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig() });
    expect(res.state).toBeNull();
    expect(res.problems).toEqual([expect.objectContaining({ code: 'server-error', object: '/apis/networking.k8s.io/v1/networkpolicies' })]);
    expect(res.problems[0].message).toContain('503');
  });

  it('retries a transient 5xx with backoff and succeeds; a persistent one fails after 3 attempts', async () => {
    server = await startFakeKubeServer({ dataset: smallDataset(), faults: { pods: { kind: 'status', status: 503, times: 2 } } });
    const ok = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig() });
    expect(ok.problems).toEqual([]);
    expect(ok.state!.pods).toHaveLength(5);
    const pods = server.requests.filter((r) => r.path === '/api/v1/pods');
    expect(pods.map((r) => r.status)).toEqual([503, 503, 200]);
    // Backoff 250 ms, then 500 ms (each with up to 50 % jitter).
    expect(pods[1].at - pods[0].at).toBeGreaterThanOrEqual(240);
    expect(pods[2].at - pods[1].at).toBeGreaterThanOrEqual(490);

    server.faults.pods = { kind: 'status', status: 502, times: 99 };
    const before = server.requests.length;
    const bad = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig() });
    expect(bad.state).toBeNull();
    expect(bad.problems).toEqual([expect.objectContaining({ code: 'server-error', object: '/api/v1/pods' })]);
    expect(bad.problems[0].message).toContain('502');
    expect(bad.problems[0].message).toContain('after 3 attempts');
    expect(server.requests.slice(before).filter((r) => r.path === '/api/v1/pods')).toHaveLength(3);
  });

  it('retries a 429 after its Retry-After', async () => {
    server = await startFakeKubeServer({ dataset: smallDataset(), faults: { nodes: { kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 } } });
    const res = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig() });
    expect(res.problems).toEqual([]);
    const nodes = server.requests.filter((r) => r.path === '/api/v1/nodes');
    expect(nodes.map((r) => r.status)).toEqual([429, 200]);
    expect(nodes[1].at - nodes[0].at).toBeGreaterThanOrEqual(990);
  });

  it('retries a page whose connection was reset mid-body, and reports a reset that persists', async () => {
    const dataset = generateSyntheticCluster({ namespaces: 3, pods: 12, policies: 2, seed: 4 });
    server = await startFakeKubeServer({ dataset, faults: { pods: { kind: 'reset', times: 1 } } });
    const res = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig() }, { pageSize: 5 });
    expect(res.problems).toEqual([]);
    expect(res.state!.pods.map((p) => p.name)).toEqual(server.served('pods').map((p) => (p.metadata as { name: string }).name));
    expect(server.requests.filter((r) => r.path === '/api/v1/pods').map((r) => r.status)).toEqual(['reset', 200, 200, 200]);

    server.faults.pods = { kind: 'reset', times: 99 };
    const bad = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig() }, { pageSize: 5 });
    expect(bad.state).toBeNull();
    expect(bad.problems).toEqual([expect.objectContaining({ code: 'unreachable', object: '/api/v1/pods' })]);
    expect(bad.problems[0].message).toMatch(/ECONNRESET|aborted/);
  });

  it('does not retry 401, 403 or an untrusted certificate', async () => {
    server = await startFakeKubeServer({ dataset: smallDataset(), forbid: ['services'] });
    await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig() });
    expect(server.requests.filter((r) => r.path === '/api/v1/services')).toHaveLength(1);
    const before = server.requests.length;
    await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig({ token: 'wrong' }) });
    expect(server.requests.length - before).toBe(1);
  });

  it('collects from a cluster that answers slowly but within the timeout', async () => {
    server = await startFakeKubeServer({ dataset: smallDataset(), delayMs: 150 });
    const res = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig() }, { requestTimeoutMs: 5_000 });
    expect(res.problems).toEqual([]);
    expect(res.state!.pods).toHaveLength(5);
  });

  it('reports a closed port and an unknown host as unreachable', async () => {
    server = await startFakeKubeServer({ dataset: smallDataset() });
    const probe = net.createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const refused = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig({ server: `https://127.0.0.1:${port}` }) });
    expect(refused.state).toBeNull();
    expect(refused.problems).toEqual([expect.objectContaining({ code: 'unreachable' })]);
    expect(refused.problems[0].message).toContain('refused');
    const unknown = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig({ server: 'https://no-such-host.invalid:443' }) }, { requestTimeoutMs: 5000 });
    expect(unknown.problems).toEqual([expect.objectContaining({ code: 'unreachable' })]);
  });

  it('rejects a server whose certificate the kubeconfig does not trust', async () => {
    server = await startFakeKubeServer({ dataset: smallDataset() });
    const untrusting = server.kubeconfig().replace(/certificate-authority-data: .*/, 'certificate-authority-data: ""');
    const res = await collectFromKubernetes({ kubeconfigYaml: untrusting });
    expect(res.state).toBeNull();
    expect(res.problems[0].code).toBe('unreachable');
    expect(res.problems[0].message).toMatch(/TLS/);
  });

  it('returns invalid-config for an unusable kubeconfig or unknown context', async () => {
    const res = await collectFromKubernetes({ kubeconfigYaml: 'apiVersion: v1\nkind: Config\n' });
    expect(res).toMatchObject({ state: null, problems: [expect.objectContaining({ code: 'invalid-config' })] });
    server = await startFakeKubeServer({ dataset: smallDataset() });
    const ctx = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig(), context: 'nope' });
    expect(ctx.problems[0]).toMatchObject({ code: 'invalid-config' });
    expect(ctx.problems[0].message).toContain('nope');
  });
});
