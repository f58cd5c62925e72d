// Owns a fake Azure Resource Manager endpoint for AKS tests: the real ARM JSON wire format
// (`{ value, nextLink }` lists, `properties.networkProfile`, `properties.agentPoolProfiles`,
// api-version required, `listClusterUserCredential` POST with base64 kubeconfigs, ARM error
// bodies such as AuthorizationFailed) over https, because the Azure SDK refuses to send bearer
// tokens over plain http. It checks the bearer token and records every request.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { testTls } from './test-tls';

type Obj = Record<string, unknown>;

export interface FakeAksCluster {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location?: string;
  tags?: Record<string, string>;
  /** Raw ARM `properties` (networkProfile, agentPoolProfiles, kubernetesVersion, aadProfile…). */
  properties: Obj;
  /** Raw agent pool resources; derived from properties.agentPoolProfiles when omitted. */
  agentPools?: Obj[];
  /** kubeconfig YAML returned (base64) by listClusterUserCredential. */
  kubeconfig: string;
}

export interface FakeArmServerOptions {
  clusters: FakeAksCluster[];
  /** The only ARM bearer token accepted. */
  token: string;
  /** Operations answered with 403 AuthorizationFailed: `managedClusters/read`, `agentPools/read`, `listClusterUserCredential/action`, or a subscription id. */
  forbid?: string[];
  /** Items per list page (exercises nextLink); default 100. */
  pageSize?: number;
  /** Transient faults: each answers the next `times` requests (429 with Retry-After, 5xx). */
  faults?: ArmFault[];
  /** Tokens ARM knows but whose expiry has passed: answered 401 ExpiredAuthenticationToken. */
  expiredTokens?: string[];
}

export interface ArmFault {
  times: number;
  status: number;
  /** Sent as the Retry-After header (seconds), as ARM throttling does. */
  retryAfterSeconds?: number;
}

export interface RecordedArmRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** Date.now() when the request arrived (the SDK's retry delays are measured from these). */
  at: number;
}

const PROVIDER = 'microsoft.containerservice';

