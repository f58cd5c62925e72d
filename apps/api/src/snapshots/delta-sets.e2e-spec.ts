// Content sets that grow with change, not with snapshots (delta_content_sets migration): an
// unchanged snapshot writes no posture rows; a snapshot that changed a little writes each set as a
// delta over the previous snapshot's full base, and readers (the *_set_member and
// namespace_posture views) see exactly the whole set; retention never collects a base a kept
// delta needs; the digest chain still verifies.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFromManifestText } from '@kordon/collectors';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../test/test-app';
import { ClustersService } from '../clusters/clusters.service';
import { RetentionRepository } from '../retention/retention.repository';
import { SnapshotsService } from './snapshots.service';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const KINDS = ['policy', 'workload', 'namespace', 'finding', 'posture'] as const;

/** `n` namespaces team-0..n-1, each with a Deployment; namespaces listed in `denied` get a default-deny. */
function fleet(names: string[], opts: { denied: Set<string>; relabel?: string }): string {
  return names.map((ns) => `apiVersion: v1
kind: Namespace
metadata: { name: ${ns}, labels: { team: ${ns} } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${ns} }
spec: { replicas: 2, template: { metadata: { labels: { app: ${ns === opts.relabel ? 'web-v2' : 'web'} } }, spec: { containers: [{ name: c }] } } }
${opts.denied.has(ns) ? `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny, namespace: ${ns} }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
` : ''}`).join('---\n');
}

