// Owns reading a cluster from files instead of an API: `kubectl get … -o yaml|json` exports,
// GitOps manifests, an `az aks show` JSON and ClusterState exports, into one ClusterState.
// Workloads whose pods are not in the files get synthetic pods from their pod template, so a
// repository of manifests can be assessed before anything is deployed. Every defect in the
// input is a problem with file, object and field; nothing is thrown.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type {
  ClusterState,
  CrdPolicy,
  NamespaceInfo,
  NetworkPolicy,
  NetworkProfile,
  NodeInfo,
  NodePoolInfo,
  PodInfo,
  Problem,
  ServiceInfo,
  WorkloadKind,
  WorkloadRef,
} from '@kordon/policy-engine';
import {
  CRD_POLICY_KINDS,
  NAMESPACE_NAME_LABEL,
  deriveWorkloads,
  isCrdPolicy,
  normalizeNamespace,
  normalizeNode,
  normalizePod,
  normalizeService,
  validateNetworkPolicy,
} from '../normalize';
import type { CollectOptions, CollectResult } from '../types';
import {
  clusterStateFileSchema,
  formatZodIssues,
  namespaceEntrySchema,
  networkProfileSchema,
  nodeEntrySchema,
  nodePoolEntrySchema,
  podEntrySchema,
  serviceEntrySchema,
} from './cluster-state.schema';
import { type ManifestValue, parseManifestText } from './manifest-documents.parser';

export interface ManifestFile {
  /** Shown in problems: a path or an upload's file name. */
  name: string;
  text: string;
}

export const MANIFEST_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

/** A manifest asking for more pods than this per workload gets this many: uploads are untrusted. */
export const MAX_SYNTHETIC_PODS_PER_WORKLOAD = 500;

type Obj = Record<string, unknown>;

function asObj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

