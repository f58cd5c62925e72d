// Snapshots end to end: the real @kubernetes/client-node reads a fake API server over https,
// the queue (pg-boss) runs the job, and we assert what landed in the real PostgreSQL.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFromKubernetes } from '@kordon/collectors';
import { generateSyntheticCluster } from '@kordon/collectors/testing';
import { FakeKubeServer } from '@kordon/collectors/testing';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../test/test-app';
import { until } from '../../test/until';
import { ClustersService } from '../clusters/clusters.service';
import { SnapshotsRepository } from './snapshots.repository';
import { SnapshotsService } from './snapshots.service';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const CONTENT_TABLES = [
  'label_set', 'policy_object', 'workload_object', 'policy_set', 'policy_set_member', 'workload_set', 'workload_set_member',
  'namespace_set', 'namespace_set_member', 'finding_object', 'finding_set', 'finding_set_member',
];

async function waitForSnapshot(t: TestApp, clusterId: string, count: number) {
  const items = await until(
    async () => (await request(t.app.getHttpServer()).get(`/api/clusters/${clusterId}/snapshots`).set(auth).expect(200)).body.items as { id: string; status: string }[],
    (items) => items.filter((s) => s.status !== 'running').length >= count,
  );
  return items[0];
}

async function countRows(t: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of CONTENT_TABLES) out[table] = Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);
  return out;
}

