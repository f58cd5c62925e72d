import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeArmServer, type FakeAksCluster, startFakeArmServer } from '../testing/fake-arm-server';
import { type FakeKubeServer, startFakeKubeServer } from '../testing/fake-kube-server';
import { generateSyntheticCluster } from '../testing/synthetic-cluster';
import { AKS_AAD_SERVER_SCOPE, collectFromAks, discoverAksClusters } from './aks.collector';

const SUB_A = '11111111-1111-1111-1111-111111111111';
const SUB_B = '22222222-2222-2222-2222-222222222222';
const ARM_TOKEN = 'arm-token-from-credential';

/** A real TokenCredential: hands out one token per scope and remembers which scopes were asked. */
class StaticCredential implements TokenCredential {
  readonly scopesAsked: string[] = [];
  constructor(private readonly tokens: Record<string, string>) {}
  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken | null> {
    const scope = Array.isArray(scopes) ? scopes[0] : scopes;
    this.scopesAsked.push(scope);
    const token = this.tokens[scope] ?? this.tokens['*'];
    return token ? { token, expiresOnTimestamp: Date.now() + 3_600_000 } : null;
  }
}

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
  loadBalancerProfile: { managedOutboundIPs: { count: 1 }, effectiveOutboundIPs: [{ id: '/subscriptions/x/pip' }] },
  ipFamilies: ['IPv4'],
  // A field newer than the SDK: evidence must keep it.
  futureNetworkSetting: { enabled: true },
};

const agentPoolProfiles = [
  { name: 'system', count: 3, vmSize: 'Standard_D4ds_v5', osType: 'Linux', osSKU: 'AzureLinux', mode: 'System', type: 'VirtualMachineScaleSets', orchestratorVersion: '1.30.6', maxPods: 250, enableFIPS: false },
  { name: 'win22', count: 2, vmSize: 'Standard_D8s_v5', osType: 'Windows', osSKU: 'Windows2022', mode: 'User', type: 'VirtualMachineScaleSets', orchestratorVersion: '1.30.6' },
];

function aksCluster(over: Partial<FakeAksCluster> & Pick<FakeAksCluster, 'name'>): FakeAksCluster {
  return {
    subscriptionId: SUB_A,
    resourceGroup: 'rg-prod',
    location: 'westeurope',
    tags: { env: 'prod' },
    kubeconfig: 'apiVersion: v1\nkind: Config\n',
    ...over,
    properties: {
      provisioningState: 'Succeeded',
      powerState: { code: 'Running' },
      kubernetesVersion: '1.30',
      currentKubernetesVersion: '1.30.6',
      dnsPrefix: over.name,
      fqdn: `${over.name}-abc123.hcp.westeurope.azmk8s.io`,
      enableRBAC: true,
      networkProfile,
      agentPoolProfiles,
      ...over.properties,
    },
  };
}

let arm: FakeArmServer | undefined;
let kube: FakeKubeServer | undefined;
afterEach(async () => {
  await arm?.close();
  await kube?.close();
  arm = kube = undefined;
});

async function fakes(opts: { clusters?: (kubeconfig: string, kubeToken: string) => FakeAksCluster[]; forbid?: string[]; pageSize?: number } = {}) {
  kube = await startFakeKubeServer({ dataset: generateSyntheticCluster({ namespaces: 4, pods: 12, policies: 5, seed: 5 }) });
  const clusters = opts.clusters ? opts.clusters(kube.kubeconfig(), kube.token) : [aksCluster({ name: 'aks-prod-1', kubeconfig: kube.kubeconfig() })];
  arm = await startFakeArmServer({ clusters, token: ARM_TOKEN, forbid: opts.forbid, pageSize: opts.pageSize });
  const clientOptions = { tlsOptions: { ca: arm.ca }, retryOptions: { maxRetries: 0 } };
  return { arm, kube, clientOptions };
}

