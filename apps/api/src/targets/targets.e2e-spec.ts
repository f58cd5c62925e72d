// Rollout targets against the real database: a cluster whose namespaces gain default-deny one a
// day; a fleet target and a cluster target read their burn-up from the same history the rollout
// page charts, project the trend to the due date, and bad input is a 400 that says why.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFromManifestText } from '@kordon/collectors';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../test/test-app';
import { ClustersService } from '../clusters/clusters.service';
import { SnapshotsService } from '../snapshots/snapshots.service';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const D = 86_400_000;
const NS = 10;

function manifests(denied: number): string {
  const docs: string[] = [];
  for (let i = 0; i < NS; i++) {
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: { name: ns${i} }`);
    docs.push(`apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app, namespace: ns${i} }\nspec: { template: { metadata: { labels: { app: a } }, spec: { containers: [{ name: c }] } } }`);
    if (i < denied) docs.push(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: deny, namespace: ns${i} }\nspec: { podSelector: {}, policyTypes: [Ingress] }`);
  }
  return docs.join('\n---\n');
}

describe('rollout targets', () => {
  let t: TestApp;
  let clusterId: string;
  const http = () => request(t.app.getHttpServer());
  const due = new Date(Date.now() + 30 * D).toISOString().slice(0, 10);

  beforeAll(async () => {
    t = await startTestApp();
    const c = await t.app.get(ClustersService).register({ name: 'rollout-t', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'], environment: 'prod', team: 'pay' });
    clusterId = c.id;
    // Five days ago 1 of 10 namespaces had default-deny ingress; one more each day: 6 of 10 today.
    for (let d = 5; d >= 0; d--) {
      const o = await t.app.get(SnapshotsService).run(clusterId, { trigger: 'seed', at: new Date(Date.now() - d * D - 60_000), collect: async () => collectFromManifestText([{ name: 'm.yaml', text: manifests(6 - d) }]) });
      expect(o.status).toBe('succeeded');
    }
  }, 60_000);
  afterAll(async () => t?.close());

  it('a fleet target: current share, trend, projection and the day it is reached', async () => {
    const created = await http().post('/api/rollout/targets').set(auth).send({ scopeKind: 'fleet', direction: 'ingress', share: 0.9, dueDate: due, note: 'Q1 goal' }).expect(201);
    expect(created.body).toMatchObject({ scopeKind: 'fleet', scopeValue: '', scopeName: 'Fleet', direction: 'ingress', share: 0.9, note: 'Q1 goal' });
    const p = created.body.progress;
    expect(p).toMatchObject({ current: 0.6, namespaces: 10, withDefaultDeny: 6, reached: false, onTrack: true });
    expect(p.trendPerDay).toBeCloseTo(0.1, 6);
    expect(p.projectedAtDue).toBe(1);
    expect(p.projectedReachDate).toBe(new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 3)).toISOString().slice(0, 10));
    // The same numbers as the rollout page's history.
    const hist = (await http().get('/api/fleet/history').query({ from: new Date(Date.now() - 7 * D).toISOString(), bucket: 'day' }).set(auth).expect(200)).body;
    const last = hist.series[0].points[hist.series[0].points.length - 1];
    expect([last.defaultDenyIngress, last.namespaces]).toEqual([6, 10]);
    const prog = (await http().get(`/api/rollout/targets/${created.body.id}/progress`).set(auth).expect(200)).body;
    expect(prog.points.slice(-6).map((x: { withDefaultDeny: number }) => x.withDefaultDeny)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(prog.projection).toEqual([{ day: expect.any(String), share: 0.6 }, { day: due, share: 1 }]);
    const audit = await t.sql<{ action: string }>(`SELECT action FROM audit_log WHERE target = $1`, [created.body.id]);
    expect(audit.map((a) => a.action)).toEqual(['target.create']);
  });

  it('cluster, environment and team scopes; edit and delete; egress at 0 is at risk', async () => {
    const c = await http().post('/api/rollout/targets').set(auth).send({ scopeKind: 'cluster', scopeValue: clusterId, direction: 'egress', share: 0.5, dueDate: due }).expect(201);
    expect(c.body).toMatchObject({ scopeName: 'rollout-t', progress: { current: 0, onTrack: false, projectedReachDate: null } });
    const env = await http().post('/api/rollout/targets').set(auth).send({ scopeKind: 'environment', scopeValue: 'prod', direction: 'ingress', share: 0.5, dueDate: due }).expect(201);
    expect(env.body.progress).toMatchObject({ current: 0.6, reached: true, onTrack: true });
    await http().post('/api/rollout/targets').set(auth).send({ scopeKind: 'team', scopeValue: 'pay', direction: 'ingress', share: 0.7, dueDate: due }).expect(201);
    const patched = await http().patch(`/api/rollout/targets/${c.body.id}`).set(auth).send({ share: 0.25 }).expect(200);
    expect(patched.body.share).toBe(0.25);
    await http().delete(`/api/rollout/targets/${env.body.id}`).set(auth).expect(204);
    const list = (await http().get('/api/rollout/targets').set(auth).expect(200)).body.items;
    expect(list.map((x: { scopeKind: string }) => x.scopeKind).sort()).toEqual(['cluster', 'fleet', 'team']);
  });

  it('refuses bad targets with a 400 that names the problem, and managers may read but not set', async () => {
    const bad = async (body: object, message: RegExp) => expect((await http().post('/api/rollout/targets').set(auth).send(body).expect(400)).body.message).toMatch(message);
    await bad({ scopeKind: 'fleet', direction: 'ingress', share: 80, dueDate: due }, /share must be a number from 0 to 1/);
    await bad({ scopeKind: 'fleet', direction: 'ingress', share: 0.8, dueDate: '2020-01-01' }, /not in the future/);
    await bad({ scopeKind: 'environment', scopeValue: 'nope', direction: 'ingress', share: 0.8, dueDate: due }, /no cluster has environment "nope"/);
    await bad({ scopeKind: 'cluster', direction: 'ingress', share: 0.8, dueDate: due }, /needs scopeValue/);
    await bad({ scopeKind: 'galaxy', direction: 'ingress', share: 0.8, dueDate: due }, /scopeKind must be one of/);
    await bad({ scopeKind: 'fleet', direction: 'sideways', share: 0.8, dueDate: due }, /direction must be ingress or egress/);
    await http().get('/api/rollout/targets/00000000-0000-4000-8000-000000000000/progress').set(auth).expect(404);
    const manager = (await http().post('/api/tokens').set(auth).send({ name: 'mgr', role: 'manager' }).expect(201)).body.token;
    await http().get('/api/rollout/targets').set({ Authorization: `Bearer ${manager}` }).expect(200);
    await http().post('/api/rollout/targets').set({ Authorization: `Bearer ${manager}` }).send({ scopeKind: 'fleet', direction: 'ingress', share: 0.8, dueDate: due }).expect(403);
  });
});
