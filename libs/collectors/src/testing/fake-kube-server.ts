// Owns a fake Kubernetes API server for tests and benchmarks (no real kube-apiserver installs
// here). It speaks the real wire format over https with a throwaway self-signed certificate:
// List JSON with resourceVersion/continue/remainingItemCount paging, discovery documents that
// list only the CRD groups the dataset has, /version, and Status bodies for 401/403/404. Fault
// modes (forbid, hang, fail, wrong token) drive the collector's error paths, and every request
// is recorded so tests can check exactly what a collection asked for.
import { randomBytes } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stringify } from 'yaml';
import type { CrdPlural, KubeDataset } from './synthetic-cluster';
import { testTls, type TestTls } from './test-tls';

type Obj = Record<string, unknown>;

export interface FakeKubeServerOptions {
  dataset: KubeDataset;
  /** The only bearer token accepted; random when omitted. */
  token?: string;
  /** Resources (plural, e.g. `pods`, `ciliumnetworkpolicies`) answered with 403. */
  forbid?: string[];
  /** Resources (or `version`) whose requests are never answered. */
  hang?: string[];
  /** Resources answered with this HTTP status and a Status body (e.g. 500, 503). */
  fail?: Record<string, number>;
  gitVersion?: string;
  /**
   * Resources whose first continue request answers 410 Expired with an inconsistent continue
   * token, as an API server does when a paged list outlives etcd compaction.
   */
  expireContinue?: string[];
  /** Transient faults per resource (or `version`); each answers its next `times` requests. */
  faults?: Record<string, KubeFault>;
  /** Every answer waits this long first: a cluster that answers slowly (and snapshots outlast scheduler ticks). */
  delayMs?: number;
}

/**
 * `status`: an HTTP error with a Status body (5xx, or 429 with `retryAfterSeconds`).
 * `reset`: the headers and half of the page are sent, then the connection is destroyed.
 */
export type KubeFault = { times: number } & ({ kind: 'status'; status: number; retryAfterSeconds?: number } | { kind: 'reset' });

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number | 'hung' | 'reset';
  /** Date.now() when the request arrived (backoff between retries is measured from these). */
  at: number;
}

interface Route {
  resource: string;
  group: string;
  version: string;
  listKind: string;
  kind: string;
  namespaced: boolean;
  items: () => Obj[];
}

const CRD_ROUTES: { plural: CrdPlural; group: string; version: string; kind: string; namespaced: boolean }[] = [
  { plural: 'ciliumnetworkpolicies', group: 'cilium.io', version: 'v2', kind: 'CiliumNetworkPolicy', namespaced: true },
  { plural: 'ciliumclusterwidenetworkpolicies', group: 'cilium.io', version: 'v2', kind: 'CiliumClusterwideNetworkPolicy', namespaced: false },
  { plural: 'globalnetworkpolicies', group: 'crd.projectcalico.org', version: 'v1', kind: 'GlobalNetworkPolicy', namespaced: false },
];

/**
 * A real API server omits kind/apiVersion on the items of a typed List (they are on the List),
 * while custom resources keep theirs; the fake does the same so evidence tests see real shapes.
 */
function stripTypeMeta(items: Obj[]): Obj[] {
  return items.map((item) => {
    const { apiVersion: _a, kind: _k, ...rest } = item;
    return rest;
  });
}

