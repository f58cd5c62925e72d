// The digest chain against the real database: every succeeded snapshot gets a digest chained to
// the previous one; GET /api/evidence/verify recomputes them from the stored rows and names the
// first break when a row is tampered with (a policy body, a posture row, a digest), and stays
// verifiable across a snapshot pruned by retention (its pruned_snapshot record keeps the link).
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFromManifestText } from '@kordon/collectors';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../test/test-app';
import { ClustersService } from '../clusters/clusters.service';
import { SnapshotsService } from '../snapshots/snapshots.service';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const DAY = 86_400_000;

// A second namespace without policies makes the cluster's coverage shares inexact (2/3, 3/4):
// JSON numbers that do not round-trip through every serializer unchanged.
const manifests = (tag: string, step: number) => `
apiVersion: v1
kind: Namespace
metadata: { name: ${tag}-open }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: other, namespace: ${tag}-open }
spec: { replicas: 1, template: { metadata: { labels: { app: other } }, spec: { containers: [{ name: c }] } } }
---
apiVersion: v1
kind: Namespace
metadata: { name: ${tag} }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${tag} }
spec: { replicas: ${step}, template: { metadata: { labels: { app: web } }, spec: { containers: [{ name: c }] } } }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny-${tag}, namespace: ${tag} }
spec: { podSelector: {}, policyTypes: [Ingress${step > 1 ? ', Egress' : ''}] }
`;

