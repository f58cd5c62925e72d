// The fault matrix end to end (docs/reliability.md): the real API, queue and PostgreSQL, the real
// Kubernetes client against a fake API server and the real Azure SDK against a fake ARM server,
// each made to fail one way at a time. A healthy cluster is snapshotted alongside every fault.
// Each case proves: the attempt is recorded failed with a reason naming the problem, nothing of
// it is readable as a snapshot, the last good posture is still served and marked stale, the
// healthy cluster is unaffected, and transient faults were retried with backoff.
import { AuthenticationError, type AccessToken, type TokenCredential } from '@azure/identity';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeArmServer, FakeKubeServer, generateSyntheticCluster, otherTestTls, type FakeAksCluster } from '@kordon/collectors/testing';
import { ADMIN_AUTH, startTestApp, type TestApp } from '../../test/test-app';
import { until } from '../../test/until';
import { SchedulerService } from './scheduler.service';
import { SnapshotsService } from './snapshots.service';

const SUB = '3c1d7e0a-52b4-4b8e-9d6f-0a1b2c3d4e5f';
const ARM_TOKEN = 'arm-token-fault-matrix';
const EXPIRED_ARM_TOKEN = 'arm-token-expired-fault-matrix';
const HOUR = 3_600_000;
const SNAPSHOT_TIMEOUT_SECONDS = 10;

interface Detail {
  id: string;
  status: string;
  failureReason: string | null;
  counts: unknown;
  problems: { code: string; severity: string }[];
}

/** What the credential does now: hand out the good token, an expired one, or fail (secret expired). */
let credentialMode: 'ok' | 'expired-token' | 'secret-expired' = 'ok';
const credential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => {
    if (credentialMode === 'secret-expired') {
      // What @azure/identity's ClientSecretCredential throws when Entra ID refuses an expired secret.
      throw new AuthenticationError(401, {
        error: 'invalid_client',
        error_description: "AADSTS7000222: The provided client secret keys for app '00000000-0000-0000-0000-0000000000dd' are expired. Visit the Azure portal to create new keys for your app.",
      });
    }
    return { token: credentialMode === 'expired-token' ? EXPIRED_ARM_TOKEN : ARM_TOKEN, expiresOnTimestamp: Date.now() + HOUR };
  },
};

