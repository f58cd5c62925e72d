// The policy detail through HTTP on the seeded demo fleet (exact expectations from
// demo/clusters/*) and on a hand-written cluster covering the truth-table corners of domain.md.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NamespaceDetail, PolicyDetail } from '@kordon/contracts';
import { collectFromManifestText } from '@kordon/collectors';
import { startTestApp, type TestApp } from '../../test/test-app';
import { issueToken } from '../../test/tokens';
import { ClustersService } from '../clusters/clusters.service';
import { SnapshotsService } from '../snapshots/snapshots.service';
import { DAY_MS, get, seedDemo } from '../posture/testing/read-api.fixture';

const NOW = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
const ago = (days: number) => new Date(NOW.getTime() - days * DAY_MS);
const UNKNOWN = '6f1c2d3e-0000-4000-8000-000000000000';

// Truth-table corners: namespace t, pods a (app=a) and b (app=b).
const CORNERS = `
apiVersion: v1
kind: Namespace
metadata: { name: t, labels: { team: x } }
---
apiVersion: v1
kind: Pod
metadata: { name: a-1, namespace: t, labels: { app: a } }
spec: { containers: [{ name: a, image: nginx, ports: [{ name: http, containerPort: 80 }] }] }
status: { phase: Running, podIP: 10.0.0.1 }
---
apiVersion: v1
kind: Pod
metadata: { name: b-1, namespace: t, labels: { app: b } }
spec: { containers: [{ name: b, image: nginx }] }
status: { phase: Running, podIP: 10.0.0.2 }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: all-pods, namespace: t }
spec: { podSelector: {}, policyTypes: [Ingress], ingress: [{ from: [{ podSelector: { matchLabels: { app: a } } }] }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ingress-empty, namespace: t }
spec: { podSelector: { matchLabels: { app: a } }, policyTypes: [Ingress], ingress: [] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ingress-absent, namespace: t }
spec: { podSelector: { matchLabels: { app: b } }, policyTypes: [Ingress] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: from-empty, namespace: t }
spec: { podSelector: { matchLabels: { app: a } }, ingress: [{ from: [], ports: [{ port: 80 }] }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: egress-empty-untyped, namespace: t }
spec: { podSelector: {}, egress: [] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: or-and, namespace: t }
spec:
  podSelector: { matchLabels: { app: b } }
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: { matchLabels: { team: x } }
    - podSelector: { matchLabels: { app: a } }
    - namespaceSelector: { matchLabels: { team: y } }
      podSelector: { matchExpressions: [{ key: tier, operator: NotIn, values: [db] }] }
    ports: [{ port: 8000, endPort: 8100 }, { protocol: UDP }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: internet, namespace: t }
spec:
  podSelector: { matchLabels: { app: a } }
  policyTypes: [Egress]
  egress:
  - to: [{ ipBlock: { cidr: 0.0.0.0/0, except: [10.0.0.0/8] } }]
    ports: [{ port: 443 }]
  - to: [{ ipBlock: { cidr: 0.0.0.0/0 } }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: nobody, namespace: t }
spec: { podSelector: { matchLabels: { app: gone } }, policyTypes: [Ingress, Egress] }
`;