describe('digest chain', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());
  const verify = async (clusterId: string) => (await http().get('/api/evidence/verify').query({ clusterId }).set(auth).expect(200)).body;

  /** A cluster of its own (content rows not shared with the others) with three snapshots a day apart. */
  async function cluster(tag: string): Promise<{ id: string; snaps: string[] }> {
    const c = await t.app.get(ClustersService).register({ name: `chain-${tag}`, source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] });
    const snaps: string[] = [];
    for (const step of [1, 2, 3]) {
      const at = new Date(Date.now() - (4 - step) * DAY);
      const o = await t.app.get(SnapshotsService).run(c.id, { trigger: 'seed', at, collect: async () => collectFromManifestText([{ name: 'm.yaml', text: manifests(tag, step) }]) });
      expect(o.status).toBe('succeeded');
      snaps.push(o.snapshotId!);
    }
    return { id: c.id, snaps };
  }

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('writes a digest per snapshot, chained to the previous one, and verifies it', async () => {
    const c = await cluster('ok');
    const rows = await t.sql<{ id: string; digest: string; prev_digest: string | null }>(
      'SELECT id, digest, prev_digest FROM snapshot WHERE cluster_id = $1 ORDER BY started_at', [c.id]);
    expect(rows.map((r) => r.id)).toEqual(c.snaps);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.digest))).toBe(true);
    expect(rows[0]!.prev_digest).toBeNull();
    expect(rows[1]!.prev_digest).toBe(rows[0]!.digest);
    expect(rows[2]!.prev_digest).toBe(rows[1]!.digest);
    const v = await verify(c.id);
    expect(v).toMatchObject({ ok: true, scheme: 'kordon-snapshot-v1' });
    expect(v.clusters).toEqual([{ clusterId: c.id, name: 'chain-ok', ok: true, checked: 3, pruned: 0, unchained: 0, firstBreak: null }]);
    expect(v.method).toMatch(/RFC 8785/);
  });

  it('names the first snapshot whose policy body was changed in the database', async () => {
    const c = await cluster('body');
    await t.sql(`UPDATE policy_object SET body = replace(body, 'Ingress', 'Egress') WHERE name = 'deny-body'
      AND hash IN (SELECT m.policy_hash FROM policy_set_member m JOIN snapshot s ON s.policy_set_hash = m.set_hash WHERE s.id = $1)`, [c.snaps[1]]);
    const v = await verify(c.id);
    expect(v.ok).toBe(false);
    expect(v.clusters[0].firstBreak).toMatchObject({ kind: 'content', snapshotId: c.snaps[1] });
    expect(v.clusters[0].firstBreak.message).toMatch(/policy NetworkPolicy\/body\/deny-body does not match its content address/);
  });

  it('names the snapshot whose posture row was changed', async () => {
    const c = await cluster('posture');
    // The row as stored: the snapshot's posture set entry (namespace_posture is a view over it).
    await t.sql(`UPDATE posture_set_entry SET default_deny_egress = true
      WHERE set_hash = (SELECT posture_set_hash FROM snapshot WHERE id = $1) AND namespace = 'posture'`, [c.snaps[0]]);
    const v = await verify(c.id);
    expect(v.clusters[0].firstBreak).toMatchObject({ kind: 'digest', snapshotId: c.snaps[0] });
    expect(v.clusters[0].checked).toBe(0);
  });

  it('covers the schedule a snapshot vouches for: stretching it to hide a gap breaks the digest', async () => {
    const c = await cluster('schedule');
    expect((await t.sql<{ schedule_minutes: number }>(`SELECT schedule_minutes FROM snapshot WHERE id = $1`, [c.snaps[1]]))[0].schedule_minutes).toBeGreaterThan(0);
    await t.sql(`UPDATE snapshot SET schedule_minutes = 100000 WHERE id = $1`, [c.snaps[1]]);
    const v = await verify(c.id);
    expect(v.clusters[0].firstBreak).toMatchObject({ kind: 'digest', snapshotId: c.snaps[1] });
  });

  it('a rewritten digest breaks at that snapshot; rewriting the next link too is still caught', async () => {
    const c = await cluster('digest');
    await t.sql(`UPDATE snapshot SET digest = repeat('a', 64) WHERE id = $1`, [c.snaps[1]]);
    const v = await verify(c.id);
    expect(v.clusters[0].firstBreak).toMatchObject({ kind: 'digest', snapshotId: c.snaps[1] });
    expect(v.clusters[0].checked).toBe(1);
    // Forging the next snapshot's link to the fake digest changes that snapshot's own digest input.
    await t.sql(`UPDATE snapshot SET prev_digest = repeat('a', 64) WHERE id = $1`, [c.snaps[2]]);
    expect((await verify(c.id)).clusters[0].firstBreak).toMatchObject({ kind: 'digest', snapshotId: c.snaps[1] });
  });

  it('stays verifiable across a pruned snapshot; deleting one without its record is a broken link', async () => {
    const c = await cluster('pruned');
    const [mid] = await t.sql<{ id: string; started_at: Date; digest: string; prev_digest: string }>('SELECT id, started_at, digest, prev_digest FROM snapshot WHERE id = $1', [c.snaps[1]]);
    await t.sql('INSERT INTO pruned_snapshot (id, cluster_id, started_at, digest, prev_digest) VALUES ($1, $2, $3, $4, $5)', [mid!.id, c.id, mid!.started_at, mid!.digest, mid!.prev_digest]);
    await t.sql('DELETE FROM snapshot WHERE id = $1', [c.snaps[1]]);
    const v = await verify(c.id);
    expect(v.clusters[0]).toMatchObject({ ok: true, checked: 3, pruned: 1 });

    const d = await cluster('deleted');
    await t.sql('DELETE FROM snapshot WHERE id = $1', [d.snaps[1]]);
    const broken = await verify(d.id);
    expect(broken.clusters[0].firstBreak).toMatchObject({ kind: 'link', snapshotId: d.snaps[2] });
  });

  it('verifies a range from its first snapshot on, linking to the one before it', async () => {
    const c = await cluster('range');
    const [second] = await t.sql<{ started_at: Date }>('SELECT started_at FROM snapshot WHERE id = $1', [c.snaps[1]]);
    const v = (await http().get('/api/evidence/verify').query({ clusterId: c.id, from: second!.started_at.toISOString() }).set(auth).expect(200)).body;
    expect(v.clusters[0]).toMatchObject({ ok: true, checked: 2 });
    await http().get('/api/evidence/verify').query({ clusterId: 'x' }).set(auth).expect(400);
    await http().get('/api/evidence/verify').query({ clusterId: '00000000-0000-4000-8000-000000000000' }).set(auth).expect(404);
  });
});