describe('fault matrix: snapshots against failing clusters', () => {
  let t: TestApp;
  let healthy: FakeKubeServer;
  let faulty: FakeKubeServer;
  let aksKube: FakeKubeServer;
  let arm: FakeArmServer;
  let healthyId: string;
  let faultyId: string;
  let aksId: string;
  const good: Record<string, string> = {};
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    const dataset = generateSyntheticCluster({ namespaces: 4, pods: 24, policies: 6, seed: 11 });
    healthy = await FakeKubeServer.start({ dataset });
    faulty = await FakeKubeServer.start({ dataset });
    aksKube = await FakeKubeServer.start({ dataset: generateSyntheticCluster({ namespaces: 3, pods: 9, policies: 3, seed: 12 }) });
    const aks: FakeAksCluster = {
      subscriptionId: SUB, resourceGroup: 'rg-faults', name: 'aks-faults', kubeconfig: aksKube.kubeconfig(),
      properties: {
        provisioningState: 'Succeeded', powerState: { code: 'Running' }, kubernetesVersion: '1.31', currentKubernetesVersion: '1.31.3',
        networkProfile: { networkPlugin: 'azure', networkPluginMode: 'overlay', networkPolicy: 'cilium', networkDataplane: 'cilium' },
        agentPoolProfiles: [{ name: 'system', count: 3, vmSize: 'Standard_D4ds_v5', osType: 'Linux', mode: 'System' }],
      },
    };
    arm = await FakeArmServer.start({ token: ARM_TOKEN, clusters: [aks], expiredTokens: [EXPIRED_ARM_TOKEN] });
    t = await startTestApp(
      { KORDON_ARM_ENDPOINT: arm.url, KORDON_SNAPSHOT_TIMEOUT_SECONDS: String(SNAPSHOT_TIMEOUT_SECONDS) },
      // The SDK's own retry policy, with short delays so the 5xx case stays fast.
      { azure: { credential: () => credential, clientOptions: { tlsOptions: { ca: arm.ca }, retryOptions: { maxRetries: 3, retryDelayInMs: 100, maxRetryDelayInMs: 1000 } } } },
    );
    const register = async (body: Record<string, unknown>) => (await http().post('/api/clusters').set(ADMIN_AUTH).send(body).expect(201)).body.id as string;
    healthyId = await register({ name: 'healthy', source: 'kubeconfig', kubeconfig: healthy.kubeconfig() });
    faultyId = await register({ name: 'faulty', source: 'kubeconfig', kubeconfig: faulty.kubeconfig() });
    aksId = await register({ name: 'aks-faults', source: 'aks', subscriptionId: SUB, resourceGroup: 'rg-faults', clusterName: 'aks-faults' });
    // The last good snapshot of each faulty cluster is three hours old: with the default hourly
    // schedule the posture is stale (no success within twice the schedule) once attempts fail.
    const service = t.app.get(SnapshotsService);
    for (const id of [faultyId, aksId]) {
      const outcome = await service.run(id, { trigger: 'manual', at: new Date(Date.now() - 3 * HOUR) });
      expect(outcome.status).toBe('succeeded');
      good[id] = outcome.snapshotId!;
    }
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    for (const s of [healthy, faulty, aksKube, arm]) await s?.close().catch(() => undefined);
  });

  /** Queues a snapshot through the API and waits for it to finish. */
  async function snapshot(clusterId: string): Promise<Detail> {
    const finished = async () => ((await http().get(`/api/clusters/${clusterId}/snapshots`).set(ADMIN_AUTH).expect(200)).body.items as Detail[]);
    const before = (await finished()).filter((s) => s.status !== 'running').length;
    await http().post(`/api/clusters/${clusterId}/snapshots`).set(ADMIN_AUTH).expect(202);
    const items = await until(finished, (items) => items.filter((s) => s.status !== 'running').length > before, 45_000, 100);
    return (await http().get(`/api/snapshots/${items[0].id}`).set(ADMIN_AUTH).expect(200)).body as Detail;
  }

  /** The faulty cluster and the healthy one, snapshotted at the same time. */
  async function alongsideHealthy(clusterId: string): Promise<Detail> {
    const [bad, fine] = await Promise.all([snapshot(clusterId), snapshot(healthyId)]);
    expect(fine.status).toBe('succeeded');
    expect(fine.failureReason).toBeNull();
    const h = (await http().get(`/api/clusters/${healthyId}`).set(ADMIN_AUTH).expect(200)).body;
    expect(h).toMatchObject({ stale: false, lastSnapshot: { id: fine.id, status: 'succeeded' }, posture: { snapshotId: fine.id } });
    return bad;
  }

  /** Failed with its reason, nothing of it readable as a snapshot, the last good posture served and stale. */
  async function expectFailedAndStale(clusterId: string, snap: Detail, reason: RegExp, secrets: string[] = []): Promise<void> {
    expect(snap.status).toBe('failed');
    expect(snap.failureReason).toMatch(reason);
    expect(snap.counts).toBeNull();
    const [row] = await t.sql<Record<string, unknown>>(
      `SELECT policy_set_hash, namespace_set_hash, workload_set_hash, posture_set_hash, posture, digest FROM snapshot WHERE id = $1`, [snap.id]);
    expect(Object.values(row).every((v) => v === null)).toBe(true);
    expect(await t.sql(`SELECT 1 FROM namespace_posture WHERE snapshot_id = $1`, [snap.id])).toHaveLength(0);

    const summary = await http().get(`/api/clusters/${clusterId}`).set(ADMIN_AUTH).expect(200);
    expect(summary.body).toMatchObject({
      stale: true,
      lastSnapshot: { id: snap.id, status: 'failed', failureReason: snap.failureReason },
      posture: { snapshotId: good[clusterId] },
    });
    const posture = await http().get(`/api/clusters/${clusterId}/posture`).set(ADMIN_AUTH).expect(200);
    expect(posture.text).toContain(good[clusterId]);
    expect(posture.text).not.toContain(snap.id);
    for (const secret of secrets) {
      for (const text of [JSON.stringify(snap), summary.text]) expect(text).not.toContain(secret);
    }
  }

  const requestsTo = (server: FakeKubeServer, path: string, from: number) => server.requests.slice(from).filter((r) => r.path === path);

  it('Kubernetes 5xx: retried with backoff; a persistent one fails naming the status, a later tick re-runs it', async () => {
    faulty.faults.networkpolicies = { kind: 'status', status: 503, times: 1_000 };
    const from = faulty.requests.length;
    const snap = await alongsideHealthy(faultyId);
    await expectFailedAndStale(faultyId, snap, /server-error: .*networkpolicies.*HTTP 503.*after 3 attempts/);
    const tries = requestsTo(faulty, '/apis/networking.k8s.io/v1/networkpolicies', from);
    expect(tries.map((r) => r.status)).toEqual([503, 503, 503]);
    expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(240);
    expect(tries[2].at - tries[1].at).toBeGreaterThanOrEqual(490);

    // The cluster heals; the scheduler's next tick (one schedule later) queues it again.
    faulty.faults = {};
    const lastOf = async (id: string) => (await t.sql<{ id: string; status: string }>(
      `SELECT id, status FROM snapshot WHERE cluster_id = $1 ORDER BY started_at DESC LIMIT 1`, [id]))[0];
    const aksBefore = await lastOf(aksId);
    const healthyBefore = await lastOf(healthyId);
    const { queued } = await t.app.get(SchedulerService).tick(new Date(Date.now() + 61 * 60_000));
    expect(queued.sort()).toEqual([faultyId, healthyId, aksId].sort());
    // The tick re-runs every due cluster; the AKS one goes back to a stale good posture for its cases.
    const aksRerun = await until(() => lastOf(aksId), (s) => s.id !== aksBefore.id && s.status !== 'running', 45_000, 100);
    expect(aksRerun.status).toBe('succeeded');
    expect((await until(() => lastOf(healthyId), (s) => s.id !== healthyBefore.id && s.status !== 'running', 45_000, 100)).status).toBe('succeeded');
    await t.sql(`UPDATE snapshot SET started_at = now() - interval '3 hours' WHERE id = $1`, [aksRerun.id]);
    good[aksId] = aksRerun.id;
    const rerun = await until(
      async () => (await http().get(`/api/clusters/${faultyId}`).set(ADMIN_AUTH).expect(200)).body,
      (c) => c.lastSnapshot?.status === 'succeeded' && c.lastSnapshot.id !== good[faultyId],
      45_000, 100,
    );
    expect(rerun).toMatchObject({ stale: false, posture: { snapshotId: rerun.lastSnapshot.id } });
    // Later cases start from a stale good posture again: the re-run is the new last good one, backdated.
    await t.sql(`UPDATE snapshot SET started_at = now() - interval '3 hours' WHERE id = $1`, [rerun.lastSnapshot.id]);
    good[faultyId] = rerun.lastSnapshot.id;
  });

  it('Kubernetes 5xx that clears within the retries: the snapshot succeeds', async () => {
    faulty.faults.pods = { kind: 'status', status: 500, times: 2 };
    const from = faulty.requests.length;
    const snap = await alongsideHealthy(faultyId);
    expect(snap.status).toBe('succeeded');
    expect(requestsTo(faulty, '/api/v1/pods', from).map((r) => r.status)).toEqual([500, 500, 200]);
    await t.sql(`UPDATE snapshot SET started_at = now() - interval '3 hours' WHERE id = $1`, [snap.id]);
    good[faultyId] = snap.id;
  });

  it('Kubernetes connection reset mid-page: the page is fetched again; a reset that persists fails as unreachable', async () => {
    faulty.faults.pods = { kind: 'reset', times: 1 };
    let from = faulty.requests.length;
    const ok = await alongsideHealthy(faultyId);
    expect(ok.status).toBe('succeeded');
    expect(requestsTo(faulty, '/api/v1/pods', from).map((r) => r.status).slice(0, 2)).toEqual(['reset', 200]);
    await t.sql(`UPDATE snapshot SET started_at = now() - interval '3 hours' WHERE id = $1`, [ok.id]);
    good[faultyId] = ok.id;

    faulty.faults.pods = { kind: 'reset', times: 1_000 };
    from = faulty.requests.length;
    const snap = await alongsideHealthy(faultyId);
    faulty.faults = {};
    await expectFailedAndStale(faultyId, snap, /unreachable: .*(ECONNRESET|aborted)/);
    expect(requestsTo(faulty, '/api/v1/pods', from).map((r) => r.status)).toEqual(['reset', 'reset', 'reset']);
  });

  it('Kubernetes 401 (token revoked): failed as unauthorized at once, no retry, token not shown', async () => {
    const token = faulty.token;
    faulty.token = 'rotated-after-registration';
    const from = faulty.requests.length;
    const snap = await alongsideHealthy(faultyId);
    faulty.token = token;
    await expectFailedAndStale(faultyId, snap, /unauthorized: .*HTTP 401/, [token]);
    expect(faulty.requests.slice(from).filter((r) => r.status === 401)).toHaveLength(1);
  });

  it('Kubernetes 403 on one resource only: failed as forbidden naming that resource, no retry', async () => {
    faulty.options.forbid = ['services'];
    const from = faulty.requests.length;
    const snap = await alongsideHealthy(faultyId);
    faulty.options.forbid = undefined;
    await expectFailedAndStale(faultyId, snap, /forbidden: .*cannot list resource "services"/);
    expect(requestsTo(faulty, '/api/v1/services', from).map((r) => r.status)).toEqual([403]);
  });

  it('Kubernetes 410 Gone on an expired continue token: the list resumes, the snapshot succeeds with a warning', async () => {
    // 1 200 pods page three times at the collector's default page size (500).
    const big = await FakeKubeServer.start({ dataset: generateSyntheticCluster({ namespaces: 3, pods: 1_200, policies: 4, seed: 13 }), expireContinue: ['pods'] });
    try {
      const id = (await http().post('/api/clusters').set(ADMIN_AUTH).send({ name: 'expiring-continue', source: 'kubeconfig', kubeconfig: big.kubeconfig() }).expect(201)).body.id as string;
      const snap = await alongsideHealthy(id);
      expect(snap.status).toBe('succeeded');
      expect(snap.problems).toEqual(expect.arrayContaining([expect.objectContaining({ severity: 'warning', code: 'inconsistent-list' })]));
      expect(big.requests.filter((r) => r.path === '/api/v1/pods').map((r) => r.status)).toEqual([200, 410, 200, 200]);
      const rows = await t.sql<{ pods: number }>(`SELECT (counts->>'pods')::int AS pods FROM snapshot WHERE id = $1`, [snap.id]);
      expect(rows[0].pods).toBe(1_200);
    } finally {
      await big.close();
    }
  });

  it('a Kubernetes cluster that answers slowly but within the timeouts: the snapshot succeeds', async () => {
    faulty.delayMs = 150;
    const snap = await alongsideHealthy(faultyId);
    faulty.delayMs = 0;
    expect(snap.status).toBe('succeeded');
    await t.sql(`UPDATE snapshot SET started_at = now() - interval '3 hours' WHERE id = $1`, [snap.id]);
    good[faultyId] = snap.id;
  });

  it('a Kubernetes cluster that stops answering: failed as a timeout at the snapshot limit, the healthy one unaffected', async () => {
    faulty.options.hang = ['pods'];
    const started = Date.now();
    const snap = await alongsideHealthy(faultyId);
    faulty.options.hang = undefined;
    await expectFailedAndStale(faultyId, snap, new RegExp(`timeout: the snapshot took longer than ${SNAPSHOT_TIMEOUT_SECONDS} s`));
    expect(Date.now() - started).toBeGreaterThanOrEqual(SNAPSHOT_TIMEOUT_SECONDS * 1000 - 500);
  }, 60_000);

  it('a Kubernetes certificate the kubeconfig does not trust: failed naming TLS, no retry', async () => {
    // The cluster now presents a certificate from another CA than the stored kubeconfig trusts.
    faulty.presentCertificate(otherTestTls());
    const from = faulty.requests.length;
    const snap = await alongsideHealthy(faultyId);
    faulty.presentCertificate(undefined);
    await expectFailedAndStale(faultyId, snap, /unreachable: TLS verification of API server .* failed/, [faulty.token]);
    // The handshake failed: no HTTP request reached the server.
    expect(faulty.requests.length).toBe(from);
  });

  it('ARM 429 with Retry-After: the SDK waits as told and the snapshot succeeds', async () => {
    arm.faults = [{ status: 429, retryAfterSeconds: 1, times: 1 }];
    const from = arm.requests.length;
    const snap = await alongsideHealthy(aksId);
    expect(snap.status).toBe('succeeded');
    const tries = arm.requests.slice(from);
    expect(tries[0].status).toBe(429);
    expect(tries[1].status).toBe(200);
    expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(950);
    await t.sql(`UPDATE snapshot SET started_at = now() - interval '3 hours' WHERE id = $1`, [snap.id]);
    good[aksId] = snap.id;
  });

  it('ARM 5xx: retried by the SDK with backoff, then failed naming the status', async () => {
    arm.faults = [{ status: 500, times: 1_000 }];
    const from = arm.requests.length;
    const snap = await alongsideHealthy(aksId);
    arm.faults = [];
    await expectFailedAndStale(aksId, snap, /server-error: .*ARM answered 500/);
    const tries = arm.requests.slice(from);
    expect(tries.map((r) => r.status)).toEqual([500, 500, 500, 500]);
    for (let i = 1; i < tries.length; i++) expect(tries[i].at - tries[i - 1].at).toBeGreaterThanOrEqual(50);
  });

  it('ARM expired access token: failed as unauthorized naming ExpiredAuthenticationToken, no retry, token not shown', async () => {
    credentialMode = 'expired-token';
    const from = arm.requests.length;
    const snap = await alongsideHealthy(aksId);
    credentialMode = 'ok';
    await expectFailedAndStale(aksId, snap, /unauthorized: .*ExpiredAuthenticationToken/, [EXPIRED_ARM_TOKEN, ARM_TOKEN]);
    expect(arm.requests.slice(from).map((r) => r.status)).toEqual([401]);
  });

  it('Azure credential whose client secret expired: failed as unauthorized naming the credential error', async () => {
    credentialMode = 'secret-expired';
    const from = arm.requests.length;
    const snap = await alongsideHealthy(aksId);
    credentialMode = 'ok';
    await expectFailedAndStale(aksId, snap, /unauthorized: .*no Azure token could be obtained \(AuthenticationError\).*AADSTS7000222/, [ARM_TOKEN]);
    expect(arm.requests.length).toBe(from);

    // Credential fixed: the next snapshot succeeds and the cluster is fresh again.
    const fixed = await alongsideHealthy(aksId);
    expect(fixed.status).toBe('succeeded');
    expect((await http().get(`/api/clusters/${aksId}`).set(ADMIN_AUTH).expect(200)).body).toMatchObject({ stale: false, posture: { snapshotId: fixed.id } });
  });
});
