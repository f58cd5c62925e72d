// Test data for the read API specs (posture, history, findings): the demo fleet seeded through
// the real snapshot pipeline, and small hand-written clusters snapshotted at chosen times.
import request from 'supertest';
import { collectFromManifestText } from '@kordon/collectors';
import { ADMIN_TOKEN, type TestApp } from '../../../test/test-app';
import { ClustersService } from '../../clusters/clusters.service';
import { DemoService } from '../../demo/demo.service';
import { SnapshotsService } from '../../snapshots/snapshots.service';

export const AUTH = { Authorization: `Bearer ${ADMIN_TOKEN}` };
export const DAY_MS = 86_400_000;

/** Seeds the four demo clusters (nine weekly snapshots each, the last at `now`); ids by name. */
export async function seedDemo(t: TestApp, now: Date): Promise<Record<string, string>> {
  await t.app.get(DemoService).seed(now);
  const rows = await t.sql<{ id: string; name: string }>(`SELECT id, name FROM cluster WHERE demo ORDER BY name`);
  return Object.fromEntries(rows.map((r) => [r.name, r.id]));
}

/** GET with the admin token. */
export function get(t: TestApp, url: string) {
  return request(t.app.getHttpServer()).get(url).set(AUTH);
}

const NAMESPACES = `
apiVersion: v1
kind: Namespace
metadata: { name: a, labels: { team: alpha } }
---
apiVersion: v1
kind: Namespace
metadata: { name: b }
`;

const PODS = `
apiVersion: v1
kind: Pod
metadata: { name: web-1, namespace: a, labels: { app: web } }
spec: { containers: [{ name: web, image: nginx }] }
status: { phase: Running, podIP: 10.0.0.1 }
---
apiVersion: v1
kind: Pod
metadata: { name: api-1, namespace: b, labels: { app: api } }
spec: { containers: [{ name: api, image: nginx }] }
status: { phase: Running, podIP: 10.0.0.2 }
`;

const DENY_ALL_A = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: a }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
`;

const AKS = JSON.stringify({ networkPlugin: 'azure', networkPolicy: 'cilium', networkDataplane: 'cilium' });

/** The manifests of smallCluster's cluster, with or without namespace a's default-deny. */
export function smallClusterFiles(denyA: boolean): { name: string; text: string }[] {
  return [
    { name: 'namespaces.yaml', text: NAMESPACES },
    { name: 'pods.yaml', text: PODS },
    { name: 'aks.json', text: AKS },
    ...(denyA ? [{ name: 'deny.yaml', text: DENY_ALL_A }] : []),
  ];
}

/**
 * A two-namespace cluster (`a`, `b`, one pod each) snapshotted at each of `steps`: with
 * `denyA`, namespace `a` has a default-deny both ways. Returns the cluster id.
 */
export async function smallCluster(t: TestApp, name: string, steps: { at: Date; denyA: boolean }[]): Promise<string> {
  const cluster = await t.app.get(ClustersService).register({ name, source: 'manifests', paths: ['demo'], environment: 'lab', team: 'qa' });
  const snapshots = t.app.get(SnapshotsService);
  for (const step of steps) {
    const files = smallClusterFiles(step.denyA);
    const outcome = await snapshots.run(cluster.id, { trigger: 'seed', at: step.at, collect: async () => collectFromManifestText(files) });
    if (outcome.status !== 'succeeded') throw new Error(`snapshot of ${name} at ${step.at.toISOString()} did not succeed: ${JSON.stringify(outcome)}`);
  }
  return cluster.id;
}