describe('discoverAksClusters', () => {
  it('lists clusters across subscriptions with nextLink paging, filtered by resource group and tags', async () => {
    const { clientOptions } = await fakes({
      pageSize: 2,
      clusters: (kc) => [
        aksCluster({ name: 'aks-prod-1', kubeconfig: kc }),
        aksCluster({ name: 'aks-prod-2', kubeconfig: kc, tags: { env: 'prod', team: 'payments' } }),
        aksCluster({ name: 'aks-dev-1', kubeconfig: kc, resourceGroup: 'rg-dev', tags: { env: 'dev' } }),
        aksCluster({ name: 'aks-b', kubeconfig: kc, subscriptionId: SUB_B, resourceGroup: 'rg-b', location: 'northeurope', tags: {} }),
      ],
    });
    const credential = new StaticCredential({ '*': ARM_TOKEN });
    const all = await discoverAksClusters({ credential, subscriptionIds: [SUB_A, SUB_B], endpoint: arm!.url, clientOptions });
    expect(all.problems).toEqual([]);
    expect(all.clusters.map((c) => `${c.subscriptionId.slice(0, 1)}:${c.resourceGroup}/${c.name}`)).toEqual([
      '1:rg-prod/aks-prod-1', '1:rg-prod/aks-prod-2', '1:rg-dev/aks-dev-1', '2:rg-b/aks-b',
    ]);
    expect(all.clusters[3]).toEqual({
      subscriptionId: SUB_B,
      resourceGroup: 'rg-b',
      name: 'aks-b',
      id: `/subscriptions/${SUB_B}/resourceGroups/rg-b/providers/Microsoft.ContainerService/managedClusters/aks-b`,
      location: 'northeurope',
      kubernetesVersion: '1.30.6',
      tags: {},
    });
    // Page 2 of subscription A came through nextLink; every request carried an api-version.
    expect(arm!.requests.filter((r) => r.query.$skiptoken)).toHaveLength(1);
    expect(arm!.requests.every((r) => !!r.query['api-version'])).toBe(true);

    const rg = await discoverAksClusters({ credential, subscriptionIds: [SUB_A], resourceGroup: 'rg-dev', endpoint: arm!.url, clientOptions });
    expect(rg.clusters.map((c) => c.name)).toEqual(['aks-dev-1']);
    expect(arm!.requests.at(-1)!.path).toBe(`/subscriptions/${SUB_A}/resourceGroups/rg-dev/providers/Microsoft.ContainerService/managedClusters`);

    const tagged = await discoverAksClusters({ credential, subscriptionIds: [SUB_A, SUB_B], tags: { env: 'prod', team: 'payments' }, endpoint: arm!.url, clientOptions });
    expect(tagged.clusters.map((c) => c.name)).toEqual(['aks-prod-2']);
  });

  it('reports a forbidden subscription and a missing resource group as problems, keeps the rest', async () => {
    const { clientOptions } = await fakes({ forbid: [SUB_B] });
    const credential = new StaticCredential({ '*': ARM_TOKEN });
    const res = await discoverAksClusters({ credential, subscriptionIds: [SUB_B, SUB_A], endpoint: arm!.url, clientOptions });
    expect(res.clusters.map((c) => c.name)).toEqual(['aks-prod-1']);
    expect(res.problems).toEqual([expect.objectContaining({ severity: 'error', code: 'forbidden', object: `/subscriptions/${SUB_B}` })]);
    expect(res.problems[0].message).toContain('AuthorizationFailed');
    expect(res.problems[0].message).toContain('Reader');
    const missing = await discoverAksClusters({ credential, subscriptionIds: [SUB_A], resourceGroup: 'rg-nope', endpoint: arm!.url, clientOptions });
    expect(missing.problems).toEqual([expect.objectContaining({ code: 'not-found' })]);
  });

  it('reports a bad ARM token as unauthorized and a closed port as unreachable', async () => {
    const { clientOptions } = await fakes();
    const bad = await discoverAksClusters({ credential: new StaticCredential({ '*': 'nope' }), subscriptionIds: [SUB_A], endpoint: arm!.url, clientOptions });
    expect(bad.problems).toEqual([expect.objectContaining({ code: 'unauthorized' })]);
    const url = arm!.url;
    await arm!.close();
    arm = undefined;
    const down = await discoverAksClusters({ credential: new StaticCredential({ '*': ARM_TOKEN }), subscriptionIds: [SUB_A], endpoint: url, clientOptions });
    expect(down.clusters).toEqual([]);
    expect(down.problems).toEqual([expect.objectContaining({ code: 'unreachable' })]);
  });
});

