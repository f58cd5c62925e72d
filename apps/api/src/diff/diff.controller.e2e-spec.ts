// Diffs through HTTP against the real database: two stored snapshots of one cluster where a
// default-deny is removed, a label change leaves a policy selecting nothing (drift), a policy is
// added and the engine is switched; a change of only the plugin mode; the since-counts of the
// cluster and the fleet; and the what-if on the latest snapshot, which stores nothing.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFromManifestText } from '@kordon/collectors';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../test/test-app';
import { ClustersService } from '../clusters/clusters.service';
import { SnapshotsService } from '../snapshots/snapshots.service';
import { DiffRepository } from './diff.repository';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

const workloads = (apiLabel: string) => `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { team: shop } }
---
apiVersion: v1
kind: Namespace
metadata: { name: data, labels: { team: data } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: frontend, namespace: shop }
spec: { replicas: 2, template: { metadata: { labels: { app: frontend } }, spec: { containers: [{ name: c, ports: [{ containerPort: 80 }] }] } } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec: { replicas: 3, template: { metadata: { labels: { app: ${apiLabel} } }, spec: { containers: [{ name: c, ports: [{ containerPort: 8080 }] }] } } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: db, namespace: data }
spec: { template: { metadata: { labels: { app: db } }, spec: { containers: [{ name: c, ports: [{ containerPort: 5432 }] }] } } }
`;

