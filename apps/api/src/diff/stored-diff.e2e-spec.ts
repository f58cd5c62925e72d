// Diffs are analysed once: when a snapshot lands, its diff against the cluster's previous one is
// computed in the background and stored (diff_result), so another replica, with nothing analysed
// in memory, answers it from the database; any other pair is stored the first time it is asked;
// a different variant (pair limit, workload pairs) is its own row; rows go with their snapshots.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFromManifestText } from '@kordon/collectors';
import { ADMIN_TOKEN, startReplica, startTestApp, type TestApp } from '../../test/test-app';
import { ClustersService } from '../clusters/clusters.service';
import { SnapshotsService } from '../snapshots/snapshots.service';
import { DiffService } from './diff.service';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const DAY = 86_400_000;

const ns = (name: string, labels: string) => `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${name}, labels: { ${labels} } }\n`;
const deploy = (name: string, namespace: string, app: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${name}, namespace: ${namespace} }\nspec: { replicas: 2, template: { metadata: { labels: { app: ${app} } }, spec: { containers: [{ name: c, ports: [{ containerPort: 80 }] }] } } }\n`;
const denyIngress = (namespace: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: deny-ingress, namespace: ${namespace} }\nspec: { podSelector: {}, policyTypes: [Ingress] }\n`;
const files = (policies: string[]) => [{ name: 'all.yaml', text: [ns('shop', 'team: shop'), ns('data', 'team: data'), deploy('web', 'shop', 'web'), deploy('db', 'data', 'db'), ...policies].join('---\n') }];

describe('stored diffs', () => {
  let t: TestApp;
  let replica: INestApplication | undefined;
  let clusterId: string;
  const ids: string[] = [];
  const now = Date.now();

  beforeAll(async () => {
    t = await startTestApp();
    clusterId = (await t.app.get(ClustersService).register({ name: 'stored-diffs', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] })).id;
    const steps = [files([]), files([denyIngress('data')]), files([denyIngress('data'), denyIngress('shop')])];
    for (const [i, step] of steps.entries()) {
      const r = await t.app.get(SnapshotsService).run(clusterId, { trigger: 'seed', at: new Date(now - (3 - i) * DAY), collect: async () => collectFromManifestText(step) });
      expect(r.status).toBe('succeeded');
      ids.push(r.snapshotId!);
    }
    await t.app.get(DiffService).settled();
  });
  afterAll(async () => {
    await replica?.close();
    await t?.close();
  });

  it('stores each landed snapshot’s diff against the previous one, without a request', async () => {
    const rows = await t.sql<{ from_snapshot_id: string; to_snapshot_id: string; variant: string }>('SELECT from_snapshot_id, to_snapshot_id, variant FROM diff_result ORDER BY created_at');
    expect(rows.map((r) => [r.from_snapshot_id, r.to_snapshot_id])).toEqual([[ids[0], ids[1]], [ids[1], ids[2]]]);
    expect(rows[0]!.variant).toMatch(/^v\d+;workloads=0;pairs=2000;excluded=/);
  });

  it('answers a stored pair from the database on a replica that analysed nothing, as the writer computed it', async () => {
    const first = await request(t.app.getHttpServer()).get(`/api/clusters/${clusterId}/diff`).query({ from: ids[1], to: ids[2] }).set(auth).expect(200);
    expect(first.body.summary).toMatchObject({ policiesAdded: 1, defaultDenyGained: 1 });
    replica = await startReplica(t);
    const diffs = replica.get(DiffService);
    const again = await request(replica.getHttpServer()).get(`/api/clusters/${clusterId}/diff`).query({ from: ids[1], to: ids[2] }).set(auth).expect(200);
    expect(again.body).toEqual(first.body);
    expect([diffs.analysed, diffs.computed]).toEqual([0, 0]);
  });

  it('stores any other pair the first time it is asked, and a different pair limit is its own answer', async () => {
    const diffs = replica!.get(DiffService);
    const wide = await request(replica!.getHttpServer()).get(`/api/clusters/${clusterId}/diff`).query({ from: ids[0], to: ids[2] }).set(auth).expect(200);
    expect(wide.body.summary).toMatchObject({ policiesAdded: 2, defaultDenyGained: 2 });
    expect(diffs.computed).toBe(1);
    expect(await t.sql('SELECT 1 FROM diff_result WHERE from_snapshot_id = $1 AND to_snapshot_id = $2', [ids[0], ids[2]])).toHaveLength(1);
    const other = t.app.get(DiffService);
    const before = other.computed;
    const same = await request(t.app.getHttpServer()).get(`/api/clusters/${clusterId}/diff`).query({ from: ids[0], to: ids[2] }).set(auth).expect(200);
    expect(same.body).toEqual(wide.body);
    expect(other.computed).toBe(before);
    const one = await request(replica!.getHttpServer()).get(`/api/clusters/${clusterId}/diff`).query({ from: ids[0], to: ids[2], pairLimit: '1' }).set(auth).expect(200);
    expect(one.body.reachability.namespacePairs).toEqual(wide.body.reachability.namespacePairs.slice(0, 1));
    expect(diffs.computed).toBe(2);
  });

  it("computes an unchanged cluster's diff once, however many unchanged snapshots land", async () => {
    const diffs = t.app.get(DiffService);
    const before = diffs.computed;
    const same = files([denyIngress('data'), denyIngress('shop')]);
    const more: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await t.app.get(SnapshotsService).run(clusterId, { trigger: 'seed', at: new Date(now - DAY + (i + 1) * 3_600_000), collect: async () => collectFromManifestText(same) });
      expect(r.status).toBe('succeeded');
      more.push(r.snapshotId!);
    }
    await diffs.settled();
    // ids[2] → more[0] shares one side (same content), and so does every later pair.
    expect(diffs.computed).toBe(before + 1);
    const stored = await t.sql<{ to_snapshot_id: string }>('SELECT to_snapshot_id FROM diff_result WHERE to_snapshot_id = ANY($1::uuid[])', [more]);
    expect(stored.map((r) => r.to_snapshot_id).sort()).toEqual([...more].sort());
    const last = await request(t.app.getHttpServer()).get(`/api/clusters/${clusterId}/diff`).query({ from: more[1], to: more[2] }).set(auth).expect(200);
    expect(last.body.from.id).toBe(more[1]);
    expect(last.body.to.id).toBe(more[2]);
    expect(last.body.summary).toMatchObject({ policiesAdded: 0, policiesRemoved: 0, policiesChanged: 0, defaultDenyGained: 0, defaultDenyLost: 0 });
    expect(last.body.policies).toEqual([]);
  });

  it('drops the stored diffs of a deleted snapshot with it', async () => {
    await t.sql('DELETE FROM snapshot WHERE id = $1', [ids[0]]);
    const left = await t.sql<{ from_snapshot_id: string }>('SELECT from_snapshot_id FROM diff_result');
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((r) => r.from_snapshot_id !== ids[0])).toBe(true);
  });
});