describe('snapshots end to end', () => {
  let t: TestApp;
  let kube: FakeKubeServer;
  let forbidden: FakeKubeServer;
  let clusterId: string;
  const dataset = generateSyntheticCluster({ namespaces: 6, pods: 60, policies: 14, crds: true, seed: 7 });
  // The API server's Go encoder escapes <, > and &: evidence must keep those bytes, not ours.
  (dataset.networkPolicies[0].metadata as { annotations?: Record<string, string> }).annotations = { 'kordon.dev/note': 'allow <frontend> & "api"' };

  beforeAll(async () => {
    kube = await FakeKubeServer.start({ dataset, gitVersion: 'v1.31.2' });
    forbidden = await FakeKubeServer.start({ dataset, forbid: ['pods'] });
    t = await startTestApp();
    const res = await request(t.app.getHttpServer())
      .post('/api/clusters')
      .set(auth)
      .send({ name: 'fake-prod', source: 'kubeconfig', kubeconfig: kube.kubeconfig(), environment: 'prod', team: 'platform' })
      .expect(201);
    clusterId = res.body.id;
  });

  afterAll(async () => {
    await t?.close();
    await kube?.close().catch(() => undefined);
    await forbidden?.close();
  });

  it('queues a snapshot (202) and stores exactly what the cluster served', async () => {
    const accepted = await request(t.app.getHttpServer()).post(`/api/clusters/${clusterId}/snapshots`).set(auth).expect(202);
    expect(accepted.body).toMatchObject({ clusterId, alreadyQueued: false });
    expect(typeof accepted.body.jobId).toBe('string');
    const snap = await waitForSnapshot(t, clusterId, 1);
    expect(snap.status).toBe('succeeded');

    const detail = await request(t.app.getHttpServer()).get(`/api/snapshots/${snap.id}`).set(auth).expect(200);
    expect(detail.body.counts).toMatchObject({
      namespaces: dataset.namespaces.length,
      pods: dataset.pods.length,
      networkPolicies: dataset.networkPolicies.length,
    });
    expect(detail.body.kubernetesVersion).toBe('1.31.2');
    expect(detail.body.progress.phase).toBe('done');

    // Policies byte-equal to what the fake served (NetworkPolicies and CRD policies).
    const bodies = (await t.sql<{ body: string; kind: string }>(
      `SELECT p.body, p.kind FROM snapshot s JOIN policy_set_member m ON m.set_hash = s.policy_set_hash
       JOIN policy_object p ON p.hash = m.policy_hash WHERE s.id = $1`, [snap.id])).map((r) => r.body).sort();
    const served = ['networkpolicies', 'ciliumnetworkpolicies', 'ciliumclusterwidenetworkpolicies', 'globalnetworkpolicies']
      .flatMap((r) => kube.servedTexts(r))
      .sort();
    expect(served.length).toBeGreaterThan(dataset.networkPolicies.length);
    expect(served.some((b) => b.includes('\\u003cfrontend\\u003e \\u0026'))).toBe(true);
    expect(bodies).toEqual(served);

    // Namespace labels, including the implicit kubernetes.io/metadata.name.
    const nsRows = await t.sql<{ name: string; labels: Record<string, string> }>(
      `SELECT m.name, l.labels FROM snapshot s JOIN namespace_set_member m ON m.set_hash = s.namespace_set_hash
       JOIN label_set l ON l.hash = m.label_set_hash WHERE s.id = $1 ORDER BY m.name`, [snap.id]);
    expect(nsRows.map((r) => r.name)).toEqual(dataset.namespaces.map((n) => (n.metadata as { name: string }).name).sort());
    for (const row of nsRows) expect(row.labels['kubernetes.io/metadata.name']).toBe(row.name);
    const servedNs = dataset.namespaces.find((n) => (n.metadata as { name: string }).name === nsRows[0].name)!;
    expect(nsRows[0].labels).toMatchObject((servedNs.metadata as { labels: Record<string, string> }).labels);

    // Pods grouped under workloads, with their labels.
    const pods = await t.sql<{ n: string }>(
      `SELECT coalesce(sum(w.pod_count), 0) AS n FROM snapshot s JOIN workload_set_member m ON m.set_hash = s.workload_set_hash
       JOIN workload_object w ON w.hash = m.workload_hash WHERE s.id = $1`, [snap.id]);
    expect(Number(pods[0].n)).toBe(dataset.pods.length);

    // One posture row per namespace, written with the snapshot.
    const postures = await t.sql(`SELECT * FROM namespace_posture WHERE snapshot_id = $1`, [snap.id]);
    expect(postures).toHaveLength(dataset.namespaces.length);

    // The engine's findings, stored with the snapshot and counted on the cluster summary.
    const findings = await t.sql<{ rule_id: string; severity: string }>(
      `SELECT f.rule_id, f.severity FROM snapshot s JOIN finding_set_member m ON m.set_hash = s.finding_set_hash
       JOIN finding_object f ON f.hash = m.finding_hash WHERE s.id = $1`, [snap.id]);
    expect(findings.length).toBeGreaterThan(0);
    // No network profile was read from a plain kubeconfig: the engine is unconfirmed (KORDON-002).
    expect(findings.map((f) => f.rule_id)).toContain('KORDON-002');
    const summary = await request(t.app.getHttpServer()).get(`/api/clusters/${clusterId}`).set(auth).expect(200);
    const counts = summary.body.posture.findings as Record<string, number>;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(findings.length);
  });

  it('an unchanged second snapshot adds no policy, label-set or other content rows', async () => {
    const before = await countRows(t);
    await request(t.app.getHttpServer()).post(`/api/clusters/${clusterId}/snapshots`).set(auth).expect(202);
    const snap = await waitForSnapshot(t, clusterId, 2);
    expect(snap.status).toBe('succeeded');
    expect(await countRows(t)).toEqual(before);
    const snaps = await t.sql<{ policy_set_hash: string }>(`SELECT policy_set_hash FROM snapshot WHERE cluster_id = $1`, [clusterId]);
    expect(new Set(snaps.map((s) => s.policy_set_hash)).size).toBe(1);
  });

  it('never runs two snapshots of one cluster at once', async () => {
    const service = t.app.get(SnapshotsService);
    const [a, b] = await Promise.all([service.run(clusterId, { trigger: 'manual' }), service.run(clusterId, { trigger: 'manual' })]);
    expect([a.status, b.status].sort()).toEqual(['already-running', 'succeeded']);
  });

  it('records a 403 as a failed snapshot with its reason, writing no content', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/api/clusters').set(auth)
      .send({ name: 'fake-forbidden', source: 'kubeconfig', kubeconfig: forbidden.kubeconfig() }).expect(201);
    const outcome = await t.app.get(SnapshotsService).run(res.body.id, { trigger: 'manual' });
    expect(outcome.status).toBe('failed');
    const snap = await request(t.app.getHttpServer()).get(`/api/snapshots/${outcome.snapshotId}`).set(auth).expect(200);
    expect(snap.body.status).toBe('failed');
    expect(snap.body.failureReason).toMatch(/forbidden/i);
    expect(snap.body.failureReason).toMatch(/pods/);
    const rows = await t.sql(`SELECT 1 FROM namespace_posture WHERE snapshot_id = $1`, [outcome.snapshotId]);
    expect(rows).toHaveLength(0);
  });

  it('shows the phase and counts of a snapshot still running', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const running = t.app.get(SnapshotsService).run(clusterId, {
      trigger: 'manual',
      collect: async (o) => {
        o.onProgress?.({ phase: 'pods', counts: { namespaces: 6, pods: 500 } });
        await gate;
        return collectFromKubernetes({ kubeconfigYaml: kube.kubeconfig() }, o);
      },
    });
    const list = await until(
      async () => (await request(t.app.getHttpServer()).get(`/api/clusters/${clusterId}/snapshots`).set(auth).expect(200)).body.items[0],
      (s: { id: string; status: string }) => s.status === 'running',
    );
    const detail = await until(
      async () => (await request(t.app.getHttpServer()).get(`/api/snapshots/${list.id}`).set(auth).expect(200)).body,
      (d: { status: string; progress: { phase: string; counts: Record<string, number> } }) => d.progress?.phase === 'pods',
    );
    expect(detail.status).toBe('running');
    expect(detail.progress.counts).toEqual({ namespaces: 6, pods: 500 });
    release();
    expect((await running).status).toBe('succeeded');
  });

  it('writes progress at most twice a second, the newest phase last, however fast the phases come', async () => {
    const repo = t.app.get(SnapshotsRepository);
    const writes: string[] = [];
    const original = repo.progress.bind(repo);
    repo.progress = async (id, p) => {
      writes.push((p as { phase: string }).phase);
      return original(id, p);
    };
    try {
      let snapshotId = '';
      const running = t.app.get(SnapshotsService).run(clusterId, {
        trigger: 'manual',
        collect: async (o) => {
          for (const phase of ['namespaces', 'pods', 'services', 'policies']) o.onProgress?.({ phase, counts: {} });
          // Held back: the newest phase is written when its turn comes, while the snapshot runs.
          const rows = await until(
            async () => t.sql<{ id: string; phase: string }>(`SELECT id, progress->>'phase' AS phase FROM snapshot WHERE cluster_id = $1 AND status = 'running'`, [clusterId]),
            (r) => r[0]?.phase === 'policies',
          );
          snapshotId = rows[0]!.id;
          return collectFromKubernetes({ kubeconfigYaml: kube.kubeconfig() }, o);
        },
      });
      expect((await running).status).toBe('succeeded');
      expect(snapshotId).toBeTruthy();
      // The first phase at once, then the newest after the interval; the three between never.
      expect(writes.slice(0, 2)).toEqual(['namespaces', 'policies']);
      expect(writes.filter((w) => w === 'pods' || w === 'services')).toHaveLength(0);
    } finally {
      repo.progress = original;
    }
  });

  it('a failed snapshot does not hide the last good one', async () => {
    await kube.close();
    const outcome = await t.app.get(SnapshotsService).run(clusterId, { trigger: 'manual' });
    expect(outcome.status).toBe('failed');
    const res = await request(t.app.getHttpServer()).get(`/api/clusters/${clusterId}`).set(auth).expect(200);
    expect(res.body.lastSnapshot.status).toBe('failed');
    expect(res.body.lastSnapshot.failureReason).toMatch(/unreachable|ECONNREFUSED/i);
    expect(res.body.posture).not.toBeNull();
    expect(res.body.posture.snapshotId).not.toBe(outcome.snapshotId);
    expect(res.body.stale).toBe(false);
  });

  it('pages a cluster\'s snapshots newest or oldest first, ties broken by id, and refuses a cursor of the other sort', async () => {
    const cluster = await t.app.get(ClustersService).register({ name: 'sorted-history', source: 'manifests', paths: ['demo'] });
    const repo = t.app.get(SnapshotsRepository);
    const base = Date.UTC(2026, 0, 10, 12);
    const seeded: { id: string; at: number }[] = [];
    // Failed ones (two starting at the same instant), then one still running: every status is listed.
    for (const [i, hours] of [0, 6, 6, 12, 30, 31, 48].entries()) {
      const at = base + hours * 3_600_000;
      const id = (await repo.start(cluster.id, i % 2 ? 'schedule' : 'manual', new Date(at)))!;
      if (i < 6) await repo.fail(id, 'test', [], new Date(at + 60_000));
      seeded.push({ id, at });
    }
    const oldest = [...seeded].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((s) => s.id);
    const http = () => request(t.app.getHttpServer());
    const pages = async (sort?: string, limit = 2) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const body: { items: { id: string }[]; nextCursor: string | null } = (await http().get(`/api/clusters/${cluster.id}/snapshots`).query({ limit, ...(sort ? { sort } : {}), ...(cursor ? { cursor } : {}) }).set(auth).expect(200)).body;
        ids.push(...body.items.map((i) => i.id));
        cursor = body.nextCursor;
      } while (cursor);
      return ids;
    };
    expect(await pages()).toEqual([...oldest].reverse());
    expect(await pages('-startedAt')).toEqual([...oldest].reverse());
    expect(await pages('startedAt')).toEqual(oldest);
    // Page size 1 puts a page boundary between the two snapshots of the same instant either way.
    expect(await pages('-startedAt', 1)).toEqual([...oldest].reverse());
    expect(await pages('startedAt', 1)).toEqual(oldest);
    const first = (await http().get(`/api/clusters/${cluster.id}/snapshots`).query({ sort: 'startedAt', limit: 3 }).set(auth).expect(200)).body;
    expect(first.items.map((i: { status: string }) => i.status)).toEqual(['failed', 'failed', 'failed']);

    for (const sort of [undefined, '-startedAt']) {
      const res = await http().get(`/api/clusters/${cluster.id}/snapshots`).query({ cursor: first.nextCursor, ...(sort ? { sort } : {}) }).set(auth).expect(400);
      expect(res.body).toMatchObject({
        statusCode: 400, error: 'Bad Request', message: expect.stringContaining('sort=startedAt'),
        details: { code: 'CURSOR_SORT_MISMATCH', cursorSort: 'startedAt', sort: '-startedAt' },
      });
    }
    for (const sort of ['newest', 'startedAt:asc', '-finishedAt', 'startedAt,-id', '']) {
      const res = await http().get(`/api/clusters/${cluster.id}/snapshots`).query({ sort }).set(auth).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining('sort must be one of') });
    }
    const old = Buffer.from(JSON.stringify([new Date(base).toISOString(), seeded[0].id])).toString('base64url');
    await http().get(`/api/clusters/${cluster.id}/snapshots`).query({ cursor: old }).set(auth).expect(400);

    const doc = (await http().get('/api/openapi.json').expect(200)).body;
    const param = doc.paths['/api/clusters/{id}/snapshots'].get.parameters.find((p: { name: string }) => p.name === 'sort');
    expect(param).toMatchObject({ in: 'query', required: false, schema: { enum: ['-startedAt', 'startedAt'], default: '-startedAt' } });
  });

  it('keeps the kubeconfig sealed in the database and out of every response', async () => {
    const rows = await t.sql<{ secret_sealed: string; source_config: unknown }>(`SELECT secret_sealed, source_config FROM cluster WHERE id = $1`, [clusterId]);
    expect(rows[0].secret_sealed).toMatch(/^v1\./);
    expect(rows[0].secret_sealed).not.toContain(kube.token);
    expect(JSON.stringify(rows[0].source_config)).not.toContain(kube.token);
    const list = await request(t.app.getHttpServer()).get('/api/clusters').set(auth).expect(200);
    const one = await request(t.app.getHttpServer()).get(`/api/clusters/${clusterId}`).set(auth).expect(200);
    for (const body of [list.text, one.text]) {
      expect(body).not.toContain(kube.token);
      expect(body).not.toContain('certificate-authority-data');
      expect(body).not.toContain('secretSealed');
    }
  });
});