const DENY_DATA = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny-ingress, namespace: data }
spec: { podSelector: {}, policyTypes: [Ingress] }
`;
const API_FROM_FRONTEND = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-from-frontend, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  policyTypes: [Ingress]
  ingress: [{ from: [{ podSelector: { matchLabels: { app: frontend } } }], ports: [{ port: 8080 }] }]
`;
const DENY_SHOP_EGRESS = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny-egress, namespace: shop }
spec: { podSelector: {}, policyTypes: [Egress] }
`;
const aks = (policy: string) => JSON.stringify({ name: 'diffy', type: 'Microsoft.ContainerService/ManagedClusters', kubernetesVersion: '1.31.7', networkProfile: { networkPlugin: 'azure', networkPluginMode: 'overlay', networkPolicy: policy } });

const DAY = 86_400_000;

describe('diff endpoints', () => {
  let t: TestApp;
  let clusterId: string;
  let s1: { id: string; at: Date };
  let s2: { id: string; at: Date };
  const now = Date.now();
  const http = () => request(t.app.getHttpServer());
  const v1 = [
    { name: 'workloads.yaml', text: workloads('api') },
    { name: 'deny-data.yaml', text: DENY_DATA },
    { name: 'api.yaml', text: API_FROM_FRONTEND },
    { name: 'aks.json', text: aks('azure') },
  ];
  const v2 = [
    { name: 'workloads.yaml', text: workloads('api-v2') },
    { name: 'api.yaml', text: API_FROM_FRONTEND },
    { name: 'egress.yaml', text: DENY_SHOP_EGRESS },
    { name: 'aks.json', text: aks('cilium') },
  ];

  beforeAll(async () => {
    t = await startTestApp();
    const cluster = await t.app.get(ClustersService).register({ name: 'diffy', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] });
    clusterId = cluster.id;
    const run = async (files: typeof v1, at: Date) => {
      const outcome = await t.app.get(SnapshotsService).run(clusterId, { trigger: 'seed', at, collect: async () => collectFromManifestText(files) });
      expect(outcome.status).toBe('succeeded');
      return { id: outcome.snapshotId!, at };
    };
    s1 = await run(v1, new Date(now - 10 * DAY));
    s2 = await run(v2, new Date(now - DAY));
  });
  afterAll(async () => t?.close());

  it('lists the policies added and removed with YAML and a unified diff', async () => {
    const res = await http().get(`/api/clusters/${clusterId}/diff`).query({ from: s1.id, to: s2.id }).set(auth).expect(200);
    expect(res.body.from).toEqual({ id: s1.id, takenAt: s1.at.toISOString(), kind: 'snapshot' });
    expect(res.body.to).toEqual({ id: s2.id, takenAt: s2.at.toISOString(), kind: 'snapshot' });
    const policies = res.body.policies.map((p: { change: string; namespace: string; name: string }) => `${p.change} ${p.namespace}/${p.name}`);
    expect(policies).toEqual(['removed data/deny-ingress', 'added shop/deny-egress']);
    const removed = res.body.policies.find((p: { name: string }) => p.name === 'deny-ingress');
    expect(removed.beforeYaml).toContain('policyTypes:\n    - Ingress');
    expect(removed.afterYaml).toBe('');
    expect(removed.yamlDiff).toContain('--- a/NetworkPolicy/data/deny-ingress.yaml');
    expect(removed.yamlDiff).toMatch(/^-kind: NetworkPolicy$/m);
    expect(removed.podsBefore).toBe(1);
    expect(res.body.summary).toMatchObject({ policiesAdded: 1, policiesRemoved: 1, policiesChanged: 0 });
  });

  it('flags drift: the label change leaves api-from-frontend selecting no pods', async () => {
    const res = await http().get(`/api/clusters/${clusterId}/diff`).query({ from: s1.id, to: s2.id }).set(auth).expect(200);
    expect(res.body.drift).toEqual([
      { policy: { kind: 'NetworkPolicy', namespace: 'shop', name: 'api-from-frontend' }, before: 3, after: 0, drift: true, policyChanged: false },
    ]);
    const label = res.body.labels.find((l: { workload: string }) => l.workload === 'Deployment/api');
    expect(label).toMatchObject({ scope: 'workload', namespace: 'shop', changed: [{ key: 'app', before: 'api', after: 'api-v2' }] });
    expect(label.effects).toEqual([expect.objectContaining({ policy: { kind: 'NetworkPolicy', namespace: 'shop', name: 'api-from-frontend' }, drift: true })]);
    expect(res.body.summary.driftedPolicies).toBe(1);
  });

  it('gives coverage and default-deny per namespace, the engine switch and the findings opened and resolved', async () => {
    const res = await http().get(`/api/clusters/${clusterId}/diff`).query({ from: s1.id, to: s2.id }).set(auth).expect(200);
    const data = res.body.namespaces.find((n: { namespace: string }) => n.namespace === 'data');
    expect([data.before.ingress.defaultDeny, data.after.ingress.defaultDeny]).toEqual([true, false]);
    expect(data.ingressCoverageDelta).toBe(-100);
    const shop = res.body.namespaces.find((n: { namespace: string }) => n.namespace === 'shop');
    expect([shop.before.egress.defaultDeny, shop.after.egress.defaultDeny]).toEqual([false, true]);
    expect(res.body.verdict.breaksDefaultDeny).toEqual([{ namespace: 'data', direction: 'ingress' }]);
    expect(res.body.summary).toMatchObject({ defaultDenyLost: 1, defaultDenyGained: 1 });
    expect(res.body.profile).toMatchObject({ engineBefore: 'azure', engineAfter: 'cilium', engineChanged: true });
    expect(res.body.profile.changes).toContainEqual({ field: 'networkPolicy', before: 'azure', after: 'cilium' });
    expect(res.body.findings.opened.length + res.body.findings.resolved.length).toBeGreaterThan(0);
    expect(res.body.summary.findingsOpened).toBe(res.body.findings.opened.length);
  });

  it('gives the reachability diff: pairs opened and closed with the change that caused them', async () => {
    const res = await http().get(`/api/clusters/${clusterId}/diff`).query({ from: s1.id, to: s2.id, workloads: 'true' }).set(auth).expect(200);
    const pairs = res.body.reachability.namespacePairs;
    // data lost its default-deny: shop → data is open now (and shop's new egress deny closes it again)…
    const shopToData = pairs.find((p: { from: string; to: string }) => p.from === 'shop' && p.to === 'data');
    expect(shopToData).toBeUndefined();
    // …while anything outside the cluster now reaches data: the removed policy is the cause.
    const wl = res.body.reachability.workloadPairs;
    const intoDb = wl.filter((p: { to: string; opened: string }) => p.to === 'data/db' && p.opened !== '');
    expect(intoDb.length).toBeGreaterThan(0);
    expect(intoDb[0].causes).toContainEqual({ type: 'policy', kind: 'NetworkPolicy', namespace: 'data', name: 'deny-ingress', change: 'removed' });
    // frontend → api: was TCP 8080 only; api-from-frontend no longer selects api, so api is open to all, but shop's egress deny closes it.
    const fa = wl.find((p: { from: string; to: string }) => p.from === 'shop/frontend' && p.to === 'shop/api');
    expect(fa).toMatchObject({ before: 'TCP 8080', after: 'No Connections', closed: 'TCP 8080' });
    expect(fa.causes).toEqual(expect.arrayContaining([
      { type: 'policy', kind: 'NetworkPolicy', namespace: 'shop', name: 'deny-egress', change: 'added' },
      { type: 'drift', kind: 'NetworkPolicy', namespace: 'shop', name: 'api-from-frontend', change: 'selects 3 → 0 pods' },
    ]));
    expect(res.body.verdict.opens).toBeGreaterThan(0);
    expect(res.body.verdict.fails).toBe(true);
  });

  it('lists at most pairLimit pairs, says how many there are, and counts them all in the summary', async () => {
    const full = await http().get(`/api/clusters/${clusterId}/diff`).query({ from: s1.id, to: s2.id, workloads: 'true' }).set(auth).expect(200);
    const total = full.body.reachability.namespacePairsTotal;
    expect(total).toBe(full.body.reachability.namespacePairs.length);
    expect(total).toBe(full.body.summary.pairsChanged);
    expect(full.body.reachability.namespacePairsTruncated).toBe(false);
    const workloadTotal = full.body.reachability.workloadPairsTotal;
    expect(workloadTotal).toBeGreaterThan(1);
    const one = await http().get(`/api/clusters/${clusterId}/diff`).query({ from: s1.id, to: s2.id, workloads: 'true', pairLimit: '1' }).set(auth).expect(200);
    expect(one.body.reachability.namespacePairs).toEqual(full.body.reachability.namespacePairs.slice(0, 1));
    expect(one.body.reachability.workloadPairs).toEqual(full.body.reachability.workloadPairs.slice(0, 1));
    expect(one.body.reachability).toMatchObject({ namespacePairsTotal: total, workloadPairsTotal: workloadTotal, truncated: true });
    expect(one.body.summary).toEqual(full.body.summary);
    expect(one.body.verdict).toEqual(full.body.verdict);
    const zero = await http().get(`/api/clusters/${clusterId}/diff`).query({ from: s1.id, pairLimit: '0' }).set(auth).expect(400);
    expect(JSON.stringify(zero.body)).toMatch(/pairLimit must be at least 1/);
  });

  it('takes dates: from a date resolves to the snapshot in force then, to defaults to the latest', async () => {
    const from = new Date(s1.at.getTime() + DAY).toISOString().slice(0, 10);
    const res = await http().get(`/api/clusters/${clusterId}/diff`).query({ from }).set(auth).expect(200);
    expect(res.body.from.id).toBe(s1.id);
    expect(res.body.to.id).toBe(s2.id);
  });

  it('refuses bad input with a 4xx that says why', async () => {
    const bad = await http().get(`/api/clusters/${clusterId}/diff`).query({ from: 'yesterday' }).set(auth).expect(400);
    expect(bad.body.message).toMatch(/from must be an ISO 8601 time/);
    const missing = await http().get(`/api/clusters/${clusterId}/diff`).set(auth).expect(400);
    expect(JSON.stringify(missing.body)).toMatch(/from/);
    const early = await http().get(`/api/clusters/${clusterId}/diff`).query({ from: '2001-01-01' }).set(auth).expect(404);
    expect(early.body.message).toMatch(/no succeeded snapshot taken at or before 2001-01-01/);
    const swapped = await http().get(`/api/clusters/${clusterId}/diff`).query({ from: s2.id, to: s1.id }).set(auth).expect(400);
    expect(swapped.body.message).toMatch(/later than to/);
    await http().get(`/api/clusters/${clusterId}/diff`).query({ from: '00000000-0000-4000-8000-000000000000' }).set(auth).expect(404);
  });

  it('changes since a date: the cluster counts equal its diff summary; the fleet counts match them', async () => {
    const since = new Date(s1.at.getTime() + 1000).toISOString();
    const diff = await http().get(`/api/clusters/${clusterId}/diff`).query({ from: since }).set(auth).expect(200);
    const cluster = await http().get(`/api/clusters/${clusterId}/changes`).query({ since }).set(auth).expect(200);
    expect(cluster.body).toMatchObject({ clusterId, name: 'diffy', snapshotsCompared: 1, from: { id: s1.id }, to: { id: s2.id } });
    expect(cluster.body.counts).toEqual(diff.body.summary);
    const fleet = await http().get('/api/fleet/changes').query({ since }).set(auth).expect(200);
    const mine = fleet.body.clusters.find((c: { clusterId: string }) => c.clusterId === clusterId);
    for (const k of ['policiesAdded', 'policiesRemoved', 'policiesChanged', 'defaultDenyGained', 'defaultDenyLost', 'findingsOpened', 'findingsResolved'])
      expect([k, mine.counts[k]]).toEqual([k, diff.body.summary[k]]);
    // Before the first snapshot: compared from the first one.
    const older = await http().get(`/api/clusters/${clusterId}/changes`).query({ since: '2001-01-01' }).set(auth).expect(200);
    expect(older.body.from.id).toBe(s1.id);
    // A pair's counts never change: asked again (another URL for the same instant, so the read
    // cache cannot answer), they are not counted again.
    const repo = t.app.get(DiffRepository);
    const counted = repo.pairsCounted;
    const sameInstant = since.replace('Z', '+00:00');
    const again = await http().get('/api/fleet/changes').query({ since: sameInstant }).set(auth).expect(200);
    expect(again.headers['cache-status']).not.toBe('kordon; hit');
    expect(again.body).toEqual(fleet.body);
    expect(repo.pairsCounted).toBe(counted);
  });

  it('what-if: proposed manifests against the latest snapshot, nothing stored, verdict for a gate', async () => {
    const count = async () => Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM snapshot'))[0]!.n);
    const before = await count();
    const open = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny-egress, namespace: shop }
spec: { podSelector: {}, policyTypes: [Egress], egress: [{}] }
`;
    const res = await http().post(`/api/clusters/${clusterId}/simulate`).set(auth).send({ manifests: open }).expect(200);
    expect(res.body.from).toMatchObject({ id: s2.id, kind: 'snapshot' });
    expect(res.body.to).toEqual({ id: null, takenAt: null, kind: 'proposed' });
    expect(res.body.policies.map((p: { change: string; name: string }) => `${p.change} ${p.name}`)).toEqual(['changed deny-egress']);
    expect(res.body.policies[0].yamlDiff).toMatch(/^\+ {2}egress:/m);
    expect(res.body.verdict.breaksDefaultDeny).toEqual([{ namespace: 'shop', direction: 'egress' }]);
    expect(res.body.verdict.fails).toBe(true);
    expect(await count()).toBe(before);

    // Deleting the egress deny by name gives the same opening.
    const del = await http().post(`/api/clusters/${clusterId}/simulate`).set(auth).send({ delete: ['shop/deny-egress'] }).expect(200);
    expect(del.body.policies.map((p: { change: string; name: string }) => `${p.change} ${p.name}`)).toEqual(['removed deny-egress']);
    expect(del.body.verdict.opens).toBeGreaterThan(0);

    // A policy that only tightens: the gate passes.
    const tighten = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny-ingress, namespace: data }
