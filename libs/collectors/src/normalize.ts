// Owns the mapping from raw Kubernetes objects (as served by an API server or written in a
// manifest) to the engine's normalized model, plus the structural checks a NetworkPolicy must
// pass before the engine may trust it. Shared by every collector so that a live cluster and a
// folder of manifests normalize identically. Pure: no I/O.
import { isIPv4, isIPv6 } from 'node:net';
import type {
  ContainerPort,
  CrdPolicy,
  Labels,
  NamespaceInfo,
  NodeInfo,
  PodInfo,
  Problem,
  Protocol,
  ServiceInfo,
  WorkloadInfo,
  WorkloadKind,
  WorkloadRef,
} from '@kordon/policy-engine';

type Obj = Record<string, unknown>;

function asObj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Keeps only string values: a malformed label map must not leak numbers into selector matching. */
function labelsOf(v: unknown): Labels {
  const out: Labels = {};
  const o = asObj(v);
  if (!o) return out;
  for (const [k, val] of Object.entries(o)) if (typeof val === 'string') out[k] = val;
  return out;
}

function metaOf(obj: unknown): Obj {
  return asObj(asObj(obj)?.metadata) ?? {};
}

const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function normalizeNamespace(obj: unknown): NamespaceInfo {
  const meta = metaOf(obj);
  const name = asString(meta.name) ?? '';
  const labels = labelsOf(meta.labels);
  // The API server sets this label on every namespace (since 1.21) and it cannot be changed;
  // manifests and old fixtures omit it, yet selectors rely on it.
  if (!(NAMESPACE_NAME_LABEL in labels)) labels[NAMESPACE_NAME_LABEL] = name;
  return { name, labels };
}

function containerPorts(spec: Obj): ContainerPort[] {
  const ports: ContainerPort[] = [];
  for (const c of asArray(spec.containers)) {
    for (const p of asArray(asObj(c)?.ports)) {
      const po = asObj(p);
      if (!po || typeof po.containerPort !== 'number') continue;
      const proto = asString(po.protocol);
      const port: ContainerPort = {
        containerPort: po.containerPort,
        protocol: proto && (PROTOCOLS as readonly string[]).includes(proto) ? (proto as Protocol) : 'TCP',
      };
      const name = asString(po.name);
      if (name) port.name = name;
      ports.push(port);
    }
  }
  return ports;
}

function podIps(status: Obj): string[] | undefined {
  const ips = asArray(status.podIPs)
    .map((x) => asString(asObj(x)?.ip))
    .filter((x): x is string => !!x);
  if (ips.length) return ips;
  const single = asString(status.podIP);
  return single ? [single] : undefined;
}

const CRONJOB_JOB_NAME = /^(.+)-(\d{8,})$/;

/**
 * Resolves the pod's controller to the workload a person would name. Deployments and CronJobs
 * own pods only indirectly (through a ReplicaSet or Job), and the API exposes just the
 * intermediate owner, so the parent is inferred from the naming the controllers use.
 */
export function resolveWorkload(meta: Obj, labels: Labels): WorkloadRef | undefined {
  const owners = asArray(meta.ownerReferences).map(asObj).filter((o): o is Obj => !!o);
  // Hand-written manifests often omit `controller: true`; fall back to the sole owner then.
  const owner = owners.find((o) => o.controller === true) ?? (owners.length === 1 ? owners[0] : undefined);
  if (!owner) return undefined;
  const kind = asString(owner.kind);
  const name = asString(owner.name);
  if (!kind || !name) return undefined;
  switch (kind) {
    case 'ReplicaSet': {
      const hash = labels['pod-template-hash'];
      if (hash && name.endsWith(`-${hash}`) && name.length > hash.length + 1) {
        return { kind: 'Deployment', name: name.slice(0, -(hash.length + 1)) };
      }
      return { kind: 'ReplicaSet', name };
    }
    case 'Job': {
      // The CronJob controller names jobs `<cronjob>-<scheduled time in minutes>`.
      const m = CRONJOB_JOB_NAME.exec(name);
      return m ? { kind: 'CronJob', name: m[1] } : { kind: 'Job', name };
    }
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicationController':
      return { kind, name };
    default:
      // Node (static pods) or a custom controller: the engine has no kind for it, treat as bare.
      return undefined;
  }
}