describe('delta content sets', () => {
  let t: TestApp;
  let clusterId: string;
  const names = Array.from({ length: 24 }, (_, i) => `team-${i}`);
  const at = (h: number) => new Date(Date.UTC(2026, 10, 1, h));
  const snap = async (h: number, text: string) => {
    const o = await t.app.get(SnapshotsService).run(clusterId, { trigger: 'seed', at: at(h), collect: async () => collectFromManifestText([{ name: 'f.yaml', text }]) });
    expect(o.status).toBe('succeeded');
    return o;
  };
  const sets = async (id: string) => (await t.sql<Record<string, string>>(
    `SELECT policy_set_hash AS policy, workload_set_hash AS workload, namespace_set_hash AS namespace, finding_set_hash AS finding, posture_set_hash AS posture
     FROM snapshot WHERE id = $1`, [id]))[0];
  const base = async (kind: string, hash: string) => (await t.sql<{ base_hash: string | null }>(`SELECT base_hash FROM ${kind}_set WHERE hash = $1`, [hash]))[0]?.base_hash;
  const entries = async (kind: string, hash: string) => Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM ${kind}_set_entry WHERE set_hash = $1`, [hash]))[0].n);
  const posture = (id: string) => t.sql<{ namespace: string; default_deny_ingress: boolean; pods: number }>(
    `SELECT namespace, default_deny_ingress, pods FROM namespace_posture WHERE snapshot_id = $1 ORDER BY namespace COLLATE "C"`, [id]);

  beforeAll(async () => {
    t = await startTestApp();
    clusterId = (await t.app.get(ClustersService).register({ name: 'delta', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'], scheduleMinutes: 60 })).id;
  }, 60_000);
  afterAll(async () => t?.close());

  it('writes a small change as deltas that read back as whole sets, survives retention, and keeps the chain', async () => {
    const denied = new Set(names.filter((_, i) => i % 2 === 0));
    const s1 = await snap(0, fleet(names, { denied }));
    // Unchanged: every set is reused, no posture row is written.
    const s2 = await snap(1, fleet(names, { denied }));
    expect(s2.status === 'succeeded' && s2.rowsWritten).toMatchObject({ postureSets: 0, namespacePostures: 0, policySets: 0, workloadSets: 0, namespaceSets: 0, findingSets: 0 });
    expect(await sets(s2.snapshotId!)).toEqual(await sets(s1.snapshotId!));

    // A little change: team-1 gains a default-deny, team-3's pods are relabelled, team-23 goes, team-24 arrives.
    const names3 = [...names.slice(0, 23), 'team-24'];
    const denied3 = new Set([...denied, 'team-1']);
    const s3 = await snap(2, fleet(names3, { denied: denied3, relabel: 'team-3' }));
    const [h1, h3] = [await sets(s1.snapshotId!), await sets(s3.snapshotId!)];
    for (const kind of KINDS) {
      expect(h3[kind], kind).not.toBe(h1[kind]);
      // Findings changed by 12 of 47 (more than a quarter): written whole, which reads cheaper.
      expect(await base(kind, h3[kind]), kind).toBe(kind === 'finding' ? null : h1[kind]);
    }
    // Only the change is stored: team-1's policy (+1; team-23 had none); team-3's new and team-24's
    // workloads (+2), team-3's old and team-23's (-2); namespaces team-23 (-) and team-24 (+).
    expect(await entries('policy', h3.policy)).toBe(1);
    expect(await entries('workload', h3.workload)).toBe(4);
    expect(await entries('namespace', h3.namespace)).toBe(2);
    expect(await entries('posture', h3.posture)).toBeLessThanOrEqual(4);

    // The views resolve the delta into the whole set, equal to what the cluster served.
    const members = async (kind: string, hash: string) => Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM ${kind}_set_member WHERE set_hash = $1`, [hash]))[0].n);
    expect(await members('namespace', h3.namespace)).toBe(24);
    expect(await members('workload', h3.workload)).toBe(24);
    expect(await members('policy', h3.policy)).toBe(13);
    expect(await members('finding', h3.finding)).toBe(Number((await t.sql<{ size: number }>('SELECT size FROM finding_set WHERE hash = $1', [h3.finding]))[0].size));
    const p3 = await posture(s3.snapshotId!);
    expect(p3.map((r) => r.namespace)).toEqual([...names3].sort());
    expect(p3.find((r) => r.namespace === 'team-1')?.default_deny_ingress).toBe(true);
    expect(p3.find((r) => r.namespace === 'team-2')?.default_deny_ingress).toBe(true);
    expect(p3.find((r) => r.namespace === 'team-24')?.default_deny_ingress).toBe(false);
    // The namespace pages read the delta too: team-3 (no policy, relabelled) and team-1 (new deny).
    const page = async (ns: string) => (await request(t.app.getHttpServer()).get(`/api/clusters/${clusterId}/namespaces/${ns}`).set(auth).expect(200)).body;
    const team3 = await page('team-3');
    expect(team3.snapshot.id).toBe(s3.snapshotId);
    expect(team3.namespace).toMatchObject({ name: 'team-3', pods: 2, workloads: 1, policies: 0, ingress: { defaultDeny: false }, egress: { defaultDeny: false } });
    expect(team3.workloads.map((w: { name: string; pods: number; labels: Record<string, string> }) => [w.name, w.pods, w.labels?.app])).toEqual([['web', 2, 'web-v2']]);
    const team1 = await page('team-1');
    expect(team1.namespace).toMatchObject({ pods: 2, policies: 1, ingress: { defaultDeny: true }, egress: { defaultDeny: true } });
    expect(team1.workloads[0]).toMatchObject({ name: 'web', ingress: { isolated: true, policies: ['deny'] } });

    // Retention prunes the snapshots holding the base sets; the base stays while the delta needs it.
    const retention = t.app.get(RetentionRepository);
    await retention.prune(clusterId, [s1.snapshotId!, s2.snapshotId!]);
    await retention.collectContent();
    expect(await posture(s3.snapshotId!)).toEqual(p3);
    expect(await members('workload', h3.workload)).toBe(24);
    expect(await base('posture', h3.posture)).toBe(h1.posture);

    // A snapshot back at the first state reuses nothing pruned by mistake and chains on.
    const s4 = await snap(3, fleet(names, { denied }));
    expect((await posture(s4.snapshotId!)).filter((r) => r.default_deny_ingress)).toHaveLength(denied.size);
    const v = (await request(t.app.getHttpServer()).get('/api/evidence/verify').query({ clusterId }).set(auth).expect(200)).body;
    expect(v.clusters[0]).toMatchObject({ ok: true, checked: 4, pruned: 2 });
    // Tampering with a delta's entry breaks the chain at the snapshot that reads it.
    await t.sql(`UPDATE posture_set_entry SET default_deny_ingress = NOT default_deny_ingress WHERE set_hash = $1 AND namespace = 'team-1'`, [h3.posture]);
    const broken = (await request(t.app.getHttpServer()).get('/api/evidence/verify').query({ clusterId }).set(auth).expect(200)).body;
    expect(broken.clusters[0].ok).toBe(false);
    expect(broken.clusters[0].firstBreak).toMatchObject({ kind: 'digest', snapshotId: s3.snapshotId });
  });
});
