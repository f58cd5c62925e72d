// Turns a collected ClusterState into content-addressed rows: label sets, policy objects,
// workloads (pods grouped under them) and the sets a snapshot points at. Pure: no database.
// A hash is the SHA-256 of a canonical JSON text (object keys sorted), so the same content
// always lands on the same row, whichever snapshot or replica wrote it first.
import { createHash } from 'node:crypto';
import type { ClusterState, CrdPolicy, Finding, Labels, NetworkPolicy, PodInfo, WorkloadInfo } from '@kordon/policy-engine';

/** A value's canonical JSON computed before: canonicalJson emits it as it is. */
export class CanonicalText {
  constructor(readonly text: string) {}
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof CanonicalText) return value.text;
  // Hot path (every label set, workload, finding, posture row and digest): plain loops and string
  // concatenation; the output is byte-for-byte that of the map/filter/sort/join form it replaced.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  // Object.keys order sorted by UTF-16 code units: the same order as the `<` comparison.
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(k) + ':' + canonicalJson(v);
    first = false;
  }
  return out + '}';
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface LabelSetRow { hash: string; labels: Labels }
export interface PolicyRow { hash: string; apiVersion: string; kind: string; namespace: string | null; name: string; body: string }
export interface WorkloadRow {
  hash: string; namespace: string; kind: string; name: string; labelSetHash: string; podCount: number;
  ports: unknown; pods: unknown;
}
export interface NamespaceMemberRow { name: string; labelSetHash: string; podCount: number; workloadCount: number }

export interface FindingRow {
  hash: string; ruleId: string; severity: string; title: string; message: string; namespace: string | null;
  objectKind: string | null; objectNamespace: string | null; objectName: string | null; remediationYaml: string | null;
}

export interface SnapshotContent {
  labelSets: LabelSetRow[];
  policies: PolicyRow[];
  workloads: WorkloadRow[];
  namespaces: NamespaceMemberRow[];
  policySetHash: string;
  workloadSetHash: string;
  namespaceSetHash: string;
  findings: FindingRow[];
  findingSetHash: string;
  /** Findings by severity, stored on the set for fleet lists. */
  findingCounts: Record<string, number>;
}

function workloadKey(ns: string, kind: string, name: string): string {
  return `${ns}\u0000${kind}\u0000${name}`;
}

function podWorkload(p: PodInfo): { kind: string; name: string } {
  return p.workload ?? { kind: 'Pod', name: p.name };
}

/** Builds every row a snapshot needs. `policyTexts` are the served JSON texts, kept byte-for-byte. */
export function buildSnapshotContent(state: ClusterState, workloads: WorkloadInfo[], policyTexts?: string[], findings: Finding[] = []): SnapshotContent {
  const labelSets = new Map<string, LabelSetRow>();
  const labelHash = (labels: Labels): string => {
    const text = canonicalJson(labels ?? {});
    const hash = sha256(text);
    if (!labelSets.has(hash)) labelSets.set(hash, { hash, labels: labels ?? {} });
    return hash;
  };

  const policyObjects: (NetworkPolicy | CrdPolicy)[] = [...state.networkPolicies, ...(state.crdPolicies ?? [])];
  const policies = new Map<string, PolicyRow>();
  policyObjects.forEach((obj, i) => {
    const body = policyTexts?.[i] ?? JSON.stringify(obj);
    const hash = sha256(body);
    policies.set(hash, {
      hash,
      apiVersion: String(obj.apiVersion ?? 'networking.k8s.io/v1'),
      kind: String(obj.kind ?? 'NetworkPolicy'),
      namespace: (obj.metadata?.namespace as string | undefined) ?? null,
      name: String(obj.metadata?.name ?? ''),
      body,
    });
  });

  const podsByWorkload = new Map<string, PodInfo[]>();
  for (const p of state.pods) {
    const w = podWorkload(p);
    const key = workloadKey(p.namespace, w.kind, w.name);
    const list = podsByWorkload.get(key);
    if (list) list.push(p);
    else podsByWorkload.set(key, [p]);
  }

  const workloadRows = new Map<string, WorkloadRow>();
  const perNamespace = new Map<string, { pods: number; workloads: number }>();
  for (const w of workloads) {
    const pods = (podsByWorkload.get(workloadKey(w.namespace, w.kind, w.name)) ?? [])
      .map((p) => ({
        name: p.name,
        labelSetHash: labelHash(p.labels),
        nodeName: p.nodeName ?? null,
        phase: p.phase ?? null,
        ips: p.ips ?? [],
        hostNetwork: p.hostNetwork ?? false,
        synthetic: p.synthetic ?? false,
        ports: p.ports ?? [],
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const labelSetHash = labelHash(w.labels);
    const row = { namespace: w.namespace, kind: w.kind, name: w.name, labelSetHash, podCount: w.podCount, ports: w.ports ?? [], pods };
    const hash = sha256(canonicalJson(row));
    workloadRows.set(hash, { hash, ...row });
    const c = perNamespace.get(w.namespace) ?? { pods: 0, workloads: 0 };
    c.pods += w.podCount;
    c.workloads += 1;
    perNamespace.set(w.namespace, c);
  }

  const namespaces = state.namespaces
    .map((n) => ({
      name: n.name,
      labelSetHash: labelHash(n.labels),
      podCount: perNamespace.get(n.name)?.pods ?? 0,
      workloadCount: perNamespace.get(n.name)?.workloads ?? 0,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const setHash = (hashes: string[]) => sha256([...hashes].sort().join('\n'));
  const findingRows = new Map<string, FindingRow>();
  const findingCounts: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) {
    const row = {
      ruleId: f.ruleId, severity: f.severity, title: f.title, message: f.message, namespace: f.namespace ?? null,
      objectKind: f.object?.kind ?? null, objectNamespace: f.object?.namespace ?? null, objectName: f.object?.name ?? null,
      remediationYaml: f.remediationYaml ?? null,
    };
    const hash = sha256(canonicalJson(row));
    if (!findingRows.has(hash)) findingCounts[f.severity] = (findingCounts[f.severity] ?? 0) + 1;
    findingRows.set(hash, { hash, ...row });
  }
  return {
    labelSets: [...labelSets.values()],
    policies: [...policies.values()],
    workloads: [...workloadRows.values()],
    namespaces,
    policySetHash: setHash([...policies.keys()]),
    workloadSetHash: setHash([...workloadRows.keys()]),
    namespaceSetHash: sha256(canonicalJson(namespaces)),
    findings: [...findingRows.values()],
    findingSetHash: setHash([...findingRows.keys()]),
    findingCounts,
  };
}
