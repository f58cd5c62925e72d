// Owns AKS through Azure Resource Manager: discovering clusters across subscriptions, and
// collecting one cluster by reading its network profile and node pools from ARM (kept as ARM
// returns them), fetching user credentials, and handing the kubeconfig to the Kubernetes
// collector. Entra ID clusters get an AKS-scoped token from the same credential instead of
// kubelogin. ARM failures come back as problems; credentials never leave this module.
import { ContainerServiceClient, type ContainerServiceClientOptionalParams } from '@azure/arm-containerservice';
import type { TokenCredential } from '@azure/identity';
import type { NetworkProfile, NodePoolInfo, Problem } from '@kordon/policy-engine';
import { parse } from 'yaml';
import { collectFromKubernetes, type KubernetesSource } from '../kubernetes/kubernetes.collector';
import type { CollectOptions, CollectResult } from '../types';

/** The AKS AAD server application: tokens for this scope are accepted by Entra ID enabled API servers. */
export const AKS_AAD_SERVER_SCOPE = '6dae42f8-4368-4678-94ff-3960e28e3630/.default';

const DEFAULT_ARM_TIMEOUT_MS = 30_000;

type Obj = Record<string, unknown>;

export interface AksClusterRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  id: string;
  location: string;
  kubernetesVersion?: string;
  tags: Record<string, string>;
}

export interface DiscoverAksOptions {
  credential: TokenCredential;
  subscriptionIds: string[];
  resourceGroup?: string;
  /** Every key must be present with exactly this value. */
  tags?: Record<string, string>;
  /** ARM endpoint; defaults to the public cloud. */
  endpoint?: string;
  /** Passed to the SDK client (sovereign clouds, proxies, TLS trust, retry policy). */
  clientOptions?: ContainerServiceClientOptionalParams;
  requestTimeoutMs?: number;
}

export interface AksSource {
  credential: TokenCredential;
  subscriptionId: string;
  resourceGroup: string;
  clusterName: string;
  endpoint?: string;
  clientOptions?: ContainerServiceClientOptionalParams;
  /** Reads the cluster's Kubernetes API once ARM gave its kubeconfig (default collectFromKubernetes; the API runs it in a thread). */
  collectKubernetes?: (source: KubernetesSource, opts: CollectOptions) => Promise<CollectResult>;
}

function asObj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function makeClient(credential: TokenCredential, subscriptionId: string, endpoint?: string, clientOptions?: ContainerServiceClientOptionalParams) {
  return new ContainerServiceClient(credential, subscriptionId, { ...clientOptions, ...(endpoint ? { endpoint } : {}) });
}

function abortAfter(ms: number, outer?: AbortSignal): AbortSignal {
  const t = AbortSignal.timeout(ms);
  return outer ? AbortSignal.any([t, outer]) : t;
}

interface ArmFailure {
  code: string;
  message: string;
}

/** Maps an SDK/credential error to a stable code and a message that says what to grant. */
export function describeArmError(err: unknown, what: string, timeoutMs: number): ArmFailure {
  const e = (err ?? {}) as { statusCode?: number; code?: string; name?: string; message?: string; details?: unknown; errorResponse?: unknown };
  const armCode = asObj(asObj(e.details)?.error)?.code ?? e.code;
  const detail = (e.message ?? String(err)).split('\n')[0].slice(0, 400);
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return { code: 'timeout', message: `${what}: ARM did not answer within ${timeoutMs} ms` };
  if (e.name === 'CredentialUnavailableError' || e.name === 'AuthenticationError' || e.name === 'AggregateAuthenticationError') {
    // An AuthenticationError's first line is only `invalid_client Status code: 401`; Entra ID's
    // description (e.g. AADSTS7000222: the client secret expired) is what says what to fix.
    const description = asObj(e.errorResponse)?.errorDescription;
    const why = typeof description === 'string' && description.trim() ? `${detail}: ${description.trim().split('\n')[0].slice(0, 400)}` : detail;
    return { code: 'unauthorized', message: `${what}: no Azure token could be obtained (${e.name}): ${why}` };
  }
  switch (e.statusCode) {
    case 401:
      return { code: 'unauthorized', message: `${what}: ARM rejected the token (${String(armCode ?? 401)}): ${detail}` };
    case 403:
      return { code: 'forbidden', message: `${what}: ${String(armCode ?? 'Forbidden')}: ${detail}` };
    case 404:
      return { code: 'not-found', message: `${what}: not found (${String(armCode ?? 404)}): ${detail}` };
    case undefined:
      return { code: 'unreachable', message: `${what}: ARM could not be reached: ${detail}` };
    default:
      return { code: 'server-error', message: `${what}: ARM answered ${e.statusCode} (${String(armCode ?? '')}): ${detail}` };
  }
}

function resourceGroupOf(id: string | undefined): string {
  const m = /\/resourceGroups\/([^/]+)\//i.exec(id ?? '');
  return m ? m[1] : '';
}