const WORKLOAD_KINDS = new Set<string>(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController']);

// The knobs of `az aks show … agentPoolProfiles` that describe a pool; status fields
// (powerState, provisioningState, nodeImageVersion) change daily and would make every
// snapshot look different.
const NODE_POOL_FIELDS = [
  'name',
  'osType',
  'osSku',
  'count',
  'mode',
  'vmSize',
  'orchestratorVersion',
  'enableAutoScaling',
  'minCount',
  'maxCount',
  'maxPods',
  'availabilityZones',
  'nodeLabels',
  'nodeTaints',
  'type',
] as const;

interface WorkloadObject {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  obj: Obj;
  where: string;
}

/** Keyed store that keeps first-seen order and lets a later file replace an object, like `kubectl apply`. */
class Keyed<T> {
  private readonly map = new Map<string, T>();
  set(key: string, value: T): boolean {
    const replaced = this.map.has(key);
    this.map.set(key, value);
    return replaced;
  }
  values(): T[] {
    return [...this.map.values()];
  }
}

/** Accumulates everything read from all files, then builds the state once. */
class ManifestAccumulator {
  readonly problems: Problem[] = [];
  readonly counts: Record<string, number> = {};
  private readonly namespaces = new Keyed<NamespaceInfo>();
  private readonly pods = new Keyed<PodInfo>();
  private readonly workloads = new Keyed<WorkloadObject>();
  private readonly policies = new Keyed<{ policy: NetworkPolicy; text: string }>();
  private readonly crds = new Keyed<{ policy: CrdPolicy; text: string }>();
  private readonly services = new Keyed<ServiceInfo>();
  private readonly nodes = new Keyed<NodeInfo>();
  private nodePools: NodePoolInfo[] | undefined;
  private networkProfile: { profile: NetworkProfile; where: string } | undefined;
  private kubernetesVersion: string | undefined;
  readonly meta: Record<string, unknown> = { source: 'manifests', files: [] as string[] };
  /** Skipped kinds per file, reported once per file and kind rather than once per object. */
  private readonly skipped = new Map<string, { file: string; label: string; kind?: string; apiVersion?: string; count: number }>();

  addFile(file: ManifestFile): void {
    (this.meta.files as string[]).push(file.name);
    const parsed = parseManifestText(file.name, file.text);
    this.problems.push(...parsed.problems);
    for (const v of parsed.values) this.addValue(v, file.name);
  }

  private count(kind: string): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }

  private warnDuplicate(replaced: boolean, kind: string, object: string, where: string): void {
    if (!replaced) return;
    this.problems.push({
      severity: 'warning',
      code: 'duplicate-object',
      message: `${kind} ${object} appears more than once; the copy in ${where} replaces the earlier one`,
      object,
    });
  }

  private addValue({ value, where }: ManifestValue, file: string): void {
    const obj = asObj(value);
    if (!obj) {
      this.skip(file, value === null ? 'null' : Array.isArray(value) ? 'nested list' : typeof value);
      return;
    }
    const kind = asString(obj.kind);
    if (!kind) {
      this.addNonKubernetes(obj, where);
      return;
    }
    if (isCrdPolicy(obj)) return this.addCrdPolicy(obj, where);
    const group = (asString(obj.apiVersion) ?? '').split('/').slice(0, -1).join('/');
    // extensions/v1beta1 is the pre-1.16 home of the same object; old exports still carry it.
    const k8sPolicy = group === 'networking.k8s.io' || group === 'extensions' || !obj.apiVersion;
    if (kind === 'NetworkPolicy' && k8sPolicy) return this.addNetworkPolicy(obj, where);
    // Everything else we read is a core or apps/batch object; a same-named CRD kind
    // (Calico's projectcalico.org NetworkPolicy, say) must not be mistaken for it.
    const coreKind = group === '' || group === 'apps' || group === 'batch' || group === 'extensions';
    if (!coreKind) return this.skip(file, `${kind} (${obj.apiVersion})`, kind, asString(obj.apiVersion));
    const meta = asObj(obj.metadata);
    const name = asString(meta?.name);
    const known = kind === 'Namespace' || kind === 'Pod' || kind === 'Service' || kind === 'Node' || WORKLOAD_KINDS.has(kind);
    if (!known) return this.skip(file, kind, kind, asString(obj.apiVersion));
    if (!name) {
      this.problems.push({
        severity: 'error',
        code: 'invalid-object',
        message: `${kind} in ${where} has no metadata.name; skipped`,
        object: where,
        field: 'metadata.name',
      });
      return;
    }
    const ns = asString(meta?.namespace) || 'default';
    this.count(kind);
    switch (kind) {
      case 'Namespace':
        return this.warnDuplicate(this.namespaces.set(name, normalizeNamespace(obj)), kind, name, where);
      case 'Pod': {
        const pod = normalizePod(obj);
        return this.warnDuplicate(this.pods.set(`${pod.namespace}/${pod.name}`, pod), kind, `${ns}/${name}`, where);
      }
      case 'Service': {
        // Only LoadBalancer services matter: policies may not see their clients, source ranges do.
        const svc = normalizeService(obj);
        if (svc.type === 'LoadBalancer') this.warnDuplicate(this.services.set(`${svc.namespace}/${svc.name}`, svc), kind, `${ns}/${name}`, where);
        return;
      }
      case 'Node':
        return this.warnDuplicate(this.nodes.set(name, normalizeNode(obj)), kind, name, where);
      default: {
        const w: WorkloadObject = { kind: kind as WorkloadKind, namespace: ns, name, obj, where };
        return this.warnDuplicate(this.workloads.set(`${ns}/${kind}/${name}`, w), kind, `${ns}/${name}`, where);
      }
    }
  }

  /** `label` is what the message says; `kind`/`apiVersion` are set for real objects (not for stray values). */
  private skip(file: string, label: string, kind?: string, apiVersion?: string): void {
    const key = `${file}\u0000${label}`;
    const entry = this.skipped.get(key) ?? { file, label, kind, apiVersion, count: 0 };
    entry.count++;
    this.skipped.set(key, entry);
  }

  private addNetworkPolicy(obj: Obj, where: string): void {
    const invalid = validateNetworkPolicy(obj, where);
    if (invalid.some((p) => p.severity === 'error')) {
      this.problems.push(...invalid.map((p) => (p.severity === 'error' ? { ...p, message: `${p.message}; policy skipped` } : p)));
      return;
    }
    this.problems.push(...invalid);
    const meta = obj.metadata as Obj;
    const ns = asString(meta.namespace) || 'default';
    // A manifest without a namespace lands in `default` when applied; the engine needs it explicit.
    const policy = (meta.namespace === ns ? obj : { ...obj, metadata: { ...meta, namespace: ns } }) as unknown as NetworkPolicy;
    this.count('NetworkPolicy');
    const key = `${ns}/${String(meta.name)}`;
    this.warnDuplicate(this.policies.set(key, { policy, text: JSON.stringify(obj) }), 'NetworkPolicy', key, where);
  }

  private addCrdPolicy(obj: CrdPolicy, where: string): void {
    const name = asString(asObj(obj.metadata)?.name);
    if (!name) {
      this.problems.push({
        severity: 'error',
        code: 'invalid-object',
        message: `${obj.kind} in ${where} has no metadata.name; skipped`,
        object: where,
        field: 'metadata.name',
      });
      return;
    }
    this.count(obj.kind);
    const namespaced = CRD_POLICY_KINDS.find((k) => k.kind === obj.kind)?.namespaced ?? false;
    const given = asString(obj.metadata.namespace);
    // Like a NetworkPolicy, a namespaced CRD policy applied without a namespace lands in `default`.
    const ns = namespaced ? given || 'default' : undefined;
    const policy = namespaced && given !== ns ? { ...obj, metadata: { ...obj.metadata, namespace: ns } } : obj;
    const key = `${obj.kind}/${ns ?? ''}/${name}`;
    this.warnDuplicate(this.crds.set(key, { policy, text: JSON.stringify(obj) }), obj.kind, ns ? `${ns}/${name}` : name, where);
  }

  /** JSON without `kind`: `az aks show`, its `--query networkProfile`, or a ClusterState export. */
  private addNonKubernetes(obj: Obj, where: string): void {
    // The ARM REST shape nests what az flattens under `properties`.
    // A ClusterState also carries networkProfile and kubernetesVersion: test for it first.
    if (Array.isArray(obj.namespaces) && Array.isArray(obj.pods) && Array.isArray(obj.networkPolicies)) {
      return this.addClusterState(obj, where);
    }
    const arm = asObj(obj.properties)?.networkProfile !== undefined ? (obj.properties as Obj) : obj;
    if (asObj(arm.networkProfile) && ('agentPoolProfiles' in arm || 'kubernetesVersion' in arm)) {
      return this.addAksShow(obj, arm, where);
    }
    if (['networkPlugin', 'networkPolicy', 'networkDataplane', 'networkPluginMode'].some((k) => k in obj)) {
      this.count('networkProfile');
      return this.setNetworkProfile(obj as NetworkProfile, where);
    }
    this.problems.push({
      severity: 'warning',
      code: 'unknown-object',
      message: `${where}: an object without kind that is neither az aks show output, a networkProfile nor a ClusterState; skipped`,
      object: where,
    });
  }

  private setNetworkProfile(profile: NetworkProfile, where: string): void {
    if (this.networkProfile && JSON.stringify(this.networkProfile.profile) !== JSON.stringify(profile)) {
      this.problems.push({
        severity: 'warning',
        code: 'conflicting-network-profile',
        message: `${where} gives a different networkProfile than ${this.networkProfile.where}; the later one is used`,
        object: where,
        field: 'networkProfile',
      });
    }
    this.networkProfile = { profile, where };
  }

  private addAksShow(obj: Obj, arm: Obj, where: string): void {
    this.count('ManagedCluster');
    this.setNetworkProfile(arm.networkProfile as NetworkProfile, where);
    const pools = Array.isArray(arm.agentPoolProfiles) ? arm.agentPoolProfiles : [];
    const nodePools: NodePoolInfo[] = [];
    pools.forEach((p, i) => {
      const pool = asObj(p);
      const name = asString(pool?.name);
      if (!pool || !name) {
        this.problems.push({
          severity: 'warning',
          code: 'invalid-object',
          message: `${where}: agentPoolProfiles[${i}] has no name; skipped`,
          object: where,
          field: `agentPoolProfiles[${i}].name`,
        });
        return;
      }
      const info: Record<string, unknown> = { name };
      for (const f of NODE_POOL_FIELDS) if (pool[f] !== undefined && pool[f] !== null) info[f] = pool[f];
      nodePools.push(info as NodePoolInfo);
    });
    if (nodePools.length) this.nodePools = nodePools;
    const version = asString(arm.currentKubernetesVersion) ?? asString(arm.kubernetesVersion);
    if (version) this.kubernetesVersion = version;
    this.meta.aks = Object.fromEntries(
      (['id', 'name', 'location', 'resourceGroup', 'fqdn', 'provisioningState'] as const)
        .map((k) => [k, asString(obj[k]) ?? asString(arm[k])] as const)
        .filter(([, v]) => v !== undefined),
    );
  }

  private addClusterState(obj: Obj, where: string): void {
    const top = clusterStateFileSchema.safeParse(obj);
    if (!top.success) {
      this.problems.push({
        severity: 'error',
        code: 'invalid-object',
        message: `ClusterState in ${where} is malformed: ${formatZodIssues('', top.error)}`,
        object: where,
      });
      return;
    }
    this.count('ClusterState');
    const s = top.data;
    const bad = (field: string, message: string) =>
      this.problems.push({ severity: 'error', code: 'invalid-object', message: `ClusterState in ${where}: ${message}; entry skipped`, object: where, field });

    s.namespaces.forEach((raw, i) => {
      const r = namespaceEntrySchema.safeParse(raw);
      if (!r.success) return bad(`namespaces[${i}]`, formatZodIssues(`namespaces[${i}]`, r.error));
      const labels = { ...r.data.labels };
      labels[NAMESPACE_NAME_LABEL] ??= r.data.name;
      this.count('Namespace');
      this.namespaces.set(r.data.name, { name: r.data.name, labels });
    });
    s.pods.forEach((raw, i) => {
      const r = podEntrySchema.safeParse(raw);
      if (!r.success) return bad(`pods[${i}]`, formatZodIssues(`pods[${i}]`, r.error));
      this.count('Pod');
      this.pods.set(`${r.data.namespace}/${r.data.name}`, r.data as PodInfo);
    });
    s.networkPolicies.forEach((raw, i) => this.addNetworkPolicy(raw as Obj, `${where} (networkPolicies[${i}])`));
    (s.crdPolicies ?? []).forEach((raw, i) => {
      if (!isCrdPolicy(raw)) return bad(`crdPolicies[${i}]`, `crdPolicies[${i}] is not a Cilium or Calico policy object`);
      this.addCrdPolicy(raw, `${where} (crdPolicies[${i}])`);
    });
    (s.services ?? []).forEach((raw, i) => {
      const r = serviceEntrySchema.safeParse(raw);
      if (!r.success) return bad(`services[${i}]`, formatZodIssues(`services[${i}]`, r.error));
      this.services.set(`${r.data.namespace}/${r.data.name}`, r.data);
    });
    (s.nodes ?? []).forEach((raw, i) => {
      const r = nodeEntrySchema.safeParse(raw);
      if (!r.success) return bad(`nodes[${i}]`, formatZodIssues(`nodes[${i}]`, r.error));
      this.nodes.set(r.data.name, r.data);
    });
    if (s.nodePools) {
      const pools: NodePoolInfo[] = [];
      s.nodePools.forEach((raw, i) => {
        const r = nodePoolEntrySchema.safeParse(raw);
        if (!r.success) return bad(`nodePools[${i}]`, formatZodIssues(`nodePools[${i}]`, r.error));
        pools.push(r.data as NodePoolInfo);
      });
      this.nodePools = pools;
    }
    if (s.networkProfile !== undefined) {
      const r = networkProfileSchema.safeParse(s.networkProfile);
      if (!r.success) bad('networkProfile', formatZodIssues('networkProfile', r.error));
      else if (r.data) this.setNetworkProfile(s.networkProfile as NetworkProfile, where);
    }
    if (s.kubernetesVersion) this.kubernetesVersion = s.kubernetesVersion;
  }

  build(): CollectResult {
    for (const { file, label, kind, apiVersion, count } of this.skipped.values()) {
      this.problems.push({
        severity: 'warning',
        code: 'unknown-kind',
        message: `${file}: ${count} ${label} object${count === 1 ? '' : 's'} skipped (not used for segmentation posture)`,
        object: file,
        ...(kind ? { subject: { kind, ...(apiVersion ? { apiVersion } : {}), count } } : {}),
      });
    }
    const realPods = this.pods.values();
    const pods = [...realPods, ...this.synthesizePods(realPods)];
    const policies = this.policies.values();
    const crds = this.crds.values();
    const services = this.services.values();
    const namespaces = this.namespaces.values();
    this.addUndeclaredNamespaces(namespaces, [
      ...pods.map((p) => p.namespace),
      ...policies.map((p) => p.policy.metadata.namespace as string),
      ...services.map((s) => s.namespace),
      ...crds.map((c) => asString(c.policy.metadata.namespace)).filter((n): n is string => !!n),
    ]);
    if (!this.networkProfile) {
      this.problems.push({
        severity: 'warning',
        code: 'no-network-profile',
        message: 'No az aks show output or networkProfile among the files: which engine enforces the policies is unknown',
      });
    }
    const state: ClusterState = {
      namespaces,
      pods,
      networkPolicies: policies.map((p) => p.policy),
      workloads: deriveWorkloads(pods),
      services,
      nodes: this.nodes.values(),
      crdPolicies: crds.map((c) => c.policy),
      networkProfile: this.networkProfile?.profile ?? null,
      ...(this.nodePools ? { nodePools: this.nodePools } : {}),
      ...(this.kubernetesVersion ? { kubernetesVersion: this.kubernetesVersion } : {}),
    };
    this.meta.counts = { ...this.counts };
    return {
      state,
      problems: this.problems,
      policyTexts: [...policies.map((p) => p.text), ...crds.map((c) => c.text)],
      meta: this.meta,
    };
  }

  private addUndeclaredNamespaces(namespaces: NamespaceInfo[], used: string[]): void {
    const declared = new Set(namespaces.map((n) => n.name));
    for (const name of [...new Set(used)].sort()) {
      if (declared.has(name)) continue;
      declared.add(name);
      namespaces.push(normalizeNamespace({ metadata: { name } }));
      this.problems.push({
        severity: 'warning',
        code: 'undeclared-namespace',
        message: `Namespace ${name} is used by objects in the files but not declared; assumed with only its ${NAMESPACE_NAME_LABEL} label`,
        object: name,
      });
    }
  }

  /**
   * Pods for workloads whose pods are not in the input. A ReplicaSet owned by a Deployment in
   * the input, or a Job owned by a CronJob in the input, is left to its parent so the same pods
   * are not made twice.
   */
  private synthesizePods(realPods: PodInfo[]): PodInfo[] {
    const covered = new Set(realPods.filter((p) => p.workload).map((p) => workloadKey(p.namespace, p.workload as WorkloadRef)));
    const present = new Set(this.workloads.values().map((w) => `${w.namespace}/${w.kind}/${w.name}`));
    const out: PodInfo[] = [];
    for (const w of this.workloads.values()) {
      const owner = controllerOf(w.obj);
      if (owner && (w.kind === 'ReplicaSet' || w.kind === 'Job') && present.has(`${w.namespace}/${owner.kind}/${owner.name}`)) continue;
      // Attribute the pods the way normalizePod attributes real ones: a ReplicaSet's pods to
      // its Deployment, a Job's to its CronJob.
      const ref: WorkloadRef =
        w.kind === 'ReplicaSet' && owner?.kind === 'Deployment'
          ? { kind: 'Deployment', name: owner.name }
          : w.kind === 'Job' && owner?.kind === 'CronJob'
            ? { kind: 'CronJob', name: owner.name }
            : { kind: w.kind, name: w.name };
      if (covered.has(workloadKey(w.namespace, ref)) || covered.has(workloadKey(w.namespace, { kind: w.kind, name: w.name }))) continue;
      const spec = asObj(w.obj.spec) ?? {};
      const template = w.kind === 'CronJob' ? asObj(asObj(asObj(spec.jobTemplate)?.spec)?.template) : asObj(spec.template);
      if (!template) {
        this.problems.push({
          severity: 'warning',
          code: 'invalid-object',
          message: `${w.kind} ${w.namespace}/${w.name} (${w.where}) has no pod template; no pods assumed for it`,
          object: `${w.namespace}/${w.name}`,
          field: w.kind === 'CronJob' ? 'spec.jobTemplate.spec.template' : 'spec.template',
        });
        continue;
      }
      const count = this.podCount(w, spec);
      const tplMeta = asObj(template.metadata) ?? {};
      for (let i = 0; i < count; i++) {
        const pod = normalizePod({
          metadata: { name: `${w.name}-${i}`, namespace: w.namespace, labels: tplMeta.labels },
          spec: template.spec,
        });
        pod.workload = ref;
        pod.synthetic = true;
        out.push(pod);
      }
    }
    return out;
  }

  private podCount(w: WorkloadObject, spec: Obj): number {
    let wanted: unknown;
    if (w.kind === 'DaemonSet') wanted = 1;
    else if (w.kind === 'Job') wanted = spec.parallelism;
    else if (w.kind === 'CronJob') wanted = asObj(asObj(spec.jobTemplate)?.spec)?.parallelism;
    else wanted = spec.replicas;
    const n = typeof wanted === 'number' && Number.isInteger(wanted) && wanted >= 0 ? wanted : 1;
    if (n > MAX_SYNTHETIC_PODS_PER_WORKLOAD) {
      this.problems.push({
        severity: 'warning',
        code: 'replicas-capped',
        message: `${w.kind} ${w.namespace}/${w.name} asks for ${n} pods; ${MAX_SYNTHETIC_PODS_PER_WORKLOAD} assumed`,
        object: `${w.namespace}/${w.name}`,
        field: 'spec.replicas',
      });
      return MAX_SYNTHETIC_PODS_PER_WORKLOAD;
    }
    return n;
  }
}