/** JSON as the API server's Go encoder writes it: compact, with <, > and & escaped. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

function status(code: number, reason: string, message: string, details?: Obj): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code });
}

export class FakeKubeServer {
  readonly requests: RecordedRequest[] = [];
  /** Mutable: a token revoked or rotated on the cluster's side answers 401 from then on. */
  token: string;
  readonly ca: string;
  private readonly routes = new Map<string, Route>();
  private readonly sockets = new Set<Socket>();
  private readonly resourceVersion = String(100000 + Math.floor(Math.random() * 1000));
  private readonly servedCache = new Map<string, Obj[]>();
  private readonly expired = new Set<string>();
  /** Faults and delay can be changed while the server runs (a cluster that breaks, then heals). */
  faults: Record<string, KubeFault>;
  delayMs: number;

  private constructor(
    private readonly server: https.Server,
    /** Mutable: `forbid`, `hang` and `fail` are read per request. */
    readonly options: FakeKubeServerOptions,
    ca: string,
  ) {
    this.token = options.token ?? randomBytes(24).toString('hex');
    this.ca = ca;
    this.faults = { ...(options.faults ?? {}) };
    this.delayMs = options.delayMs ?? 0;
    const d = options.dataset;
    const core = (resource: string, kind: string, namespaced: boolean, items: Obj[]): Route => ({
      resource, group: '', version: 'v1', kind, listKind: `${kind}List`, namespaced, items: () => this.cached(resource, () => stripTypeMeta(items)),
    });
    this.routes.set('/api/v1/namespaces', core('namespaces', 'Namespace', false, d.namespaces));
    this.routes.set('/api/v1/pods', core('pods', 'Pod', true, d.pods));
    this.routes.set('/api/v1/nodes', core('nodes', 'Node', false, d.nodes));
    this.routes.set('/api/v1/services', core('services', 'Service', true, d.services));
    this.routes.set('/apis/networking.k8s.io/v1/networkpolicies', {
      resource: 'networkpolicies', group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', listKind: 'NetworkPolicyList', namespaced: true,
      items: () => this.cached('networkpolicies', () => stripTypeMeta(d.networkPolicies)),
    });
    for (const c of CRD_ROUTES) {
      const items = d.crds?.[c.plural];
      if (!items) continue;
      this.routes.set(`/apis/${c.group}/${c.version}/${c.plural}`, {
        resource: c.plural, group: c.group, version: c.version, kind: c.kind, listKind: `${c.kind}List`, namespaced: c.namespaced, items: () => items,
      });
    }
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.handle(req, res));
  }

  static async start(options: FakeKubeServerOptions): Promise<FakeKubeServer> {
    const tls = testTls();
    const server = https.createServer({ cert: tls.cert, key: tls.key });
    const fake = new FakeKubeServer(server, options, tls.ca);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** The JSON text of each item of a list, byte for byte as this server sends it. */
  servedTexts(resource: string): string[] {
    return this.served(resource).map(goJson);
  }

  /** Items of a list exactly as this server serves them (what evidence must equal). */
  served(resource: string): Obj[] {
    for (const r of this.routes.values()) if (r.resource === resource) return r.items();
    return [];
  }

  /** A kubeconfig trusting this server's CA and authenticating with a bearer token. */
  kubeconfig(opts: { token?: string; server?: string; user?: Obj } = {}): string {
    const user = opts.user ?? { token: opts.token ?? this.token };
    return stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server: opts.server ?? this.url, 'certificate-authority-data': Buffer.from(this.ca).toString('base64') } }],
      users: [{ name: 'kordon', user }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'kordon' } }],
      'current-context': 'fake',
    });
  }

  /**
   * Presents another certificate to new connections (a certificate rotated on the cluster's
   * side); `undefined` returns to the one this server's kubeconfig trusts.
   */
  presentCertificate(tls: TestTls | undefined): void {
    const use = tls ?? testTls();
    this.server.setSecureContext({ cert: use.cert, key: use.key });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private cached(key: string, make: () => Obj[]): Obj[] {
    let v = this.servedCache.get(key);
    if (!v) {
      v = make();
      this.servedCache.set(key, v);
    }
    return v;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.delayMs > 0) {
      const timer = setTimeout(() => this.answer(req, res), this.delayMs);
      req.socket.once('close', () => clearTimeout(timer));
      return;
    }
    this.answer(req, res);
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://fake');
    const query = Object.fromEntries(url.searchParams.entries());
    const record: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query, status: 0, at: Date.now() };
    this.requests.push(record);
    const send = (code: number, body: string) => {
      record.status = code;
      res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    };

    if (req.headers.authorization !== `Bearer ${this.token}`) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    if (record.method !== 'GET') return send(405, status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`));

    const route = this.routes.get(url.pathname);
    const resource = route?.resource ?? (url.pathname === '/version' ? 'version' : undefined);
    if (resource && this.options.hang?.includes(resource)) {
      record.status = 'hung';
      return;
    }
    const fault = resource ? this.faults[resource] : undefined;
    if (resource && fault && fault.times > 0) {
      fault.times -= 1;
      if (fault.kind === 'status') {
        const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {};
        const body = fault.status === 429
          ? status(429, 'TooManyRequests', 'Too many requests, please try again later.')
          : status(fault.status, 'InternalError', 'Internal error occurred: etcdserver: leader changed');
        record.status = fault.status;
        res.writeHead(fault.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
        return void res.end(body);
      }
      if (route) return this.resetMidPage(route, query, record, res);
    }
    if (resource && this.options.fail?.[resource]) {
      const code = this.options.fail[resource];
      return send(code, status(code, 'InternalError', `Internal error occurred: etcdserver: request timed out`));
    }
    if (url.pathname === '/version') {
      const gitVersion = this.options.gitVersion ?? 'v1.30.6';
      const [major, minor] = gitVersion.replace(/^v/, '').split('.');
      return send(200, JSON.stringify({ major, minor, gitVersion, gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2024-11-12T00:00:00Z', goVersion: 'go1.22.8', compiler: 'gc', platform: 'linux/amd64' }));
    }
    const discovery = this.discovery(url.pathname);
    if (discovery) return send(200, JSON.stringify(discovery));
    if (!route) return send(404, status(404, 'NotFound', 'the server could not find the requested resource', {}));
    if (this.options.forbid?.includes(route.resource)) {
      const group = route.group;
      return send(403, status(403, 'Forbidden',
        `${route.resource}${group ? `.${group}` : ''} is forbidden: User "system:serviceaccount:kordon:kordon-reader" cannot list resource "${route.resource}" in API group "${group}" at the cluster scope`,
        { group, kind: route.resource }));
    }
    return this.list(route, query, send);
  }

  /** Sends the headers and half of the page, then destroys the connection (a reset mid-page). */
  private resetMidPage(route: Route, query: Record<string, string>, record: RecordedRequest, res: ServerResponse): void {
    let page = '';
    this.list(route, query, (_code, body) => (page = body));
    record.status = 'reset';
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(page) });
    res.write(page.slice(0, Math.floor(page.length / 2)), () => res.socket?.destroy());
  }

  private list(route: Route, query: Record<string, string>, send: (code: number, body: string) => void): void {
    const items = route.items();
    let offset = 0;
    if (query.continue && this.options.expireContinue?.includes(route.resource) && !this.expired.has(route.resource)) {
      this.expired.add(route.resource);
      const body = JSON.parse(status(410, 'Expired',
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.')) as Obj;
      body.metadata = { continue: query.continue };
      return send(410, JSON.stringify(body));
    }
    if (query.continue) {
      try {
        const token = JSON.parse(Buffer.from(query.continue, 'base64url').toString('utf8')) as { rv: string; start: number };
        if (token.rv !== this.resourceVersion || !Number.isInteger(token.start)) throw new Error('stale');
        offset = token.start;
      } catch {
        return send(400, status(400, 'BadRequest', 'continue key is not valid'));
      }
    }
    const limit = query.limit ? Number(query.limit) : 0;
    const end = limit > 0 ? Math.min(items.length, offset + limit) : items.length;
    const metadata: Obj = { resourceVersion: this.resourceVersion };
    if (end < items.length) {
      metadata.continue = Buffer.from(JSON.stringify({ rv: this.resourceVersion, start: end })).toString('base64url');
      metadata.remainingItemCount = items.length - end;
    }
    const apiVersion = route.group ? `${route.group}/${route.version}` : route.version;
    send(200, goJson({ kind: route.listKind, apiVersion, metadata, items: items.slice(offset, end) }));
  }

  private crdGroupVersions(): Map<string, Route[]> {
    const out = new Map<string, Route[]>();
    for (const r of this.routes.values()) {
      if (!CRD_ROUTES.some((c) => c.plural === r.resource)) continue;
      const gv = `${r.group}/${r.version}`;
      out.set(gv, [...(out.get(gv) ?? []), r]);
    }
    return out;
  }

  private discovery(path: string): Obj | undefined {
    const resource = (r: { resource: string; kind: string; namespaced: boolean }) => ({
      name: r.resource, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind,
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    });
    if (path === '/api') {
      return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${this.port}` }] };
    }
    if (path === '/api/v1') {
      return { kind: 'APIResourceList', groupVersion: 'v1', resources: [...this.routes.values()].filter((r) => r.group === '').map(resource) };
    }
    const groups = new Map<string, string[]>([['apps', ['v1']], ['batch', ['v1']], ['networking.k8s.io', ['v1']]]);
    for (const gv of this.crdGroupVersions().keys()) {
      const [g, v] = gv.split('/');
      groups.set(g, [...(groups.get(g) ?? []), v]);
    }
    if (path === '/apis') {
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [...groups].map(([name, versions]) => ({
          name,
          versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
          preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
        })),
      };
    }
    if (path === '/apis/networking.k8s.io/v1') {
      return {
        kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'networking.k8s.io/v1',
        resources: [resource({ resource: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true }), resource({ resource: 'ingresses', kind: 'Ingress', namespaced: true })],
      };
    }
    const m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    const crd = m ? this.crdGroupVersions().get(`${m[1]}/${m[2]}`) : undefined;
    if (m && crd) return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${m[1]}/${m[2]}`, resources: crd.map(resource) };
    return undefined;
  }
}

export function startFakeKubeServer(options: FakeKubeServerOptions): Promise<FakeKubeServer> {
  return FakeKubeServer.start(options);
}