function armError(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

export function armClusterId(c: Pick<FakeAksCluster, 'subscriptionId' | 'resourceGroup' | 'name'>): string {
  return `/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${c.name}`;
}

export function armManagedCluster(c: FakeAksCluster): Obj {
  return {
    id: armClusterId(c),
    location: c.location ?? 'westeurope',
    name: c.name,
    type: 'Microsoft.ContainerService/ManagedClusters',
    tags: c.tags ?? {},
    sku: { name: 'Base', tier: 'Standard' },
    identity: { type: 'SystemAssigned', principalId: '00000000-0000-0000-0000-0000000000aa', tenantId: '00000000-0000-0000-0000-0000000000bb' },
    properties: c.properties,
  };
}

export function armAgentPools(c: FakeAksCluster): Obj[] {
  if (c.agentPools) return c.agentPools;
  const profiles = Array.isArray(c.properties.agentPoolProfiles) ? (c.properties.agentPoolProfiles as Obj[]) : [];
  return profiles.map((p) => {
    const { name, ...properties } = p;
    return { id: `${armClusterId(c)}/agentPools/${String(name)}`, name, type: 'Microsoft.ContainerService/managedClusters/agentPools', properties };
  });
}

export class FakeArmServer {
  readonly requests: RecordedArmRequest[] = [];
  readonly ca: string;
  private readonly sockets = new Set<Socket>();
  /** Faults can be changed while the server runs. */
  faults: ArmFault[];

  private constructor(
    private readonly server: https.Server,
    private readonly options: FakeArmServerOptions,
    ca: string,
  ) {
    this.ca = ca;
    this.faults = [...(options.faults ?? [])];
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.handle(req, res));
  }

  static async start(options: FakeArmServerOptions): Promise<FakeArmServer> {
    const tls = testTls();
    const server = https.createServer({ cert: tls.cert, key: tls.key });
    const fake = new FakeArmServer(server, options, tls.ca);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://fake');
    const query = Object.fromEntries(url.searchParams.entries());
    const record: RecordedArmRequest = { method: req.method ?? 'GET', path: url.pathname, query, status: 0, at: Date.now() };
    this.requests.push(record);
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'x-ms-request-id': `req-${this.requests.length}`, ...headers });
      res.end(body);
    };
    // Drain any request body (the credential POST has none, but the SDK may send `{}`).
    req.resume();

    const expired = this.options.expiredTokens?.find((t) => req.headers.authorization === `Bearer ${t}`);
    if (expired) {
      return send(401, armError('ExpiredAuthenticationToken', 'The access token expiry UTC time is earlier than current UTC time.'));
    }
    const fault = this.faults.find((f) => f.times > 0);
    if (fault) {
      fault.times -= 1;
      if (fault.status === 429) {
        return send(429, armError('TooManyRequests', 'The request is being throttled as the limit has been reached for operation type - Read.'),
          fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {});
      }
      return send(fault.status, armError('InternalServerError', 'Encountered internal server error. Please try again.'),
        fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {});
    }
    if (req.headers.authorization !== `Bearer ${this.options.token}`) {
      return send(401, armError('InvalidAuthenticationToken', 'The access token is invalid.'));
    }
    if (!query['api-version']) {
      return send(400, armError('MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests."));
    }
    // ARM paths are case-insensitive.
    const seg = url.pathname.split('/').filter(Boolean);
    const lower = seg.map((s) => s.toLowerCase());
    if (lower[0] !== 'subscriptions' || !seg[1]) return send(404, armError('InvalidResourceType', 'unknown path'));
    const sub = seg[1];
    if (this.options.forbid?.includes(sub)) return this.forbidden(send, 'Microsoft.ContainerService/managedClusters/read', `/subscriptions/${sub}`);
    let i = 2;
    let rg: string | undefined;
    if (lower[i] === 'resourcegroups') {
      rg = seg[i + 1];
      i += 2;
    }
    if (lower[i] !== 'providers' || lower[i + 1] !== PROVIDER || lower[i + 2] !== 'managedclusters') {
      return send(404, armError('InvalidResourceType', `The resource type could not be found in the namespace`));
    }
    const name = seg[i + 3];
    const action = lower[i + 4];
    const inScope = this.options.clusters.filter(
      (c) => c.subscriptionId.toLowerCase() === sub.toLowerCase() && (!rg || c.resourceGroup.toLowerCase() === rg.toLowerCase()),
    );
    if (rg && !this.options.clusters.some((c) => c.resourceGroup.toLowerCase() === rg!.toLowerCase())) {
      return send(404, armError('ResourceGroupNotFound', `Resource group '${rg}' could not be found.`));
    }
    if (!name) {
      if (record.method !== 'GET') return send(405, armError('MethodNotAllowed', 'method not allowed'));
      if (this.options.forbid?.includes('managedClusters/read')) return this.forbidden(send, 'Microsoft.ContainerService/managedClusters/read', url.pathname);
      return this.page(send, url, inScope.map(armManagedCluster), query);
    }
    const cluster = inScope.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (!cluster || !rg) {
      return send(404, armError('ResourceNotFound', `The Resource 'Microsoft.ContainerService/managedClusters/${name}' under resource group '${rg}' was not found.`));
    }
    const id = armClusterId(cluster);
    if (action === undefined && record.method === 'GET') {
      if (this.options.forbid?.includes('managedClusters/read')) return this.forbidden(send, 'Microsoft.ContainerService/managedClusters/read', id);
      return send(200, JSON.stringify(armManagedCluster(cluster)));
    }
    if (action === 'agentpools' && seg.length === i + 5 && record.method === 'GET') {
      if (this.options.forbid?.includes('agentPools/read')) return this.forbidden(send, 'Microsoft.ContainerService/managedClusters/agentPools/read', `${id}/agentPools`);
      return this.page(send, url, armAgentPools(cluster), query);
    }
    if (action === 'listclusterusercredential' && record.method === 'POST') {
      if (this.options.forbid?.includes('listClusterUserCredential/action')) {
        return this.forbidden(send, 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action', id);
      }
      return send(200, JSON.stringify({ kubeconfigs: [{ name: 'clusterUser', value: Buffer.from(cluster.kubeconfig, 'utf8').toString('base64') }] }));
    }
    return send(404, armError('NotFound', 'unknown operation'));
  }

  private forbidden(send: (s: number, b: string) => void, action: string, scope: string): void {
    send(403, armError(
      'AuthorizationFailed',
      `The client '00000000-0000-0000-0000-0000000000cc' with object id '00000000-0000-0000-0000-0000000000cc' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    ));
  }

  private page(send: (s: number, b: string) => void, url: URL, items: Obj[], query: Record<string, string>): void {
    const size = this.options.pageSize ?? 100;
    const start = query.$skiptoken ? Number(query.$skiptoken) : 0;
    const end = Math.min(items.length, start + size);
    const body: Obj = { value: items.slice(start, end) };
    if (end < items.length) {
      const next = new URL(url.pathname, this.url);
      next.searchParams.set('api-version', query['api-version']);
      next.searchParams.set('$skiptoken', String(end));
      body.nextLink = next.toString();
    }
    send(200, JSON.stringify(body));
  }
}

export function startFakeArmServer(options: FakeArmServerOptions): Promise<FakeArmServer> {
  return FakeArmServer.start(options);
}
