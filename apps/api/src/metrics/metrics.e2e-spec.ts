// /metrics in the Prometheus text format against the real app and database: snapshot outcomes and
// durations per cluster, objects collected equal to the snapshot's counts, request durations by
// route and status, the queue and pool gauges, alert deliveries; the optional scrape token; and
// the liveness and readiness probes (a pending migration makes the API not ready, by name).
import { readdirSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFromManifestText } from '@kordon/collectors';
import { ADMIN_TOKEN, startReplica, startTestApp, type TestApp } from '../../test/test-app';
import { ClustersService } from '../clusters/clusters.service';
import { MIGRATIONS_DIR } from '../prisma/migrator';
import { SnapshotsService } from '../snapshots/snapshots.service';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const MANIFESTS = `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec: { replicas: 3, template: { metadata: { labels: { app: web } }, spec: { containers: [{ name: c }] } } }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress] }
`;

/** The value of one series line (`name{labels} value`), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics and the probes', () => {
  let t: TestApp;
  let clusterId: string;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await startTestApp();
    clusterId = (await t.app.get(ClustersService).register({ name: 'metered', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] })).id;
    const snaps = t.app.get(SnapshotsService);
    expect((await snaps.run(clusterId, { trigger: 'seed', collect: async () => collectFromManifestText([{ name: 'm.yaml', text: MANIFESTS }]) })).status).toBe('succeeded');
    expect((await snaps.run(clusterId, { trigger: 'seed', collect: async () => { throw new Error('the cluster went away'); } })).status).toBe('failed');
  });
  afterAll(async () => t?.close());

  it('counts snapshots per cluster and outcome, with durations, and the objects of the last good one', async () => {
    await http().get(`/api/clusters/${clusterId}`).set(auth).expect(200);
    const res = await http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const m = res.text;
    expect(sample(m, 'kordon_snapshots_total{cluster="metered",outcome="succeeded"}')).toBe(1);
    expect(sample(m, 'kordon_snapshots_total{cluster="metered",outcome="failed"}')).toBe(1);
    expect(sample(m, 'kordon_snapshot_duration_seconds_count{cluster="metered",outcome="succeeded"}')).toBe(1);
    expect(sample(m, 'kordon_snapshot_duration_seconds_sum{cluster="metered",outcome="succeeded"}')).toBeGreaterThan(0);
    const latest = (await http().get(`/api/clusters/${clusterId}`).set(auth).expect(200)).body;
    const snapshot = (await t.sql<{ counts: Record<string, number> }>(`SELECT counts FROM snapshot WHERE cluster_id = $1 AND status = 'succeeded'`, [clusterId]))[0]!;
    expect(snapshot.counts.pods).toBe(3);
    for (const kind of ['pods', 'namespaces', 'networkPolicies', 'workloads']) {
      expect(sample(m, `kordon_snapshot_objects{cluster="metered",kind="${kind}"}`)).toBe(snapshot.counts[kind]);
    }
    expect(latest.name).toBe('metered');
  });

  it('times requests by route pattern and status, and exports the pool, queue and delivery series', async () => {
    await http().get('/api/clusters/00000000-0000-4000-8000-000000000000').set(auth).expect(404);
    const m = (await http().get('/metrics').expect(200)).text;
    expect(sample(m, 'kordon_http_request_duration_seconds_count{method="GET",route="/api/clusters/:id",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'kordon_http_request_duration_seconds_count{method="GET",route="/api/clusters/:id",status="404"}')).toBe(1);
    expect(sample(m, 'kordon_db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
    for (const name of ['kordon_queue_jobs', 'kordon_queue_oldest_waiting_job_age_seconds', 'kordon_alert_deliveries_total', 'kordon_process_cpu_seconds_total']) {
      expect(m).toContain(`# HELP ${name} `);
    }
    // Secrets never appear: the admin token is not in the scrape.
    expect(m).not.toContain(ADMIN_TOKEN);
  });

  it('asks for KORDON_METRICS_TOKEN when one is set', async () => {
    const token = 'scrape-token-0123456789abcdef';
    const replica = await startReplica(t, { KORDON_METRICS_TOKEN: token });
    try {
      const refused = await request(replica.getHttpServer()).get('/metrics').expect(401);
      expect(refused.body.message).toMatch(/KORDON_METRICS_TOKEN/);
      await request(replica.getHttpServer()).get('/metrics').set({ Authorization: 'Bearer wrong-token-0123456789abcd' }).expect(401);
      await request(replica.getHttpServer()).get('/metrics').set({ Authorization: `Bearer ${token}` }).expect(200);
    } finally {
      await replica.close();
    }
  });

  it('is live without a check, ready when the database answers and every migration is applied', async () => {
    expect((await http().get('/api/health/live').expect(200)).body).toEqual({ status: 'ok' });
    const shipped = readdirSync(MIGRATIONS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect((await http().get('/api/health/ready').expect(200)).body).toEqual({ status: 'ready', database: 'up', migrations: { applied: shipped.length } });
    const last = shipped.at(-1)!;
    await t.sql(`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = $1`, [last]);
    try {
      const notReady = await http().get('/api/health/ready').expect(503);
      expect(notReady.body.message).toBe(`not ready: 1 migration(s) not applied: ${last}`);
    } finally {
      await t.sql(`UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE migration_name = $1`, [last]);
    }
    await http().get('/api/health/ready').expect(200);
  });
});