describe('policies API', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  let weu: string;
  let corners: string;
  beforeAll(async () => {
    t = await startTestApp();
    ids = await seedDemo(t, NOW);
    weu = ids['aks-prod-weu'];
    const cluster = await t.app.get(ClustersService).register({ name: 'corners', source: 'manifests', paths: ['demo'], environment: 'lab', team: 'qa' });
    const files = [
      { name: 'all.yaml', text: CORNERS },
      { name: 'aks.json', text: JSON.stringify({ networkPlugin: 'azure', networkPolicy: 'cilium', networkDataplane: 'cilium' }) },
    ];
    const outcome = await t.app.get(SnapshotsService).run(cluster.id, { trigger: 'seed', at: ago(1), collect: async () => collectFromManifestText(files) });
    if (outcome.status !== 'succeeded') throw new Error(`corners snapshot failed: ${JSON.stringify(outcome)}`);
    corners = cluster.id;
  });
  afterAll(async () => t?.close());

  const policy = async (cluster: string, ns: string, name: string, query = ''): Promise<PolicyDetail> =>
    (await get(t, `/api/clusters/${cluster}/policies/${ns}/${name}${query}`).expect(200)).body as PolicyDetail;

  it('frontend/allow-ingress-nginx-to-web: selects the web Deployment, allows the ingress controller on the named port', async () => {
    const p = await policy(weu, 'frontend', 'allow-ingress-nginx-to-web');
    expect(p.cluster.name).toBe('aks-prod-weu');
    expect(p.snapshot.takenAt).toBe(NOW.toISOString());
    expect(p.policy).toMatchObject({ kind: 'NetworkPolicy', namespace: 'frontend', name: 'allow-ingress-nginx-to-web', ref: 'allow-ingress-nginx-to-web', apiVersion: 'networking.k8s.io/v1' });
    expect(JSON.parse(p.policy.body)).toEqual(p.policy.object);
    expect(p.described).toBe(true);
    expect(p.podSelector).toBe('pods with app=web in namespace frontend');
    expect(p.policyTypes).toEqual(['ingress']);
    // demo workloads/storefront.yaml: web has 6 replicas, bff 4.
    expect(p.selection).toMatchObject({ basis: 'labels', selectedPods: 6, namespacePods: 10, podsTruncated: false });
    expect(p.selection.workloads.map((w) => [`${w.kind}/${w.name}`, w.pods, w.selectedPods, w.directions])).toEqual([['Deployment/web', 6, 6, ['ingress']]]);
    expect(p.selection.pods.map((x) => x.name)).toEqual(['web-0', 'web-1', 'web-2', 'web-3', 'web-4', 'web-5']);
    const [rule] = p.ingress.rules;
    expect(p.ingress.rules).toHaveLength(1);
    expect(rule.peers).toEqual([{
      kind: 'podsInNamespaces',
      text: 'pods with app.kubernetes.io/name=ingress-nginx and app.kubernetes.io/component=controller in namespace ingress-nginx (both selectors must match)',
      podSelector: 'app.kubernetes.io/name=ingress-nginx and app.kubernetes.io/component=controller',
      namespaceSelector: 'kubernetes.io/metadata.name=ingress-nginx',
      cidr: null,
      except: [],
    }]);
    expect(rule.ports).toEqual([{ kind: 'named', protocol: 'TCP', text: 'TCP port named "http"' }]);
    expect(rule.notes.join(' ')).toMatch(/AND/);
    expect(p.ingress.baseline).toMatchObject({ namespaceHasBaseline: true, partOfBaseline: false, breaksBaseline: false, baselinePolicies: ['default-deny-ingress'] });
    expect(p.egress).toMatchObject({ isolates: false, rules: [] });
    expect(p.egress.text).toMatch(/^Leaves egress alone/);
  });

  it('agrees with the namespace detail on which workloads each policy selects', async () => {
    const ns = (await get(t, `/api/clusters/${weu}/namespaces/frontend`).expect(200)).body as NamespaceDetail;
    expect(ns.policies.length).toBeGreaterThan(4);
    for (const item of ns.policies) {
      const p = await policy(weu, 'frontend', item.name, `?kind=${item.kind}`);
      expect(p.selection.workloads.map((w) => `${w.kind}/${w.name}`).sort()).toEqual(item.selects);
      expect(p.policy.hash).toBe(item.hash);
    }
  });

  it('a default-deny policy is part of the baseline; its pods are every pod of the namespace', async () => {
    const p = await policy(weu, 'frontend', 'default-deny-ingress');
    expect(p.selectsAllPods).toBe(true);
    expect(p.selection).toMatchObject({ selectedPods: 10, namespacePods: 10 });
    expect(p.selection.workloads.map((w) => w.name)).toEqual(['bff', 'web']);
    expect(p.ingress).toMatchObject({ isolates: true, section: 'absent', allowsNothing: true, defaultDenyShape: true, rules: [] });
    expect(p.ingress.baseline).toMatchObject({ partOfBaseline: true, breaksBaseline: false, namespaceBaselineBroken: false });
    expect(p.summary).toBe('Selects every pod in namespace frontend (podSelector: {}), now and later; denies all ingress.');
  });

  it('tenants-b/allow-all-namespaces breaks the namespace\'s ingress baseline (aks-stg-calico)', async () => {
    const p = await policy(ids['aks-stg-calico'], 'tenants-b', 'allow-all-namespaces');
    expect(p.ingress.rules[0].peers.map((x) => x.text)).toEqual(['every pod in every namespace of the cluster']);
    expect(p.ingress.rules[0].allowAll).toEqual(['all-namespaces']);
    expect(p.ingress.allowAll).toBe(true);
    expect(p.ingress.baseline).toMatchObject({ namespaceHasBaseline: true, namespaceBaselineBroken: true, partOfBaseline: false, breaksBaseline: true, breakReasons: ['every pod of every namespace'] });
    expect(p.ingress.baseline.baselinePolicies).toContain('default-deny-ingress');
    expect(p.ingress.baseline.text).toMatch(/^Breaks the namespace's default-deny ingress baseline/);
  });

  it('catalog/allow-api-to-search selects no pod any more (selector drift)', async () => {
    const p = await policy(weu, 'catalog', 'allow-api-to-search');
    expect(p.podSelector).toBe('pods with app.kubernetes.io/name=catalog-search in namespace catalog');
    expect(p.selection.workloads).toEqual([]);
    expect(p.selection.selectedPods).toBe(0);
  });

  it('a CRD policy: selection from the posture, per-direction isolation, kind in the query', async () => {
    const neu = ids['aks-prod-neu'];
    const p = await policy(neu, 'payments', 'payments-api-egress-acquirer', '?kind=CiliumNetworkPolicy');
    expect(p.described).toBe(false);
    expect(p.policy.ref).toBe('CiliumNetworkPolicy/payments-api-egress-acquirer');
    expect(p.selection.basis).toBe('posture');
    expect(p.selection.workloads.map((w) => [w.name, w.directions])).toEqual([['payments-api', ['egress']]]);
    expect(p.egress.isolates).toBe(true);
    expect(p.ingress.isolates).toBe(false);
    // Without kind it is looked up as a NetworkPolicy, which it is not.
    const res = await get(t, `/api/clusters/${neu}/policies/payments/payments-api-egress-acquirer`).expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found', details: { code: 'POLICY_NOT_FOUND' } });
  });

  it('?at= reads the snapshot in force then: a policy applied later is not there yet', async () => {
    // demo/fleet.json: frontend's egress step (02) was applied 42 days ago, the ingress one 49.
    const then = await policy(weu, 'frontend', 'default-deny-ingress', `?at=${ago(45).toISOString()}`);
    expect(then.snapshot.takenAt).toBe(ago(49).toISOString());
    expect(then.ingress.baseline.partOfBaseline).toBe(true);
    expect(then.egress.baseline.namespaceHasBaseline).toBe(false);
    const res = await get(t, `/api/clusters/${weu}/policies/frontend/default-deny-ingress?at=${ago(53).toISOString()}`).expect(404);
    expect(res.body.details.code).toBe('POLICY_NOT_FOUND');
    expect(res.body.message).toContain(ago(56).toISOString());
  });

  it('truth table: empty podSelector selects every pod of the namespace', async () => {
    const p = await policy(corners, 't', 'all-pods');
    expect(p.selectsAllPods).toBe(true);
    expect(p.selection.pods.map((x) => x.name)).toEqual(['a-1', 'b-1']);
    expect(p.ingress.defaultDenyShape).toBe(false);
    expect(p.ingress.rules[0].text).toBe('Allows traffic from pods with app=a in this namespace (t) on every port.');
  });

  it('truth table: ingress: [] and an absent ingress both allow nothing', async () => {
    const empty = await policy(corners, 't', 'ingress-empty');
    const absent = await policy(corners, 't', 'ingress-absent');
    expect(empty.ingress).toMatchObject({ isolates: true, section: 'empty', allowsNothing: true, rules: [], defaultDenyShape: false });
    expect(absent.ingress).toMatchObject({ isolates: true, section: 'absent', allowsNothing: true, rules: [], defaultDenyShape: false });
    expect(empty.ingress.text).toContain('`ingress: []`');
    expect(empty.selection.pods.map((x) => x.name)).toEqual(['a-1']);
    expect(absent.selection.pods.map((x) => x.name)).toEqual(['b-1']);
    // Not `podSelector: {}`: not part of a baseline (egress-empty-untyped is namespace t's).
    expect(empty.ingress.baseline).toMatchObject({ namespaceHasBaseline: true, partOfBaseline: false, baselinePolicies: ['egress-empty-untyped'] });
  });

  it('truth table: a rule with from: [] matches every peer; policyTypes defaults to Ingress', async () => {
    const p = await policy(corners, 't', 'from-empty');
    expect(p.policyTypesDefaulted).toBe(true);
    expect(p.policyTypes).toEqual(['ingress']);
    const [rule] = p.ingress.rules;
    expect(rule).toMatchObject({ peersField: 'empty', allPeers: true, peers: [], portsField: 'list', allPorts: false, allowAll: [] });
    expect(rule.text).toBe('Allows traffic from any source on TCP 80.');
    expect(rule.notes).toContain('`from: []` is read like an absent `from`: the rule matches every peer.');
  });

  it('truth table: egress: [] without policyTypes leaves egress open, and ingress with no rules is a baseline', async () => {
    const p = await policy(corners, 't', 'egress-empty-untyped');
    expect(p.policyTypes).toEqual(['ingress']);
    expect(p.egress).toMatchObject({ isolates: false, section: 'empty' });
    expect(p.ingress).toMatchObject({ isolates: true, allowsNothing: true, defaultDenyShape: true });
    expect(p.ingress.baseline).toMatchObject({ partOfBaseline: true, namespaceHasBaseline: true });
    expect(p.egress.baseline.namespaceHasBaseline).toBe(false);
  });

  it('truth table: separate peers are an OR, one entry with both selectors an AND; port ranges and protocol-only ports', async () => {
    const p = await policy(corners, 't', 'or-and');
    const [rule] = p.ingress.rules;
    expect(rule.peers.map((x) => x.text)).toEqual([
      'every pod in namespaces with team=x',
      'pods with app=a in this namespace (t)',
      'pods with tier!=db (or no tier label) in namespaces with team=y (both selectors must match)',
    ]);
    expect(rule.ports.map((x) => x.text)).toEqual(['TCP 8000-8100', 'every UDP port']);
    expect(rule.notes).toContain('3 separate `from` entries: a peer matching any one of them is allowed (OR).');
  });

  it('truth table: ipBlock with except, and 0.0.0.0/0 on every port is an allow-all', async () => {
    const p = await policy(corners, 't', 'internet');
    expect(p.egress.rules.map((r) => r.text)).toEqual([
      'Allows traffic to every IPv4 address (0.0.0.0/0) except 10.0.0.0/8 on TCP 443.',
      'Allows traffic to every IPv4 address (0.0.0.0/0) on every port.',
    ]);
    expect(p.egress.rules[0].peers[0]).toMatchObject({ kind: 'ipBlock', cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] });
    expect(p.egress.rules.map((r) => r.allowAll)).toEqual([[], ['all-ipv4']]);
    expect(p.egress.allowAll).toBe(true);
    expect(p.egress.baseline.text).toMatch(/would undo one/);
  });

  it('truth table: a selector no pod matches selects nothing, both directions isolated', async () => {
    const p = await policy(corners, 't', 'nobody');
    expect(p.selection).toMatchObject({ workloads: [], pods: [], selectedPods: 0, namespacePods: 2 });
    expect(p.policyTypes).toEqual(['ingress', 'egress']);
    expect(p.summary).toBe('Selects pods with app=gone in namespace t; denies all ingress; denies all egress.');
  });

  it('404 for an unknown cluster, namespace or policy; 400 for malformed input', async () => {
    expect((await get(t, `/api/clusters/${UNKNOWN}/policies/frontend/x`).expect(404)).body.details.code).toBe('CLUSTER_NOT_FOUND');
    expect((await get(t, `/api/clusters/${weu}/policies/nowhere/x`).expect(404)).body.details.code).toBe('NAMESPACE_NOT_FOUND');
    expect((await get(t, `/api/clusters/${weu}/policies/frontend/nothing-here`).expect(404)).body).toMatchObject({ statusCode: 404, details: { code: 'POLICY_NOT_FOUND' } });
    await get(t, `/api/clusters/not-a-uuid/policies/frontend/x`).expect(400);
    await get(t, `/api/clusters/${weu}/policies/Frontend/x`).expect(400);
    await get(t, `/api/clusters/${weu}/policies/frontend/UPPER`).expect(400);
    await get(t, `/api/clusters/${weu}/policies/frontend/x?kind=bad-kind`).expect(400);
    await get(t, `/api/clusters/${weu}/policies/frontend/x?at=yesterday`).expect(400);
  });

  it('needs the auditor role: a manager is refused with 403', async () => {
    const manager = await issueToken(t.app, 'manager');
    const auditor = await issueToken(t.app, 'auditor');
    const url = `/api/clusters/${weu}/policies/frontend/default-deny-ingress`;
    const refused = await request(t.app.getHttpServer()).get(url).set(manager.auth).expect(403);
    expect(refused.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    await request(t.app.getHttpServer()).get(url).set(auditor.auth).expect(200);
  });
});