/** The controlling owner; hand-written manifests often omit `controller: true`, so a sole owner counts. */
function controllerOf(obj: Obj): { kind: string; name: string } | undefined {
  const refs = asObj(obj.metadata)?.ownerReferences;
  const owners = (Array.isArray(refs) ? refs : []).map(asObj).filter((o): o is Obj => !!o);
  const owner = owners.find((o) => o.controller === true) ?? (owners.length === 1 ? owners[0] : undefined);
  const kind = asString(owner?.kind);
  const name = asString(owner?.name);
  return kind && name ? { kind, name } : undefined;
}

function workloadKey(namespace: string, ref: WorkloadRef): string {
  return `${namespace}/${ref.kind}/${ref.name}`;
}

/** Collects from files already in memory (uploads). No I/O; the file version reads and calls this. */
export function collectFromManifestText(files: ManifestFile[]): CollectResult {
  const acc = new ManifestAccumulator();
  for (const f of files) acc.addFile(f);
  return acc.build();
}

/**
 * Collects from files and directories. Directories are walked recursively for .yaml, .yml and
 * .json files (dot-entries skipped), sorted so the same folder always yields the same state;
 * a file named explicitly is read whatever its extension.
 */
export async function collectFromManifests(paths: string | string[], opts: CollectOptions = {}): Promise<CollectResult> {
  const problems: Problem[] = [];
  const files: string[] = [];
  for (const p of Array.isArray(paths) ? paths : [paths]) {
    try {
      const st = await fs.stat(p);
      if (st.isDirectory()) files.push(...(await walk(p)));
      else files.push(p);
    } catch (err) {
      problems.push({ severity: 'error', code: 'not-found', message: `Cannot read ${p}: ${errorText(err)}`, object: p });
    }
  }
  const unique = [...new Set(files)];
  const loaded: ManifestFile[] = [];
  const counts: Record<string, number> = { files: 0 };
  for (const file of unique) {
    if (opts.signal?.aborted) {
      return { state: null, problems: [...problems, { severity: 'error', code: 'aborted', message: 'Reading manifests was cancelled' }] };
    }
    try {
      loaded.push({ name: file, text: await fs.readFile(file, 'utf8') });
      counts.files++;
      opts.onProgress?.({ phase: 'manifests', counts: { ...counts } });
    } catch (err) {
      problems.push({ severity: 'error', code: 'read-error', message: `Cannot read ${file}: ${errorText(err)}`, object: file });
    }
  }
  if (!loaded.length) {
    problems.push({
      severity: 'error',
      code: 'no-manifests',
      message: `No manifest files (${MANIFEST_EXTENSIONS.join(', ')}) could be read from ${[paths].flat().join(', ')}`,
    });
    return { state: null, problems };
  }
  const result = collectFromManifestText(loaded);
  return { ...result, problems: [...problems, ...result.problems] };
}

async function walk(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full)));
    else if (MANIFEST_EXTENSIONS.includes(path.extname(e.name).toLowerCase())) out.push(full);
  }
  return out;
}

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code === 'ENOENT' ? 'no such file or directory' : (e?.message ?? String(err));
}
