import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkPolicy, PodInfo } from '@kordon/policy-engine';
import type { CollectResult } from '../types';
import { collectFromManifestText, collectFromManifests } from './manifests.collector';

/** Strips the common indentation so YAML can sit indented in the test source. */
function y(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

const errors = (r: CollectResult) => r.problems.filter((p) => p.severity === 'error');
const byName = (pods: PodInfo[], name: string) => pods.find((p) => p.name === name);

const KUBECTL_PODS_LIST = y(`
  apiVersion: v1
  kind: List
  metadata:
    resourceVersion: ""
  items:
  - apiVersion: v1
    kind: Pod
    metadata:
      labels:
        app: web
        pod-template-hash: 6d9f7b8c5d
      name: web-6d9f7b8c5d-4kz2q
      namespace: frontend
      ownerReferences:
      - apiVersion: apps/v1
        controller: true
        kind: ReplicaSet
        name: web-6d9f7b8c5d
        uid: 0f2d3c4b-5a69-4788-96a5-b4c3d2e1f0a9
    spec:
      containers:
      - image: web:1
        name: web
        ports:
        - containerPort: 8080
          name: http
          protocol: TCP
      nodeName: aks-apps-27182818-vmss000000
    status:
      phase: Running
      podIP: 10.244.1.23
      podIPs:
      - ip: 10.244.1.23
  - apiVersion: v1
    kind: Pod
    metadata:
      labels:
        app: web
        pod-template-hash: 6d9f7b8c5d
      name: web-6d9f7b8c5d-r7wtn
      namespace: frontend
      ownerReferences:
      - apiVersion: apps/v1
        controller: true
        kind: ReplicaSet
        name: web-6d9f7b8c5d
        uid: 0f2d3c4b-5a69-4788-96a5-b4c3d2e1f0a9
    spec:
      containers:
      - image: web:1
        name: web
    status:
      phase: Running
      podIP: 10.244.2.41
`);

const MULTI_DOC = y(`
  # a GitOps folder's worth in one file
  apiVersion: v1
  kind: Namespace
  metadata:
    name: frontend
    labels:
      team: storefront
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: frontend
  spec:
    replicas: 3
    selector:
      matchLabels:
        app: web
    template:
      metadata:
        labels:
          app: web
          tier: frontend
      spec:
        containers:
        - name: web
          image: web:1
          ports:
          - containerPort: 8080
            name: http
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: default-deny-ingress
    namespace: frontend
  spec:
    podSelector: {}
    policyTypes:
    - Ingress
  ---
  apiVersion: v1
  kind: Service
  metadata:
    name: web-public
    namespace: frontend
  spec:
    type: LoadBalancer
    selector:
      app: web
    ports:
    - port: 80
  ---
  apiVersion: v1
  kind: Service
  metadata:
    name: web
    namespace: frontend
  spec:
    selector:
      app: web
    ports:
    - port: 80
  ---
  apiVersion: v1
  kind: Node
  metadata:
    name: akswin22000000
    labels:
      kubernetes.io/os: windows
  ---
`);

const AKS_SHOW = JSON.stringify(
  {
    agentPoolProfiles: [
      { name: 'system', count: 3, mode: 'System', osType: 'Linux', osSku: 'Ubuntu', vmSize: 'Standard_D4ds_v5', powerState: { code: 'Running' } },
      { name: 'win22', count: 2, mode: 'User', osType: 'Windows', osSku: 'Windows2022', vmSize: 'Standard_D8s_v5' },
    ],
    currentKubernetesVersion: '1.31.7',
    kubernetesVersion: '1.31',
    id: '/subscriptions/0000/resourcegroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod-weu',
    location: 'westeurope',
    name: 'aks-prod-weu',
    networkProfile: {
      networkDataplane: 'azure',
      networkPlugin: 'azure',
      networkPluginMode: null,
      networkPolicy: 'azure',
      serviceCidr: '10.0.0.0/16',
      ipFamilies: ['IPv4'],
    },
    resourceGroup: 'rg',
  },
  null,
  2,
);

describe('collectFromManifestText', () => {
  it('reads a kubectl get -o yaml List of pods and keeps their owners, ports and IPs', () => {
    const r = collectFromManifestText([{ name: 'pods.yaml', text: KUBECTL_PODS_LIST }]);
    expect(errors(r)).toEqual([]);
    const pod = byName(r.state!.pods, 'web-6d9f7b8c5d-4kz2q')!;
    expect(pod).toMatchObject({
      namespace: 'frontend',
      labels: { app: 'web' },
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      ips: ['10.244.1.23'],
      nodeName: 'aks-apps-27182818-vmss000000',
      workload: { kind: 'Deployment', name: 'web' },
    });
    expect(pod.synthetic).toBeUndefined();
    expect(r.state!.workloads).toEqual([
      expect.objectContaining({ namespace: 'frontend', kind: 'Deployment', name: 'web', podCount: 2, labels: { app: 'web' } }),
    ]);
  });

  it('reads multi-document YAML: namespace, workload, policy, LoadBalancer services only, nodes', () => {
    const r = collectFromManifestText([{ name: 'frontend.yaml', text: MULTI_DOC }]);
    expect(errors(r)).toEqual([]);
    const s = r.state!;
    expect(s.namespaces).toEqual([
      { name: 'frontend', labels: { team: 'storefront', 'kubernetes.io/metadata.name': 'frontend' } },
    ]);
    expect(s.networkPolicies.map((p) => p.metadata.name)).toEqual(['default-deny-ingress']);
    expect(s.services).toEqual([{ namespace: 'frontend', name: 'web-public', type: 'LoadBalancer', selector: { app: 'web' } }]);
    expect(s.nodes).toEqual([expect.objectContaining({ name: 'akswin22000000', os: 'windows' })]);
    expect(s.pods).toHaveLength(3);
  });

  it('synthesizes pods from pod templates when the workload has no pods in the input', () => {
    const text = y(`
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: redis
        namespace: checkout
      spec:
        replicas: 2
        template:
          metadata:
            labels:
              app: redis
          spec:
            containers:
            - name: redis
              image: redis:7
              ports:
              - containerPort: 6379
                name: redis
      ---
      apiVersion: apps/v1
      kind: DaemonSet
      metadata:
        name: node-exporter
        namespace: monitoring
      spec:
        template:
          metadata:
            labels:
              app: node-exporter
          spec:
            hostNetwork: true
            containers:
            - name: node-exporter
              image: node-exporter:1
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: no-replicas-field
        namespace: checkout
      spec:
        template:
          metadata:
            labels:
              app: api
          spec:
            containers:
            - name: api
              image: api:1
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: scaled-down
        namespace: checkout
      spec:
        replicas: 0
        template:
          metadata:
            labels:
              app: idle
          spec:
            containers:
            - name: idle
              image: idle:1
      ---
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: nightly-export
        namespace: checkout
      spec:
        schedule: "15 2 * * *"
        jobTemplate:
          spec:
            template:
              metadata:
                labels:
                  app: export
              spec:
                restartPolicy: OnFailure
                containers:
                - name: export
                  image: export:1
    `);
    const r = collectFromManifestText([{ name: 'workloads.yaml', text }]);
    expect(errors(r)).toEqual([]);
    const pods = r.state!.pods;
    expect(pods.map((p) => `${p.namespace}/${p.name}`)).toEqual([
      'checkout/redis-0',
      'checkout/redis-1',
      'monitoring/node-exporter-0',
      'checkout/no-replicas-field-0',
      'checkout/nightly-export-0',
    ]);
    expect(byName(pods, 'redis-1')).toEqual({
      namespace: 'checkout',
      name: 'redis-1',
      labels: { app: 'redis' },
      ports: [{ name: 'redis', containerPort: 6379, protocol: 'TCP' }],
      workload: { kind: 'StatefulSet', name: 'redis' },
      synthetic: true,
    });
    expect(byName(pods, 'node-exporter-0')).toMatchObject({ hostNetwork: true, workload: { kind: 'DaemonSet', name: 'node-exporter' } });
    expect(byName(pods, 'nightly-export-0')?.workload).toEqual({ kind: 'CronJob', name: 'nightly-export' });
    expect(r.state!.workloads!.find((w) => w.name === 'redis')).toMatchObject({ kind: 'StatefulSet', podCount: 2, labels: { app: 'redis' } });
  });

  it('does not synthesize pods for a workload whose pods are present, nor twice for a ReplicaSet under a Deployment', () => {
    const deploymentAndRs = y(`
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        namespace: frontend
      spec:
        replicas: 5
        template:
          metadata:
            labels:
              app: web
          spec:
            containers:
            - name: web
              image: web:1
      ---
      apiVersion: apps/v1
      kind: ReplicaSet
      metadata:
        name: api-7f5c9d4b6
        namespace: frontend
        ownerReferences:
        - apiVersion: apps/v1
          kind: Deployment
          name: api
          controller: true
      spec:
        replicas: 2
        template:
          metadata:
            labels:
              app: api
              pod-template-hash: 7f5c9d4b6
          spec:
            containers:
            - name: api
              image: api:1
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: api
        namespace: frontend
      spec:
        replicas: 2
        template:
          metadata:
            labels:
              app: api
          spec:
            containers:
            - name: api
              image: api:1
    `);
    const r = collectFromManifestText([
      { name: 'pods.yaml', text: KUBECTL_PODS_LIST },
      { name: 'apps.yaml', text: deploymentAndRs },
    ]);
    const names = r.state!.pods.map((p) => p.name);
    expect(names).toEqual(['web-6d9f7b8c5d-4kz2q', 'web-6d9f7b8c5d-r7wtn', 'api-0', 'api-1']);
  });

  it('reads a kubectl -o json List and a typed PodList whose items carry no kind', () => {
    const netpolList = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'allow-dns', namespace: 'payments' },
          spec: {
            podSelector: {},
            policyTypes: ['Egress'],
            egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ port: 53, protocol: 'UDP' }] }],
          },
        },
      ],
      metadata: { resourceVersion: '' },
    });
    const podList = JSON.stringify({
      apiVersion: 'v1',
      kind: 'PodList',
      metadata: { resourceVersion: '4711' },
      items: [{ metadata: { name: 'tokenizer-0', namespace: 'payments', labels: { app: 'tokenizer' } }, spec: { containers: [] } }],
    });
    const r = collectFromManifestText([
      { name: 'netpol.json', text: netpolList },
      { name: 'pods.json', text: podList },
    ]);
    expect(errors(r)).toEqual([]);
    expect(r.state!.networkPolicies).toHaveLength(1);
    expect(r.state!.pods).toEqual([{ namespace: 'payments', name: 'tokenizer-0', labels: { app: 'tokenizer' } }]);
    expect(r.policyTexts).toEqual([JSON.stringify(JSON.parse(netpolList).items[0])]);
  });

  it('reports malformed YAML with file, line and column and still reads the other files', () => {
    const broken = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok-in-first-doc\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  labels: [a, b\n  name: broken\n';
    const r = collectFromManifestText([
      { name: 'clusters/a/broken.yaml', text: broken },
      { name: 'clusters/a/good.yaml', text: MULTI_DOC },
    ]);
    const errs = errors(r);
    expect(errs).toHaveLength(1);
    expect(errs[0].code).toBe('parse-error');
    expect(errs[0].message).toMatch(/clusters\/a\/broken\.yaml at line 10, column \d+/);
    expect(r.state!.namespaces.map((n) => n.name).sort()).toEqual(['frontend', 'ok-in-first-doc']);
  });

  it('reports malformed JSON with file and line', () => {
    const r = collectFromManifestText([{ name: 'aks.json', text: '{\n  "name": "aks",\n  "networkProfile": {\n    "networkPolicy": "azure",\n  }\n}\n' }]);
    const errs = errors(r);
    expect(errs).toHaveLength(1);
    expect(errs[0].message).toMatch(/^Malformed JSON in aks\.json at line 5, column \d+/);
    expect(r.state).not.toBeNull();
  });

  it('skips a policy with an invalid CIDR and names the file, the object and the field', () => {
    const text = y(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-corp
        namespace: billing-win
      spec:
        podSelector: {}
        ingress:
        - from:
          - ipBlock:
              cidr: 10.50.0.0/33
    `);
    const r = collectFromManifestText([{ name: 'policies/06-billing-win.yaml', text }]);
    const errs = errors(r);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ code: 'invalid-object', object: 'billing-win/allow-corp', field: 'spec.ingress[0].from[0].ipBlock.cidr' });
    expect(errs[0].message).toContain('billing-win/allow-corp');
    expect(errs[0].message).toContain('policies/06-billing-win.yaml:1');
    expect(errs[0].message).toContain('spec.ingress[0].from[0].ipBlock.cidr');
    expect(r.state!.networkPolicies).toEqual([]);
    expect(r.policyTexts).toEqual([]);
  });

  it('detects az aks show output: network profile as given, node pools, Kubernetes version', () => {
    const r = collectFromManifestText([{ name: 'aks.json', text: AKS_SHOW }]);
    expect(errors(r)).toEqual([]);
    const s = r.state!;
    expect(s.networkProfile).toEqual(JSON.parse(AKS_SHOW).networkProfile);
    expect(s.nodePools).toEqual([
      { name: 'system', count: 3, mode: 'System', osType: 'Linux', osSku: 'Ubuntu', vmSize: 'Standard_D4ds_v5' },
      { name: 'win22', count: 2, mode: 'User', osType: 'Windows', osSku: 'Windows2022', vmSize: 'Standard_D8s_v5' },
    ]);
    expect(s.kubernetesVersion).toBe('1.31.7');
    expect(r.meta?.aks).toMatchObject({ name: 'aks-prod-weu', location: 'westeurope' });
    expect(r.problems.map((p) => p.code)).not.toContain('no-network-profile');
  });

  it('detects a bare az aks show --query networkProfile and warns when no profile is given at all', () => {
    const profile = { networkPlugin: 'kubenet', networkPolicy: 'calico', podCidr: '10.244.0.0/16' };
    const r = collectFromManifestText([{ name: 'network-profile.json', text: JSON.stringify(profile) }]);
    expect(r.state!.networkProfile).toEqual(profile);
    const none = collectFromManifestText([{ name: 'frontend.yaml', text: MULTI_DOC }]);
    expect(none.state!.networkProfile).toBeNull();
    expect(none.problems).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'no-network-profile' }));
  });

  it('keeps Cilium and Calico policies raw, after NetworkPolicies in policyTexts', () => {
    const text = y(`
      apiVersion: cilium.io/v2
      kind: CiliumClusterwideNetworkPolicy
      metadata:
        name: deny-imds-egress
      spec:
        endpointSelector: {}
        egressDeny:
        - toCIDR:
          - 169.254.169.254/32
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: default-deny-all
        namespace: payments
      spec:
        podSelector: {}
        policyTypes: [Ingress, Egress]
      ---
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata:
        name: payments-api-egress-acquirer
        namespace: payments
      spec:
        endpointSelector:
          matchLabels:
            app: payments-api
        egress:
        - toFQDNs:
          - matchName: api.acquirer.contoso.com
      ---
      apiVersion: crd.projectcalico.org/v1
      kind: GlobalNetworkPolicy
      metadata:
        name: default-app-policy
      spec:
        namespaceSelector: has(projectcalico.org/name)
        types: [Ingress, Egress]
      ---
      # Calico's own namespaced NetworkPolicy is not a networking.k8s.io one
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata:
        name: calico-native
        namespace: payments
      spec:
        selector: all()
    `);
    const r = collectFromManifestText([{ name: 'policies.yaml', text }]);
    expect(errors(r)).toEqual([]);
    const s = r.state!;
    expect(s.networkPolicies.map((p) => p.metadata.name)).toEqual(['default-deny-all']);
    expect(s.crdPolicies!.map((p) => `${p.kind}/${p.metadata.name}`)).toEqual([
      'CiliumClusterwideNetworkPolicy/deny-imds-egress',
      'CiliumNetworkPolicy/payments-api-egress-acquirer',
      'GlobalNetworkPolicy/default-app-policy',
    ]);
    expect(s.crdPolicies![1].spec).toEqual({ endpointSelector: { matchLabels: { app: 'payments-api' } }, egress: [{ toFQDNs: [{ matchName: 'api.acquirer.contoso.com' }] }] });
    expect(r.policyTexts!.map((t) => JSON.parse(t).metadata.name)).toEqual([
      'default-deny-all',
      'deny-imds-egress',
      'payments-api-egress-acquirer',
      'default-app-policy',
    ]);
    expect(r.problems).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'unknown-kind', message: expect.stringContaining('NetworkPolicy (projectcalico.org/v3)') }));
  });

  it('adds namespaces that objects use but nobody declared, with a warning and the implicit label', () => {
    const text = y(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: default-deny-ingress
        namespace: ledger
      spec:
        podSelector: {}
    `);
    const r = collectFromManifestText([{ name: 'np.yaml', text }]);
    expect(r.state!.namespaces).toEqual([{ name: 'ledger', labels: { 'kubernetes.io/metadata.name': 'ledger' } }]);
    expect(r.problems).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'undeclared-namespace', object: 'ledger' }));
  });

  it('puts a policy without namespace into default, keeping its evidence text as written', () => {
    const text = y(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: test-deny-policy
      spec:
        podSelector: {}
        policyTypes:
        - Ingress
    `);
    const r = collectFromManifestText([{ name: 'test-deny-policy.yaml', text }]);
    expect((r.state!.networkPolicies[0] as NetworkPolicy).metadata.namespace).toBe('default');
    expect(JSON.parse(r.policyTexts![0]).metadata).toEqual({ name: 'test-deny-policy' });
  });

  it('defaults the namespace of namespaced CRD policies and reads pre-1.16 extensions/v1beta1 NetworkPolicies', () => {
    const text = y(`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata:
        name: l7-visibility
      spec:
        endpointSelector: {}
      ---
      apiVersion: extensions/v1beta1
      kind: NetworkPolicy
      metadata:
        name: legacy-deny
        namespace: default
      spec:
        podSelector: {}
    `);
    const r = collectFromManifestText([{ name: 'old.yaml', text }]);
    expect(errors(r)).toEqual([]);
    expect(r.state!.crdPolicies![0].metadata.namespace).toBe('default');
    expect(JSON.parse(r.policyTexts![1]).metadata).toEqual({ name: 'l7-visibility' });
    expect(r.state!.networkPolicies.map((p) => p.metadata.name)).toEqual(['legacy-deny']);
  });

  it('warns once per file and kind for unknown kinds and errors on objects without a name', () => {
    const text = y(`
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: a
        namespace: default
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: b
        namespace: default
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        namespace: default
      spec: {}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        namespace: default
      spec:
        podSelector: {}
    `);
    const r = collectFromManifestText([{ name: 'misc.yaml', text }]);
    const unknown = r.problems.filter((p) => p.code === 'unknown-kind');
    expect(unknown).toEqual([expect.objectContaining({ severity: 'warning', message: 'misc.yaml: 2 ConfigMap objects skipped (not used for segmentation posture)' })]);
    // The kind is data, not only prose: consumers (CLI and API input verdicts) read it from here.
    expect(unknown[0].subject).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', count: 2 });
    const errs = errors(r);
    expect(errs).toHaveLength(2);
    expect(errs.every((p) => p.field === 'metadata.name')).toBe(true);
    expect(errs[0].message).toContain('misc.yaml:13');
    expect(r.state!.pods).toEqual([]);
    expect(r.state!.networkPolicies).toEqual([]);
  });

  it('passes a ClusterState JSON through, skipping invalid entries and ignoring unknown fields', () => {
    const state = {
      exportedBy: 'kordon 0.1',
      namespaces: [{ name: 'payments', labels: { team: 'payments' } }, { labels: {} }],
      pods: [
        { namespace: 'payments', name: 'api-0', labels: { app: 'api' }, ports: [{ name: 'http', containerPort: 8080 }], extra: true },
        { namespace: 'payments', name: 'api-1', labels: { app: 7 } },
      ],
      networkPolicies: [
        { metadata: { name: 'default-deny', namespace: 'payments' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } },
        { metadata: { name: 'bad', namespace: 'payments' }, spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: 'nope' } }] }] } },
      ],
      networkProfile: { networkPlugin: 'azure', networkPolicy: 'cilium', networkDataplane: 'cilium' },
      kubernetesVersion: '1.31.7',
    };
    const r = collectFromManifestText([{ name: 'snapshot.json', text: JSON.stringify(state) }]);
    const s = r.state!;
    expect(s.namespaces).toEqual([{ name: 'payments', labels: { team: 'payments', 'kubernetes.io/metadata.name': 'payments' } }]);
    expect(s.pods).toEqual([{ namespace: 'payments', name: 'api-0', labels: { app: 'api' }, ports: [{ name: 'http', containerPort: 8080 }] }]);
    expect(s.networkPolicies.map((p) => p.metadata.name)).toEqual(['default-deny']);
    expect(s.networkProfile?.networkPolicy).toBe('cilium');
    expect(s.kubernetesVersion).toBe('1.31.7');
    const errs = errors(r);
    expect(errs.map((p) => p.field)).toEqual(['namespaces[1]', 'pods[1]', 'spec.egress[0].to[0].ipBlock.cidr']);
    expect(errs[1].message).toContain('pods[1].labels.app');
  });

  it('warns when a later file replaces an object of the same name', () => {
    const ns = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n  labels:\n    v: "1"\n';
    const r = collectFromManifestText([
      { name: 'a.yaml', text: ns },
      { name: 'b.yaml', text: ns.replace('"1"', '"2"') },
    ]);
    expect(r.state!.namespaces).toEqual([{ name: 'payments', labels: { v: '2', 'kubernetes.io/metadata.name': 'payments' } }]);
    expect(r.problems).toContainEqual(expect.objectContaining({ code: 'duplicate-object', object: 'payments' }));
  });
});

describe('collectFromManifests', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kordon-manifests-'));
    await mkdir(join(dir, 'policies', 'nested'), { recursive: true });
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, 'aks.json'), AKS_SHOW);
    await writeFile(join(dir, 'workloads.yml'), MULTI_DOC);
    await writeFile(join(dir, 'policies', 'nested', 'b.yaml'), 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: b\n  namespace: frontend\nspec:\n  podSelector: {}\n');
    await writeFile(join(dir, 'policies', 'a.yaml'), 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: a\n  namespace: frontend\nspec:\n  podSelector: {}\n');
    await writeFile(join(dir, 'README.md'), '# not a manifest');
    await writeFile(join(dir, '.git', 'config.yaml'), 'kind: Secret');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('walks directories recursively in sorted order and reports progress', async () => {
    const seen: number[] = [];
    const r = await collectFromManifests(dir, { onProgress: (p) => seen.push(p.counts.files) });
    expect(errors(r)).toEqual([]);
    expect(r.meta?.files).toEqual([
      join(dir, 'aks.json'),
      join(dir, 'policies', 'a.yaml'),
      join(dir, 'policies', 'nested', 'b.yaml'),
      join(dir, 'workloads.yml'),
    ]);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(r.state!.networkPolicies.map((p) => p.metadata.name)).toEqual(['a', 'b', 'default-deny-ingress']);
    expect(r.state!.networkProfile?.networkPolicy).toBe('azure');
  });

  it('takes several paths, files included, and reports a missing one without giving up', async () => {
    const r = await collectFromManifests([join(dir, 'aks.json'), join(dir, 'missing'), join(dir, 'policies')]);
    expect(errors(r)).toEqual([expect.objectContaining({ code: 'not-found', object: join(dir, 'missing') })]);
    expect(r.state!.networkPolicies).toHaveLength(2);
  });

  it('returns state null when nothing could be read', async () => {
    const r = await collectFromManifests(join(dir, 'missing'));
    expect(r.state).toBeNull();
    expect(errors(r).map((p) => p.code)).toEqual(['not-found', 'no-manifests']);
  });
});