spec: { podSelector: {}, policyTypes: [Ingress] }
`;
    const ok = await http().post(`/api/clusters/${clusterId}/simulate`).set(auth).send({ files: [{ name: 'deny.yaml', text: tighten }] }).expect(200);
    expect(ok.body.verdict).toMatchObject({ opens: 0, breaksDefaultDeny: [], fails: false });
    expect(ok.body.verdict.closes).toBeGreaterThan(0);
  });

  it('a change of only the network plugin mode (overlay added, engine unchanged) is a profile change', async () => {
    const other = await t.app.get(ClustersService).register({ name: 'modey', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] });
    const profile = (mode?: string) => JSON.stringify({ name: 'modey', type: 'Microsoft.ContainerService/ManagedClusters', kubernetesVersion: '1.31.7', networkProfile: { networkPlugin: 'azure', ...(mode ? { networkPluginMode: mode } : {}), networkPolicy: 'cilium', networkDataplane: 'cilium' } });
    const files = (mode?: string) => [{ name: 'workloads.yaml', text: workloads('api') }, { name: 'deny-data.yaml', text: DENY_DATA }, { name: 'aks.json', text: profile(mode) }];
    const ids: string[] = [];
    for (const [mode, at] of [[undefined, now - 5 * DAY], ['overlay', now - 2 * DAY]] as const) {
      const o = await t.app.get(SnapshotsService).run(other.id, { trigger: 'seed', at: new Date(at), collect: async () => collectFromManifestText(files(mode)) });
      expect(o.status).toBe('succeeded');
      ids.push(o.snapshotId!);
    }
    const res = await http().get(`/api/clusters/${other.id}/diff`).query({ from: ids[0], to: ids[1] }).set(auth).expect(200);
    expect(res.body.profile).toEqual({ engineBefore: 'cilium', engineAfter: 'cilium', engineChanged: false, changes: [{ field: 'networkPluginMode', before: null, after: 'overlay' }] });
    expect(res.body.summary).toMatchObject({ profileChanges: 1, policiesAdded: 0, policiesRemoved: 0, policiesChanged: 0, defaultDenyGained: 0, defaultDenyLost: 0 });
    const since = new Date(now - 5 * DAY + 1000).toISOString();
    const changes = await http().get(`/api/clusters/${other.id}/changes`).query({ since }).set(auth).expect(200);
    expect(changes.body.counts.profileChanges).toBe(1);
  });

  it('what-if refuses bad manifests with file, line and column, unknown deletes, and non-security roles', async () => {
    const bad = await http().post(`/api/clusters/${clusterId}/simulate`).set(auth).send({ files: [{ name: 'bad.yaml', text: 'kind: NetworkPolicy\nmetadata: {name: x\n' }] }).expect(400);
    expect(bad.body.message).toMatch(/could not be read/);
    expect(bad.body.details.errors[0]).toMatchObject({ file: 'bad.yaml' });
    expect(JSON.stringify(bad.body.details.errors[0])).toMatch(/line/);
    const cidr = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: x, namespace: shop }
spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: 10.0.0.0/33 } }] }] }
`;
    const badCidr = await http().post(`/api/clusters/${clusterId}/simulate`).set(auth).send({ manifests: cidr }).expect(400);
    expect(badCidr.body.message).toMatch(/10\.0\.0\.0\/33/);
    const unknown = await http().post(`/api/clusters/${clusterId}/simulate`).set(auth).send({ delete: ['shop/nope'] }).expect(400);
    expect(unknown.body.message).toMatch(/does not hold: shop\/nope/);
    await http().post(`/api/clusters/${clusterId}/simulate`).set(auth).send({}).expect(400);
    await http().post(`/api/clusters/${clusterId}/simulate`).set(auth).send({ manifests: 'x', extra: 1 }).expect(400);
    const auditor = (await http().post('/api/tokens').set(auth).send({ name: 'diff-auditor', role: 'auditor' }).expect(201)).body;
    await http().post(`/api/clusters/${clusterId}/simulate`).set({ Authorization: `Bearer ${auditor.token}` }).send({ delete: ['shop/deny-egress'] }).expect(403);
    await http().get(`/api/clusters/${clusterId}/diff`).query({ from: s1.id }).set({ Authorization: `Bearer ${auditor.token}` }).expect(200);
  });
});