export function normalizePod(obj: unknown): PodInfo {
  const o = asObj(obj) ?? {};
  const meta = metaOf(o);
  const spec = asObj(o.spec) ?? {};
  const status = asObj(o.status) ?? {};
  const labels = labelsOf(meta.labels);
  const pod: PodInfo = {
    namespace: asString(meta.namespace) ?? 'default',
    name: asString(meta.name) ?? '',
    labels,
  };
  const ports = containerPorts(spec);
  if (ports.length) pod.ports = ports;
  const ips = podIps(status);
  if (ips) pod.ips = ips;
  const nodeName = asString(spec.nodeName);
  if (nodeName) pod.nodeName = nodeName;
  const phase = asString(status.phase);
  if (phase) pod.phase = phase;
  if (spec.hostNetwork === true) pod.hostNetwork = true;
  const workload = resolveWorkload(meta, labels);
  if (workload) pod.workload = workload;
  return pod;
}

/** Labels a controller stamps per pod or per revision; they say nothing about the workload. */
export const PER_INSTANCE_LABELS: readonly string[] = [
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'controller-uid',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-completion-index',
];

function portKey(p: ContainerPort): string {
  return `${p.name ?? ''}|${p.containerPort}|${p.protocol ?? 'TCP'}`;
}

export function deriveWorkloads(pods: PodInfo[]): WorkloadInfo[] {
  const groups = new Map<string, { w: WorkloadInfo; portKeys: Set<string> }>();
  for (const pod of pods) {
    const kind: WorkloadKind = pod.workload?.kind ?? 'Pod';
    const name = pod.workload?.name ?? pod.name;
    const key = `${pod.namespace}\u0000${kind}\u0000${name}`;
    let g = groups.get(key);
    if (!g) {
      g = { w: { namespace: pod.namespace, kind, name, labels: { ...pod.labels }, podCount: 0, ports: [] }, portKeys: new Set() };
      groups.set(key, g);
    } else {
      for (const [k, v] of Object.entries(g.w.labels)) if (pod.labels[k] !== v) delete g.w.labels[k];
    }
    g.w.podCount++;
    for (const p of pod.ports ?? []) {
      const pk = portKey(p);
      if (!g.portKeys.has(pk)) {
        g.portKeys.add(pk);
        g.w.ports.push(p);
      }
    }
  }
  const out = [...groups.values()].map(({ w }) => {
    for (const k of PER_INSTANCE_LABELS) delete w.labels[k];
    return w;
  });
  return out.sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.kind, b.kind) || cmp(a.name, b.name));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function normalizeService(obj: unknown): ServiceInfo {
  const o = asObj(obj) ?? {};
  const meta = metaOf(o);
  const spec = asObj(o.spec) ?? {};
  const svc: ServiceInfo = {
    namespace: asString(meta.namespace) ?? 'default',
    name: asString(meta.name) ?? '',
    type: asString(spec.type) ?? 'ClusterIP',
  };
  if (asObj(spec.selector)) svc.selector = labelsOf(spec.selector);
  if (Array.isArray(spec.loadBalancerSourceRanges)) {
    svc.loadBalancerSourceRanges = spec.loadBalancerSourceRanges.filter((x): x is string => typeof x === 'string');
  }
  return svc;
}

export function normalizeNode(obj: unknown): NodeInfo {
  const o = asObj(obj) ?? {};
  const meta = metaOf(o);
  const status = asObj(o.status) ?? {};
  const labels = labelsOf(meta.labels);
  const os = labels['kubernetes.io/os'] ?? asString(asObj(status.nodeInfo)?.operatingSystem) ?? 'unknown';
  const node: NodeInfo = { name: asString(meta.name) ?? '', os, labels };
  const ips = asArray(status.addresses)
    .map(asObj)
    .filter((a): a is Obj => !!a && (a.type === 'InternalIP' || a.type === 'ExternalIP'))
    .map((a) => asString(a.address))
    .filter((x): x is string => !!x);
  if (ips.length) node.ips = ips;
  return node;
}