export async function discoverAksClusters(options: DiscoverAksOptions): Promise<{ clusters: AksClusterRef[]; problems: Problem[] }> {
  const clusters: AksClusterRef[] = [];
  const problems: Problem[] = [];
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_ARM_TIMEOUT_MS;
  for (const subscriptionId of options.subscriptionIds) {
    const client = makeClient(options.credential, subscriptionId, options.endpoint, options.clientOptions);
    const scope = `/subscriptions/${subscriptionId}${options.resourceGroup ? `/resourceGroups/${options.resourceGroup}` : ''}`;
    try {
      const abortSignal = abortAfter(timeoutMs);
      const iter = options.resourceGroup
        ? client.managedClusters.listByResourceGroup(options.resourceGroup, { abortSignal })
        : client.managedClusters.list({ abortSignal });
      for await (const mc of iter) {
        const tags = mc.tags ?? {};
        if (options.tags && !Object.entries(options.tags).every(([k, v]) => tags[k] === v)) continue;
        clusters.push({
          subscriptionId,
          resourceGroup: resourceGroupOf(mc.id),
          name: mc.name ?? '',
          id: mc.id ?? '',
          location: mc.location,
          kubernetesVersion: mc.currentKubernetesVersion ?? mc.kubernetesVersion,
          tags,
        });
      }
    } catch (err) {
      const f = describeArmError(err, `Listing AKS clusters in ${scope}`, timeoutMs);
      if (f.code === 'forbidden') f.message += ' — grant Reader on the subscription or resource group';
      problems.push({ severity: 'error', code: f.code, message: f.message, object: scope });
    }
  }
  return { clusters, problems };
}

/**
 * Runs one SDK call while capturing the raw JSON bodies of its responses: the SDK's models
 * rename fields (osSKU → osSKU/osSku, enableRBAC → enableRbac) and drop ones newer than the
 * SDK, but evidence must show ARM's answer as-is.
 */
function rawCapture(client: ContainerServiceClient): { bodies: unknown[]; start: () => void; stop: () => void } {
  // Off by default so the credentials response (a kubeconfig) is never retained.
  let on = false;
  const bodies: unknown[] = [];
  client.pipeline.addPolicy({
    name: 'kordonRawBodyCapture',
    async sendRequest(request, next) {
      const response = await next(request);
      if (on && response.status >= 200 && response.status < 300 && response.bodyAsText) {
        let body: unknown;
        try {
          body = JSON.parse(response.bodyAsText);
        } catch {
          // Not JSON: the SDK raises its own error for that.
        }
        if (body !== undefined) bodies.push(body);
      }
      return response;
    },
  });
  return {
    bodies,
    start: () => {
      bodies.length = 0;
      on = true;
    },
    stop: () => {
      on = false;
    },
  };
}

function isEntraIdKubeconfig(kubeconfigYaml: string): boolean {
  try {
    const doc = asObj(parse(kubeconfigYaml));
    const ctxName = doc?.['current-context'];
    const ctx = (Array.isArray(doc?.contexts) ? doc.contexts : []).map(asObj).find((c) => c?.name === ctxName);
    const userName = asObj(ctx?.context)?.user;
    const user = asObj((Array.isArray(doc?.users) ? doc.users : []).map(asObj).find((u) => u?.name === userName)?.user);
    const exec = asObj(user?.exec);
    if (exec) {
      const cmd = String(exec.command ?? '');
      const args = Array.isArray(exec.args) ? exec.args.map(String) : [];
      return /kubelogin(\.exe)?$/i.test(cmd) || args.includes(AKS_AAD_SERVER_SCOPE.split('/')[0]) || args.includes('get-token');
    }
    // Pre-1.24 AAD kubeconfigs use the removed `azure` auth provider.
    return asObj(user?.['auth-provider'])?.name === 'azure';
  } catch {
    return false;
  }
}

function nodePoolFromArm(raw: unknown): NodePoolInfo | undefined {
  const o = asObj(raw);
  if (!o || typeof o.name !== 'string') return undefined;
  const props = asObj(o.properties) ?? {};
  // ARM spells it osSKU; the model's osSku is added beside it, ARM's fields stay untouched.
  return { name: o.name, ...props, ...(typeof props.osSKU === 'string' ? { osSku: props.osSKU } : {}) };
}

