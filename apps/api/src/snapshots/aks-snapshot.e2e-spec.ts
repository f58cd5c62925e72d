// AKS end to end: the real Azure SDK talks to a fake ARM server (https, ARM wire format), the
// kubeconfig it returns leads the real Kubernetes client to a fake API server, and the snapshot
// lands in the real database with the network profile and node pools exactly as ARM sent them.
import type { AccessToken, TokenCredential } from '@azure/identity';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeArmServer, FakeKubeServer, generateSyntheticCluster, type FakeAksCluster } from '@kordon/collectors/testing';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../test/test-app';
import { RegistrationService } from '../clusters/registration.service';
import { SnapshotsService } from './snapshots.service';

const SUB = '0b8a3c52-6f0e-4c1e-9a43-5d2f7e9c1a10';
const ARM_TOKEN = 'arm-token-for-tests';
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

const networkProfile = {
  networkPlugin: 'azure',
  networkPluginMode: 'overlay',
  networkPolicy: 'cilium',
  networkDataplane: 'cilium',
  podCidr: '192.168.0.0/16',
  podCidrs: ['192.168.0.0/16'],
  serviceCidr: '10.0.0.0/16',
  serviceCidrs: ['10.0.0.0/16'],
  dnsServiceIP: '10.0.0.10',
  outboundType: 'loadBalancer',
  loadBalancerSku: 'standard',
  ipFamilies: ['IPv4'],
};