// ---------------------------------------------------------------------------------------------
// CRD policies

export interface CrdPolicyKind {
  kind: string;
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

export const CRD_POLICY_KINDS: readonly CrdPolicyKind[] = [
  { kind: 'CiliumNetworkPolicy', group: 'cilium.io', version: 'v2', plural: 'ciliumnetworkpolicies', namespaced: true },
  { kind: 'CiliumClusterwideNetworkPolicy', group: 'cilium.io', version: 'v2', plural: 'ciliumclusterwidenetworkpolicies', namespaced: false },
  { kind: 'GlobalNetworkPolicy', group: 'crd.projectcalico.org', version: 'v1', plural: 'globalnetworkpolicies', namespaced: false },
];

/** Matches on kind and API group, any version: a v2alpha1 Cilium object is still a Cilium policy. */
export function isCrdPolicy(obj: unknown): obj is CrdPolicy {
  const o = asObj(obj);
  const apiVersion = asString(o?.apiVersion);
  const kind = asString(o?.kind);
  if (!apiVersion || !kind) return false;
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return CRD_POLICY_KINDS.some((k) => k.kind === kind && k.group === group);
}

// ---------------------------------------------------------------------------------------------
// NetworkPolicy structural validation (the subset of the API server's validation that decides
// whether the engine can read the object; a live cluster has already enforced all of it).

interface Cidr {
  family: 4 | 6;
  addr: bigint;
  prefix: number;
}

function ipv4ToBigInt(ip: string): bigint {
  return ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6ToBigInt(ip: string): bigint {
  let text = ip;
  const lastColon = text.lastIndexOf(':');
  const v4Tail = text.slice(lastColon + 1);
  if (v4Tail.includes('.')) {
    // `::ffff:10.0.0.1`: rewrite the dotted tail as the two 16-bit groups it stands for.
    const v4 = ipv4ToBigInt(v4Tail);
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const parse = (s: string) => (s ? s.split(':').map((h) => parseInt(h, 16)) : []);
  let groups: number[];
  const gap = text.indexOf('::');
  if (gap >= 0) {
    const head = parse(text.slice(0, gap));
    const tail = parse(text.slice(gap + 2));
    groups = [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    groups = parse(text);
  }
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Parses `a.b.c.d/n` or an IPv6 CIDR; undefined when invalid (prefix is mandatory, as in the API). */
export function parseCidr(text: unknown): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (isIPv4(ip)) return prefix <= 32 ? { family: 4, addr: ipv4ToBigInt(ip), prefix } : undefined;
  if (isIPv6(ip) && !ip.includes('%')) return prefix <= 128 ? { family: 6, addr: ipv6ToBigInt(ip), prefix } : undefined;
  return undefined;
}

function networkOf(c: Cidr): bigint {
  const bits = c.family === 4 ? 32 : 128;
  const hostBits = BigInt(bits - c.prefix);
  return (c.addr >> hostBits) << hostBits;
}

/** True when `inner` lies inside `outer` and is strictly smaller, as the API requires of `except`. */
function strictlyInside(inner: Cidr, outer: Cidr): boolean {
  if (inner.family !== outer.family || inner.prefix <= outer.prefix) return false;
  return networkOf({ ...inner, prefix: outer.prefix }) === networkOf(outer);
}

const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;

export function isIanaSvcName(s: string): boolean {
  return IANA_SVC_NAME.test(s) && !s.includes('--') && /[a-z]/.test(s);
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

class PolicyChecker {
  readonly problems: Problem[] = [];
  constructor(
    private readonly object: string,
    private readonly where: string,
  ) {}

  fail(field: string, message: string): void {
    this.problems.push({
      severity: 'error',
      code: 'invalid-object',
      message: `NetworkPolicy ${this.object} (${this.where}): ${field}: ${message}`,
      object: this.object,
      field,
    });
  }

  selector(v: unknown, field: string): void {
    const sel = asObj(v);
    if (!sel) return this.fail(field, 'must be a label selector object');
    if (sel.matchLabels !== undefined && sel.matchLabels !== null) {
      const ml = asObj(sel.matchLabels);
      if (!ml) this.fail(`${field}.matchLabels`, 'must be a map of string values');
      else
        for (const [k, val] of Object.entries(ml))
          if (typeof val !== 'string') this.fail(`${field}.matchLabels.${k}`, 'label values must be strings');
    }
    if (sel.matchExpressions !== undefined && sel.matchExpressions !== null) {
      if (!Array.isArray(sel.matchExpressions)) return this.fail(`${field}.matchExpressions`, 'must be a list');
      sel.matchExpressions.forEach((e, i) => {
        const f = `${field}.matchExpressions[${i}]`;
        const expr = asObj(e);
        if (!expr) return this.fail(f, 'must be an object');
        if (typeof expr.key !== 'string' || !expr.key) this.fail(`${f}.key`, 'is required');
        const op = expr.operator;
        if (typeof op !== 'string' || !OPERATORS.includes(op)) {
          return this.fail(`${f}.operator`, `must be one of ${OPERATORS.join(', ')}, got ${JSON.stringify(op)}`);
        }
        const values = expr.values;
        if (values !== undefined && values !== null && (!Array.isArray(values) || values.some((x) => typeof x !== 'string'))) {
          return this.fail(`${f}.values`, 'must be a list of strings');
        }
        const count = Array.isArray(values) ? values.length : 0;
        if ((op === 'In' || op === 'NotIn') && count === 0) this.fail(`${f}.values`, `must be non-empty for operator ${op}`);
        if ((op === 'Exists' || op === 'DoesNotExist') && count > 0) this.fail(`${f}.values`, `must be empty for operator ${op}`);
      });
    }
  }

  peer(v: unknown, field: string): void {
    const peer = asObj(v);
    if (!peer) return this.fail(field, 'must be an object');
    const hasPod = peer.podSelector !== undefined && peer.podSelector !== null;
    const hasNs = peer.namespaceSelector !== undefined && peer.namespaceSelector !== null;
    const hasIp = peer.ipBlock !== undefined && peer.ipBlock !== null;
    if (!hasPod && !hasNs && !hasIp) return this.fail(field, 'must specify podSelector, namespaceSelector or ipBlock');
    if (hasIp && (hasPod || hasNs)) this.fail(field, 'ipBlock cannot be combined with podSelector or namespaceSelector');
    if (hasPod) this.selector(peer.podSelector, `${field}.podSelector`);
    if (hasNs) this.selector(peer.namespaceSelector, `${field}.namespaceSelector`);
    if (hasIp) this.ipBlock(peer.ipBlock, `${field}.ipBlock`);
  }

  ipBlock(v: unknown, field: string): void {
    const block = asObj(v);
    if (!block) return this.fail(field, 'must be an object');
    const cidr = parseCidr(block.cidr);
    if (!cidr) return this.fail(`${field}.cidr`, `${JSON.stringify(block.cidr)} is not a valid IPv4 or IPv6 CIDR`);
    if (block.except === undefined || block.except === null) return;
    if (!Array.isArray(block.except)) return this.fail(`${field}.except`, 'must be a list of CIDRs');
    block.except.forEach((e, i) => {
      const ex = parseCidr(e);
      if (!ex) this.fail(`${field}.except[${i}]`, `${JSON.stringify(e)} is not a valid IPv4 or IPv6 CIDR`);
      else if (!strictlyInside(ex, cidr)) this.fail(`${field}.except[${i}]`, `${e} must be a strict subset of cidr ${String(block.cidr)}`);
    });
  }

  port(v: unknown, field: string): void {
    const p = asObj(v);
    if (!p) return this.fail(field, 'must be an object');
    if (p.protocol !== undefined && p.protocol !== null && !(PROTOCOLS as readonly unknown[]).includes(p.protocol)) {
      this.fail(`${field}.protocol`, `must be TCP, UDP or SCTP, got ${JSON.stringify(p.protocol)}`);
    }
    const port = p.port;
    const numeric = typeof port === 'number';
    if (numeric) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) this.fail(`${field}.port`, `must be 1-65535, got ${port}`);
    } else if (typeof port === 'string') {
      if (!isIanaSvcName(port)) this.fail(`${field}.port`, `${JSON.stringify(port)} is not a valid port name (IANA_SVC_NAME)`);
    } else if (port !== undefined && port !== null) {
      this.fail(`${field}.port`, 'must be a number or a port name');
    }
    const endPort = p.endPort;
    if (endPort === undefined || endPort === null) return;
    if (typeof endPort !== 'number' || !Number.isInteger(endPort) || endPort < 1 || endPort > 65535) {
      return this.fail(`${field}.endPort`, `must be 1-65535, got ${JSON.stringify(endPort)}`);
    }
    if (!numeric) return this.fail(`${field}.endPort`, 'may only be set with a numeric port');
    if (endPort < (port as number)) this.fail(`${field}.endPort`, `must be >= port (${port}), got ${endPort}`);
  }

  rules(v: unknown, field: string, peersKey: 'from' | 'to'): void {
    if (v === undefined || v === null) return;
    if (!Array.isArray(v)) return this.fail(field, 'must be a list of rules');
    v.forEach((r, i) => {
      const f = `${field}[${i}]`;
      const rule = asObj(r);
      if (!rule) return this.fail(f, 'must be an object');
      const peers = rule[peersKey];
      if (peers !== undefined && peers !== null) {
        if (!Array.isArray(peers)) this.fail(`${f}.${peersKey}`, 'must be a list of peers');
        else peers.forEach((p, j) => this.peer(p, `${f}.${peersKey}[${j}]`));
      }
      const ports = rule.ports;
      if (ports !== undefined && ports !== null) {
        if (!Array.isArray(ports)) this.fail(`${f}.ports`, 'must be a list');
        else ports.forEach((p, j) => this.port(p, `${f}.ports[${j}]`));
      }
    });
  }
}

/**
 * Structural checks on a NetworkPolicy object. `where` says where it came from (file path, API
 * path) and goes into each message; `object` is `namespace/name`, `field` the JSON path.
 */
export function validateNetworkPolicy(obj: unknown, where: string): Problem[] {
  const o = asObj(obj);
  const meta = metaOf(o);
  const name = asString(meta.name);
  const ns = asString(meta.namespace);
  const object = `${ns ?? ''}${ns ? '/' : ''}${name ?? '<unnamed>'}`;
  const c = new PolicyChecker(object, where);
  if (!o) {
    c.fail('', 'is not an object');
    return c.problems;
  }
  if (!name) c.fail('metadata.name', 'is required');
  const spec = asObj(o.spec);
  if (!spec) {
    c.fail('spec', 'is required and must be an object');
    return c.problems;
  }
  if (spec.podSelector === undefined || spec.podSelector === null) c.fail('spec.podSelector', 'is required (use {} to select all pods)');
  else c.selector(spec.podSelector, 'spec.podSelector');
  if (spec.policyTypes !== undefined && spec.policyTypes !== null) {
    if (!Array.isArray(spec.policyTypes)) c.fail('spec.policyTypes', 'must be a list');
    else
      spec.policyTypes.forEach((t, i) => {
        if (t !== 'Ingress' && t !== 'Egress') c.fail(`spec.policyTypes[${i}]`, `must be Ingress or Egress, got ${JSON.stringify(t)}`);
      });
  }
  c.rules(spec.ingress, 'spec.ingress', 'from');
  c.rules(spec.egress, 'spec.egress', 'to');
  return c.problems;
}
