// Regression alerts against the real database and a real local HTTP receiver: a namespace losing
// default-deny opens one alert (not one per snapshot), delivered to a JSON webhook with a valid
// HMAC signature, retried through pg-boss when the receiver fails (every attempt recorded), and to
// Slack- and Teams-shaped webhooks; regaining it resolves the alert; engine none and failing
// snapshots alert too; a new namespace left unprotected past the threshold alerts; secrets never
// come back.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFromManifestText } from '@kordon/collectors';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../test/test-app';
import { until } from '../../test/until';
import { ClustersService } from '../clusters/clusters.service';
import { SnapshotsService } from '../snapshots/snapshots.service';
import { AlertsService } from './alerts.service';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const SECRET = 'receiver-shared-secret-0123456789';
const H = 3_600_000;

const manifests = (denied: boolean, engine = 'cilium') => [
  { name: 'm.yaml', text: `apiVersion: v1
kind: Namespace
metadata: { name: pay }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: pay }
spec: { replicas: 2, template: { metadata: { labels: { app: api } }, spec: { containers: [{ name: c }] } } }
${denied ? `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny, namespace: pay }
spec: { podSelector: {}, policyTypes: [Ingress] }` : ''}` },
  { name: 'aks.json', text: JSON.stringify({ name: 'alerting', type: 'Microsoft.ContainerService/ManagedClusters', kubernetesVersion: '1.31.7', networkProfile: { networkPlugin: 'azure', networkPolicy: engine } }) },
];

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('regression alerts', () => {
  let t: TestApp;
  let server: Server;
  let base: string;
  let clusterId: string;
  const received: Received[] = [];
  /** Status codes to answer on /json before answering 200. */
  const failures: number[] = [];
  const http = () => request(t.app.getHttpServer());
  let hoursAgo = 10;
  const snapshot = async (files: ReturnType<typeof manifests>) => {
    const o = await t.app.get(SnapshotsService).run(clusterId, { trigger: 'seed', at: new Date(Date.now() - hoursAgo-- * H), collect: async () => collectFromManifestText(files) });
    expect(o.status).toBe('succeeded');
  };
  const allAlerts = async () => (await http().get('/api/alerts').set(auth).expect(200)).body.items as { id: string; kind: string; namespace: string | null; summary: string; resolvedAt: string | null }[];
  const alerts = async () => (await http().get('/api/alerts').set(auth).expect(200)).body.items.filter((a: { kind: string }) => a.kind === 'default_deny_lost') as { id: string; kind: string; namespace: string | null; resolvedAt: string | null; deliveries: { webhookName: string; ok: boolean; attempts: number }[] }[];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body });
        const status = req.url === '/json' && failures.length ? failures.shift()! : 200;
        res.writeHead(status).end(status === 200 ? 'ok' : 'nope');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await startTestApp();
    t.app.get(AlertsService).retryDelaySeconds = 1;
    clusterId = (await t.app.get(ClustersService).register({ name: 'alerting', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] })).id;
    for (const [name, format, path, secret] of [['json-hook', 'json', '/json', SECRET], ['slack-hook', 'slack', '/slack', undefined], ['teams-hook', 'teams', '/teams', undefined]] as const) {
      await http().post('/api/webhooks').set(auth).send({ name, format, url: `${base}${path}`, ...(secret ? { secret } : {}), kinds: ['default_deny_lost', 'engine_none', 'snapshots_failing'] }).expect(201);
    }
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((r) => server?.close(() => r()));
  });

  it('a lost default-deny opens one alert, delivered signed to JSON, Slack and Teams; retried on 500', async () => {
    await snapshot(manifests(true));
    expect(await alerts()).toEqual([]);
    failures.push(500, 500);
    await snapshot(manifests(false));
    const open = await alerts();
    expect(open).toHaveLength(1);
    // Coverage fell from 100 % to 0 % too: the namespace and the cluster (webhooks here do not take that kind).
    expect((await allAlerts()).filter((a) => a.kind === 'coverage_drop').map((a) => a.summary).sort()).toEqual([
      'alerting/pay: ingress pod coverage fell from 100 % to 0 %',
      'alerting: ingress pod coverage fell from 100 % to 0 %',
    ]);
    expect(open[0]).toMatchObject({ kind: 'default_deny_lost', namespace: 'pay', resolvedAt: null });
    await until(async () => received, (rs) => rs.filter((r) => r.path === '/json').length >= 3 && rs.some((r) => r.path === '/slack') && rs.some((r) => r.path === '/teams'), 30_000);
    const json = received.filter((r) => r.path === '/json');
    const last = json[json.length - 1]!;
    expect(last.headers['x-kordon-event']).toBe('alert.opened');
    expect(last.headers['x-kordon-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(last.body).digest('hex')}`);
    expect(JSON.parse(last.body)).toMatchObject({ event: 'alert.opened', alert: { id: open[0]!.id, kind: 'default_deny_lost', clusterName: 'alerting', namespace: 'pay' } });
    const slack = JSON.parse(received.find((r) => r.path === '/slack')!.body);
    expect(slack.text).toMatch(/^\[Kordon\] Alert: alerting\/pay lost its default-deny ingress$/);
    expect(slack.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    const teams = JSON.parse(received.find((r) => r.path === '/teams')!.body);
    expect(teams).toMatchObject({ '@type': 'MessageCard', '@context': 'https://schema.org/extensions', themeColor: 'D70000' });
    expect(teams.sections[0].facts).toContainEqual({ name: 'Namespace', value: 'pay' });
    // Every attempt is recorded: two failures, then the success.
    const d = (await http().get(`/api/alerts/${open[0]!.id}/deliveries`).set(auth).expect(200)).body.items;
    const jsonHook = (await http().get('/api/webhooks').set(auth).expect(200)).body.items.find((w: { name: string }) => w.name === 'json-hook');
    expect(d.filter((x: { webhookId: string }) => x.webhookId === jsonHook.id).map((x: { attempt: number; ok: boolean; httpStatus: number }) => [x.attempt, x.ok, x.httpStatus])).toEqual([[1, false, 500], [2, false, 500], [3, true, 200]]);
  });

  it('the same condition on the next snapshot opens nothing new; regaining default-deny resolves it', async () => {
    const before = received.length;
    await snapshot(manifests(false));
    expect(await alerts()).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(received.length).toBe(before);
    await snapshot(manifests(true));
    const all = await alerts();
    expect(all).toHaveLength(1);
    expect(all[0]!.resolvedAt).not.toBeNull();
    await until(async () => received, (rs) => rs.some((r) => r.path === '/json' && r.headers['x-kordon-event'] === 'alert.resolved'), 20_000);
    // Losing it again is a new alert.
    await snapshot(manifests(false));
    expect((await alerts()).filter((a) => a.resolvedAt === null)).toHaveLength(1);
    expect(await alerts()).toHaveLength(2);
  });

  it('engine none and failing snapshots alert; thresholds are rules; secrets never come back', async () => {
    await snapshot(manifests(false, 'none'));
    expect((await allAlerts()).some((a) => a.kind === 'engine_none' && a.resolvedAt === null)).toBe(true);
    await http().put('/api/alert-rules/snapshots_failing').set(auth).send({ threshold: 2 }).expect(200);
    await t.sql(`INSERT INTO snapshot (id, cluster_id, status, trigger, started_at, finished_at, failure_reason) VALUES (gen_random_uuid(), $1, 'failed', 'schedule', now() - interval '3 hours', now() - interval '3 hours', 'forbidden: 403')`, [clusterId]);
    await t.app.get(AlertsService).tick(new Date());
    expect((await allAlerts()).some((a) => a.kind === 'snapshots_failing' && a.resolvedAt === null)).toBe(true);
    await http().put('/api/alert-rules/engine_none').set(auth).send({ threshold: 5 }).expect(400);
    await http().post('/api/webhooks').set(auth).send({ name: 'bad', format: 'json', url: 'ftp://x' }).expect(400);
    await http().post('/api/webhooks').set(auth).send({ name: 'bad', format: 'xml', url: `${base}/x` }).expect(400);
    const hooks = await http().get('/api/webhooks').set(auth).expect(200);
    expect(hooks.text).not.toContain(SECRET);
    expect(hooks.text).not.toContain('/json');
    expect(hooks.body.items[0]).toMatchObject({ urlHint: `${base}/…`, hasSecret: true });
    const rows = await t.sql<{ url: string; secret_sealed: string | null }>('SELECT url, secret_sealed FROM webhook');
    for (const r of rows) {
      expect(r.url).not.toContain('127.0.0.1');
      expect(r.secret_sealed ?? '').not.toContain(SECRET);
    }
    const test = await http().post(`/api/webhooks/${hooks.body.items[0].id}/test`).set(auth).expect(200);
    expect(test.body).toMatchObject({ ok: true, httpStatus: 200 });
  });
});

// A namespace that appears after the cluster's first snapshot and stays without default-deny in
// either direction for longer than the threshold (24 h by default) opens one alert per namespace,
// delivered to the receiver; namespaces of the first snapshot, or born with both defaults, never
// do; gaining default-deny in both directions resolves it.
describe('unprotected_namespace alerts', () => {
  let t: TestApp;
  let server: Server;
  let clusterId: string;
  const received: Received[] = [];
  const http = () => request(t.app.getHttpServer());
  const started = Date.now();
  const ns = (name: string, deny: 'none' | 'ingress' | 'both') => `---
apiVersion: v1
kind: Namespace
metadata: { name: ${name} }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: app, namespace: ${name} }
spec: { replicas: 1, template: { metadata: { labels: { app: a } }, spec: { containers: [{ name: c }] } } }
${deny === 'none' ? '' : `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny, namespace: ${name} }
spec: { podSelector: {}, policyTypes: [${deny === 'both' ? 'Ingress, Egress' : 'Ingress'}] }`}
`;
  const snapshot = async (hoursAgo: number, namespaces: string[]) => {
    const files = [
      { name: 'm.yaml', text: namespaces.join('') },
      { name: 'aks.json', text: JSON.stringify({ name: 'growing', type: 'Microsoft.ContainerService/ManagedClusters', kubernetesVersion: '1.31.7', networkProfile: { networkPlugin: 'azure', networkPolicy: 'cilium' } }) },
    ];
    const o = await t.app.get(SnapshotsService).run(clusterId, { trigger: 'seed', at: new Date(started - hoursAgo * H), collect: async () => collectFromManifestText(files) });
    expect(o.status).toBe('succeeded');
  };
  const unprotected = async () =>
    ((await http().get('/api/alerts').set(auth).expect(200)).body.items as { id: string; kind: string; namespace: string | null; summary: string; details: Record<string, unknown>; resolvedAt: string | null }[])
      .filter((a) => a.kind === 'unprotected_namespace')
      .sort((a, b) => String(a.namespace).localeCompare(String(b.namespace)));
  const events = () => received.map((r) => ({ event: r.headers['x-kordon-event'], ...(JSON.parse(r.body) as { alert: { kind: string; namespace: string } }).alert })).map((a) => `${a.event} ${a.kind} ${a.namespace}`).sort();

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await startTestApp();
    clusterId = (await t.app.get(ClustersService).register({ name: 'growing', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] })).id;
    await http().post('/api/webhooks').set(auth).send({ name: 'unprotected-hook', format: 'json', url: `${base}/hook`, secret: SECRET, kinds: ['unprotected_namespace'] }).expect(201);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((r) => server?.close(() => r()));
  });

  it('fires past the threshold, not before; once per namespace; resolves on default-deny in both directions', async () => {
    // The first snapshot's namespaces are not new, protected or not.
    await snapshot(50, [ns('legacy', 'none'), ns('pay', 'both')]);
    // 20 h ago three namespaces appear: one bare, one with ingress only, one born protected.
    await snapshot(20, [ns('legacy', 'none'), ns('pay', 'both'), ns('scratch', 'none'), ns('half', 'ingress'), ns('safe', 'both')]);
    expect(await unprotected()).toEqual([]);
    const svc = t.app.get(AlertsService);
    // 23 h after they appeared: under the default 24 h.
    await svc.tick(new Date(started + 3 * H));
    expect(await unprotected()).toEqual([]);
    // 25 h: over it.
    await svc.tick(new Date(started + 5 * H));
    const open = await unprotected();
    expect(open.map((a) => [a.namespace, a.resolvedAt, a.details.missing, a.details.hours])).toEqual([
      ['half', null, ['egress'], 24],
      ['scratch', null, ['ingress', 'egress'], 24],
    ]);
    const appeared = new Date(started - 20 * H).toISOString();
    expect(open.map((a) => a.summary)).toEqual([
      `growing/half has been without default-deny egress since it appeared ${appeared}`,
      `growing/scratch has been without default-deny ingress and egress since it appeared ${appeared}`,
    ]);
    expect(open[0]!.details.firstSeen).toBe(appeared);
    await until(async () => received, (rs) => rs.length >= 2, 20_000);
    expect(events()).toEqual(['alert.opened unprotected_namespace half', 'alert.opened unprotected_namespace scratch']);
    for (const r of received) {
      expect(r.path).toBe('/hook');
      expect(r.headers['x-kordon-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(r.body).digest('hex')}`);
    }

    // Deduplicated: later passes, and a lower threshold that still holds, open nothing new.
    await svc.tick(new Date(started + 6 * H));
    await http().put('/api/alert-rules/unprotected_namespace').set(auth).send({ threshold: 12 }).expect(200);
    await svc.tick(new Date());
    expect((await unprotected()).map((a) => a.id)).toEqual(open.map((a) => a.id));
    await new Promise((r) => setTimeout(r, 1500));
    expect(received).toHaveLength(2);

    // scratch gains default-deny both ways: resolved; half still lacks egress: stays open.
    await snapshot(1, [ns('legacy', 'none'), ns('pay', 'both'), ns('scratch', 'both'), ns('half', 'ingress'), ns('safe', 'both')]);
    let now = await unprotected();
    expect(now.map((a) => [a.namespace, a.resolvedAt === null])).toEqual([['half', true], ['scratch', false]]);
    await until(async () => received, (rs) => rs.length >= 3, 20_000);
    expect(events()).toContain('alert.resolved unprotected_namespace scratch');
    // Then half gains egress too.
    await snapshot(0.5, [ns('legacy', 'none'), ns('pay', 'both'), ns('scratch', 'both'), ns('half', 'both'), ns('safe', 'both')]);
    now = await unprotected();
    expect(now.every((a) => a.resolvedAt !== null)).toBe(true);
    expect(now).toHaveLength(2);
    await until(async () => received, (rs) => rs.length >= 4, 20_000);
    expect(events()).toEqual([
      'alert.opened unprotected_namespace half',
      'alert.opened unprotected_namespace scratch',
      'alert.resolved unprotected_namespace half',
      'alert.resolved unprotected_namespace scratch',
    ]);
  });
});