describe('collectFromAks', () => {
  it('records the network profile and node pools as ARM returns them, then collects through the kubeconfig', async () => {
    const { clientOptions } = await fakes();
    const credential = new StaticCredential({ '*': ARM_TOKEN });
    const res = await collectFromAks({ credential, subscriptionId: SUB_A, resourceGroup: 'rg-prod', clusterName: 'aks-prod-1', endpoint: arm!.url, clientOptions });
    expect(res.problems).toEqual([]);
    const state = res.state!;
    expect(state.networkProfile).toEqual(networkProfile);
    expect(state.networkProfile).toMatchObject({ networkPlugin: 'azure', networkPolicy: 'cilium', networkDataplane: 'cilium', podCidr: '192.168.0.0/16', serviceCidr: '10.0.0.0/16', outboundType: 'loadBalancer' });
    expect(state.nodePools).toEqual([
      { ...agentPoolProfiles[0], osSku: 'AzureLinux' },
      { ...agentPoolProfiles[1], osSku: 'Windows2022' },
    ]);
    expect(state.nodePools!.map((p) => p.osType)).toEqual(['Linux', 'Windows']);
    expect(state.kubernetesVersion).toBe('1.30.6');
    expect(state.pods).toHaveLength(12);
    expect(res.policyTexts).toEqual(kube!.served('networkpolicies').map((p) => JSON.stringify(p)));
    expect(res.meta).toMatchObject({
      armResourceId: `/subscriptions/${SUB_A}/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod-1`,
      location: 'westeurope',
      apiServer: expect.stringContaining('127.0.0.1:'),
      serverVersion: 'v1.30.6',
    });
    // get, agentPools list, credentials POST; the kubeconfig's own token authenticated to the API server.
    expect(arm!.requests.map((r) => `${r.method} ${r.path.split('/').slice(-2).join('/')}`)).toEqual([
      'GET managedClusters/aks-prod-1',
      'GET aks-prod-1/agentPools',
      'POST aks-prod-1/listClusterUserCredential',
    ]);
    expect(credential.scopesAsked).not.toContain(AKS_AAD_SERVER_SCOPE);
    expect(JSON.stringify(res)).not.toContain(kube!.token);
  });

  it('uses an Entra ID token for the AKS scope when the kubeconfig execs kubelogin', async () => {
    const { clientOptions } = await fakes({
      clusters: (kubeconfig) => {
        const aad = kubeconfig.replace(
          /user:\n\s+token: \S+/,
          'user:\n      exec:\n        apiVersion: client.authentication.k8s.io/v1beta1\n        command: kubelogin\n        args: [get-token, --login, devicecode, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630]',
        );
        return [aksCluster({ name: 'aks-aad', kubeconfig: aad, properties: { aadProfile: { managed: true, enableAzureRBAC: true } } })];
      },
    });
    expect(kube).toBeDefined();
    const credential = new StaticCredential({ [AKS_AAD_SERVER_SCOPE]: kube!.token, '*': ARM_TOKEN });
    const res = await collectFromAks({ credential, subscriptionId: SUB_A, resourceGroup: 'rg-prod', clusterName: 'aks-aad', endpoint: arm!.url, clientOptions });
    expect(res.problems).toEqual([]);
    expect(res.state!.namespaces.length).toBe(4);
    expect(credential.scopesAsked).toContain(AKS_AAD_SERVER_SCOPE);
    expect(res.meta).toMatchObject({ entraId: true });
  });

  it('turns ARM 403/404 into problems with what to grant', async () => {
    const { clientOptions } = await fakes({ forbid: ['listClusterUserCredential/action'] });
    const credential = new StaticCredential({ '*': ARM_TOKEN });
    const denied = await collectFromAks({ credential, subscriptionId: SUB_A, resourceGroup: 'rg-prod', clusterName: 'aks-prod-1', endpoint: arm!.url, clientOptions });
    expect(denied.state).toBeNull();
    expect(denied.problems).toEqual([expect.objectContaining({ severity: 'error', code: 'forbidden' })]);
    expect(denied.problems[0].message).toContain('Azure Kubernetes Service Cluster User Role');
    const missing = await collectFromAks({ credential, subscriptionId: SUB_A, resourceGroup: 'rg-prod', clusterName: 'nope', endpoint: arm!.url, clientOptions });
    expect(missing).toMatchObject({ state: null, problems: [expect.objectContaining({ code: 'not-found' })] });
  });

  it('falls back to agentPoolProfiles with a warning when agent pools cannot be listed', async () => {
    const { clientOptions } = await fakes({ forbid: ['agentPools/read'] });
    const credential = new StaticCredential({ '*': ARM_TOKEN });
    const res = await collectFromAks({ credential, subscriptionId: SUB_A, resourceGroup: 'rg-prod', clusterName: 'aks-prod-1', endpoint: arm!.url, clientOptions });
    expect(res.state!.nodePools!.map((p) => `${p.name}:${p.osType}:${p.osSku}`)).toEqual(['system:Linux:AzureLinux', 'win22:Windows:Windows2022']);
    expect(res.problems).toEqual([expect.objectContaining({ severity: 'warning', code: 'forbidden' })]);
  });

  it('passes Kubernetes failures through with state null', async () => {
    const { clientOptions } = await fakes({
      clusters: (kc) => [aksCluster({ name: 'aks-stopped', kubeconfig: kc.replace(/server: \S+/, 'server: https://127.0.0.1:1'), properties: { powerState: { code: 'Stopped' } } })],
    });
    const credential = new StaticCredential({ '*': ARM_TOKEN });
    const res = await collectFromAks({ credential, subscriptionId: SUB_A, resourceGroup: 'rg-prod', clusterName: 'aks-stopped', endpoint: arm!.url, clientOptions });
    expect(res.state).toBeNull();
    expect(res.problems.map((p) => p.code)).toEqual(['cluster-stopped', 'unreachable']);
  });
});