export async function collectFromAks(source: AksSource, opts: CollectOptions = {}): Promise<CollectResult> {
  const problems: Problem[] = [];
  const timeoutMs = opts.requestTimeoutMs ?? DEFAULT_ARM_TIMEOUT_MS;
  const id = `/subscriptions/${source.subscriptionId}/resourceGroups/${source.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${source.clusterName}`;
  const meta: Record<string, unknown> = { armResourceId: id };
  const client = makeClient(source.credential, source.subscriptionId, source.endpoint, source.clientOptions);
  const raw = rawCapture(client);
  const fail = (err: unknown, what: string, hint?: string): CollectResult => {
    const f = describeArmError(err, what, timeoutMs);
    problems.push({ severity: 'error', code: f.code, message: f.code === 'forbidden' && hint ? `${f.message} — ${hint}` : f.message, object: id });
    return { state: null, problems, meta };
  };

  opts.onProgress?.({ phase: 'aks', counts: {} });
  let cluster: Obj;
  try {
    raw.start();
    const mc = await client.managedClusters.get(source.resourceGroup, source.clusterName, { abortSignal: abortAfter(timeoutMs, opts.signal) });
    cluster = asObj(raw.bodies.at(-1)) ?? (mc as unknown as Obj);
  } catch (err) {
    raw.stop();
    return fail(err, `Reading AKS cluster ${source.clusterName}`, 'grant Reader on the cluster, its resource group or subscription');
  }
  const props = asObj(cluster.properties) ?? {};
  const networkProfile = (asObj(props.networkProfile) as NetworkProfile | undefined) ?? null;
  const armVersion = (props.currentKubernetesVersion ?? props.kubernetesVersion) as string | undefined;
  meta.location = cluster.location;
  if (asObj(props.aadProfile)) meta.entraId = true;

  let nodePools: NodePoolInfo[];
  try {
    raw.start();
    const pools = client.agentPools.list(source.resourceGroup, source.clusterName, { abortSignal: abortAfter(timeoutMs, opts.signal) });
    let count = 0;
    for await (const _pool of pools) count++;
    nodePools = raw.bodies.flatMap((b) => (Array.isArray(asObj(b)?.value) ? (asObj(b)!.value as unknown[]) : [])).map(nodePoolFromArm).filter((p): p is NodePoolInfo => !!p);
    raw.stop();
    if (nodePools.length !== count) throw new Error(`agent pool pages could not be read raw (${nodePools.length}/${count})`);
  } catch (err) {
    raw.stop();
    // The cluster document already lists its pools; less detail, but enough for OS checks.
    const f = describeArmError(err, `Listing agent pools of ${source.clusterName}`, timeoutMs);
    problems.push({ severity: 'warning', code: f.code, message: `${f.message}; using the cluster's agentPoolProfiles instead`, object: `${id}/agentPools` });
    nodePools = (Array.isArray(props.agentPoolProfiles) ? props.agentPoolProfiles : [])
      .map((p) => {
        const o = asObj(p);
        if (!o || typeof o.name !== 'string') return undefined;
        return { ...o, name: o.name, ...(typeof o.osSKU === 'string' ? { osSku: o.osSKU } : {}) } as NodePoolInfo;
      })
      .filter((p): p is NodePoolInfo => !!p);
  }
  opts.onProgress?.({ phase: 'aks', counts: { nodePools: nodePools.length } });

  let kubeconfigYaml: string;
  try {
    const creds = await client.managedClusters.listClusterUserCredentials(source.resourceGroup, source.clusterName, { abortSignal: abortAfter(timeoutMs, opts.signal) });
    const value = creds.kubeconfigs?.[0]?.value;
    if (!value) throw Object.assign(new Error('listClusterUserCredential returned no kubeconfig'), { statusCode: 502 });
    kubeconfigYaml = Buffer.from(value).toString('utf8');
  } catch (err) {
    return fail(err, `Getting user credentials of ${source.clusterName}`, 'grant the "Azure Kubernetes Service Cluster User Role" on the cluster');
  }

  let bearerToken: string | undefined;
  if (isEntraIdKubeconfig(kubeconfigYaml)) {
    meta.entraId = true;
    try {
      const token = await source.credential.getToken(AKS_AAD_SERVER_SCOPE, { abortSignal: abortAfter(timeoutMs, opts.signal) });
      if (!token?.token) throw Object.assign(new Error('the credential returned no token'), { name: 'CredentialUnavailableError' });
      bearerToken = token.token;
    } catch (err) {
      return fail(err, `Getting an Entra ID token for the API server of ${source.clusterName}`);
    }
  }

  const kube = await (source.collectKubernetes ?? collectFromKubernetes)({ kubeconfigYaml, bearerToken }, opts);
  const powerState = asObj(props.powerState)?.code;
  if (!kube.state && powerState === 'Stopped') {
    problems.push({ severity: 'error', code: 'cluster-stopped', message: `AKS cluster ${source.clusterName} is stopped (powerState Stopped): start it to collect`, object: id });
  }
  problems.push(...kube.problems);
  const mergedMeta = { ...kube.meta, ...meta };
  if (!kube.state) return { state: null, problems, meta: mergedMeta };
  return {
    state: {
      ...kube.state,
      networkProfile,
      nodePools,
      ...(armVersion ? { kubernetesVersion: armVersion } : {}),
    },
    problems,
    policyTexts: kube.policyTexts,
    meta: mergedMeta,
  };
}