/** A TokenCredential handing out a fixed token: the SDK itself stays real. */
const credential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({ token: ARM_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};

describe('AKS snapshot into the database', () => {
  let t: TestApp;
  let arm: FakeArmServer;
  let kube: FakeKubeServer;

  beforeAll(async () => {
    kube = await FakeKubeServer.start({ dataset: generateSyntheticCluster({ namespaces: 4, pods: 16, policies: 6, seed: 3 }) });
    const cluster = (name: string, rg: string, tags: Record<string, string>): FakeAksCluster => ({
      subscriptionId: SUB,
      resourceGroup: rg,
      name,
      location: 'westeurope',
      tags,
      kubeconfig: kube.kubeconfig(),
      properties: {
        provisioningState: 'Succeeded',
        powerState: { code: 'Running' },
        kubernetesVersion: '1.31',
        currentKubernetesVersion: '1.31.3',
        networkProfile,
        agentPoolProfiles: [
          { name: 'system', count: 3, vmSize: 'Standard_D4ds_v5', osType: 'Linux', osSKU: 'AzureLinux', mode: 'System' },
          { name: 'win22', count: 2, vmSize: 'Standard_D8s_v5', osType: 'Windows', osSKU: 'Windows2022', mode: 'User' },
        ],
      },
    });
    arm = await FakeArmServer.start({
      token: ARM_TOKEN,
      clusters: [cluster('aks-prod-weu', 'rg-prod', { environment: 'prod', team: 'payments', kordon: 'on' }), cluster('aks-lab', 'rg-lab', {})],
    });
    t = await startTestApp(
      { KORDON_ARM_ENDPOINT: arm.url, KORDON_AZURE_SUBSCRIPTIONS: SUB, KORDON_AZURE_TAGS: 'kordon=on' },
      { azure: { credential: () => credential, clientOptions: { tlsOptions: { ca: arm.ca }, retryOptions: { maxRetries: 0 } } } },
    );
  });

  afterAll(async () => {
    await t?.close();
    await arm?.close();
    await kube?.close();
  });

  it('discovers tagged clusters in the configured subscriptions and registers them once', async () => {
    const registration = t.app.get(RegistrationService);
    const first = await registration.registerConfigured();
    expect(first).toMatchObject({ registered: ['aks-prod-weu'], problems: [] });
    expect((await registration.registerConfigured()).skipped).toEqual(['aks-prod-weu']);
    const list = await request(t.app.getHttpServer()).get('/api/clusters').set(auth).expect(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ name: 'aks-prod-weu', source: 'aks', environment: 'prod', team: 'payments' });
  });

  it('discovers on demand through the API, with a resource-group filter and validation', async () => {
    const http = t.app.getHttpServer();
    const res = await request(http).post('/api/clusters/discover').set(auth)
      .send({ subscriptionIds: [SUB], resourceGroup: 'rg-lab', tags: {} }).expect(200);
    expect(res.body).toEqual({ registered: ['aks-lab'], skipped: [], problems: [] });
    const again = await request(http).post('/api/clusters/discover').set(auth).send({ subscriptionIds: [SUB], tags: {} }).expect(200);
    expect(again.body.registered).toEqual([]);
    expect(again.body.skipped.sort()).toEqual(['aks-lab', 'aks-prod-weu']);
    await request(http).post('/api/clusters/discover').set(auth).send({ subscriptionIds: ['nope'] }).expect(400);
    await request(http).post('/api/clusters/discover').set(auth).send({ subscriptionIds: [] }).expect(400);
    await request(http).post('/api/clusters/discover').send({ subscriptionIds: [SUB] }).expect(401);
    const audit = await t.sql<{ action: string }>(`SELECT action FROM audit_log WHERE action = 'cluster.discover'`);
    expect(audit.length).toBeGreaterThanOrEqual(2);
    // Leave only the tagged cluster registered for the next tests.
    const lab = (await request(http).get('/api/clusters').set(auth).expect(200)).body.items.find((c: { name: string }) => c.name === 'aks-lab');
    await request(http).delete(`/api/clusters/${lab.id}`).set(auth).expect(204);
  });

  it('stores the network profile and node pools as ARM returned them, then the cluster contents', async () => {
    const [{ id }] = (await request(t.app.getHttpServer()).get('/api/clusters').set(auth).expect(200)).body.items;
    const outcome = await t.app.get(SnapshotsService).run(id, { trigger: 'manual' });
    expect(outcome.status).toBe('succeeded');
    const [row] = await t.sql<{ network_profile: unknown; policy_engine: string; node_pools: { name: string; osType: string }[]; kubernetes_version: string; counts: { pods: number } }>(
      `SELECT network_profile, policy_engine, node_pools, kubernetes_version, counts FROM snapshot WHERE id = $1`, [outcome.snapshotId]);
    expect(row.network_profile).toEqual(networkProfile);
    expect(row.policy_engine).toBe('cilium');
    expect(row.kubernetes_version).toBe('1.31.3');
    expect(row.node_pools.map((p) => `${p.name}:${p.osType}`)).toEqual(['system:Linux', 'win22:Windows']);
    expect(row.counts.pods).toBe(16);

    const detail = await request(t.app.getHttpServer()).get(`/api/snapshots/${outcome.snapshotId}`).set(auth).expect(200);
    expect(detail.body.networkProfile).toEqual(networkProfile);
    const summary = await request(t.app.getHttpServer()).get(`/api/clusters/${id}`).set(auth).expect(200);
    expect(summary.body).toMatchObject({ engine: 'cilium', networkPlugin: 'azure' });
    expect(summary.body.posture.enforced).toBe(true);
    // The ARM token and the kubeconfig's token never reach an API response.
    for (const body of [detail.text, summary.text]) {
      expect(body).not.toContain(ARM_TOKEN);
      expect(body).not.toContain(kube.token);
    }
  });

  it('records an AKS cluster ARM does not know (404) as a failed snapshot with the reason', async () => {
    const res = await request(t.app.getHttpServer()).post('/api/clusters').set(auth)
      .send({ name: 'aks-missing', source: 'aks', subscriptionId: SUB, resourceGroup: 'rg-prod', clusterName: 'does-not-exist' }).expect(201);
    const outcome = await t.app.get(SnapshotsService).run(res.body.id, { trigger: 'manual' });
    expect(outcome.status).toBe('failed');
    if (outcome.status === 'failed') expect(outcome.reason).toMatch(/not.?found|does-not-exist/i);
  });
});
