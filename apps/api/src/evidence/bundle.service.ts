// Owns the evidence bundle of a cluster at a date or over a range: a zip an auditor can verify
// without our database (manifest.json with every file's SHA-256, signed with Ed25519), and the
// posture CSV and printable HTML report it holds, also served on their own.
import { Injectable } from '@nestjs/common';
import { strToU8, zipSync } from 'fflate';
import { AuditService } from '../auth/audit.service';
import { ClustersService } from '../clusters/clusters.service';
import { currentRequestContext } from '../common/request-context';
import { parseInstant } from '../common/instant';
import { KordonErrorCode, KordonException } from '../common/kordon.exception';
import { ExceptionsService } from '../exceptions/exceptions.service';
import { TimeInStateService } from '../history/time-in-state.service';
import { PrismaService } from '../prisma/prisma.service';
import { digestDocument } from '../snapshots/snapshot-digest';
import { SnapshotsRepository } from '../snapshots/snapshots.repository';
import { BUNDLE_FORMAT, bundleFiles, fileEntry, postureCsv, reportHtml, type BundleData, type ChainLink, type ExceptionView } from './bundle-files';
import { ChainRepository } from './chain.repository';
import { EvidenceErrorCode, EvidenceException } from './evidence.exception';
import { EvidenceService, MAX_RANGE_DAYS } from './evidence.service';
import { EvidenceSigningKey } from './signing-key';

const DAY_MS = 86_400_000;
/** Time in state of an `at` bundle covers the 90 days before it. */
const AT_LOOKBACK_DAYS = 90;

export interface BundleQuery {
  at?: string;
  from?: string;
  to?: string;
}

export function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_');
}

@Injectable()
export class BundleService {
  constructor(
    private readonly evidence: EvidenceService,
    private readonly snapshots: SnapshotsRepository,
    private readonly clusters: ClustersService,
    private readonly chain: ChainRepository,
    private readonly exceptions: ExceptionsService,
    private readonly timeInState: TimeInStateService,
    private readonly prisma: PrismaService,
    private readonly key: EvidenceSigningKey,
    private readonly audit: AuditService,
  ) {}

  /** The zip and its file name; the generation is audited. */
  async bundle(clusterId: string, q: BundleQuery, now = new Date()): Promise<{ fileName: string; zip: Uint8Array; manifest: Record<string, unknown> }> {
    const data = await this.data(clusterId, q, now);
    const files = bundleFiles(data, this.key.keyId);
    const entries = [...files].map(([path, text]) => fileEntry(path, text));
    const manifest = {
      format: BUNDLE_FORMAT,
      cluster: { id: data.doc.cluster.id, name: data.doc.cluster.name },
      scope: data.scope,
      snapshot: { id: data.doc.snapshot.id, startedAt: data.doc.snapshot.startedAt, digest: data.digest },
      generatedAt: data.generatedAt,
      generatedBy: data.generatedBy,
      signature: { algorithm: 'Ed25519', file: 'manifest.sig', keyId: this.key.keyId, publicKeyPem: this.key.publicKeyPem, covers: 'the bytes of manifest.json' },
      hashAlgorithm: 'sha256',
      files: entries,
    };
    const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
    const manifestBytes = strToU8(manifestText);
    const zipInput: Record<string, Uint8Array> = { 'manifest.json': manifestBytes, 'manifest.sig': strToU8(`${this.key.sign(manifestBytes)}\n`) };
    for (const [path, text] of files) zipInput[path] = strToU8(text);
    const zip = zipSync(zipInput, { level: 6, mtime: new Date(data.generatedAt) });
    await this.audit.recordAlone('evidence.bundle', clusterId, { snapshotId: data.doc.snapshot.id, scope: data.scope, files: entries.length + 2 });
    const when = ('at' in data.scope ? data.scope.at : `${data.scope.from}_${data.scope.to}`).replace(/\.\d+Z/g, 'Z').replace(/[-:]/g, '');
    return { fileName: `kordon-evidence-${safeName(data.doc.cluster.name)}-${safeName(when)}.zip`, zip, manifest };
  }

  async csv(clusterId: string, q: BundleQuery, now = new Date()): Promise<{ fileName: string; text: string }> {
    const d = await this.data(clusterId, q, now, { light: true });
    return { fileName: `kordon-posture-${safeName(d.doc.cluster.name)}-${d.doc.snapshot.startedAt.slice(0, 10)}.csv`, text: postureCsv(d.doc.cluster.name, d.doc.snapshot.id, d.doc.snapshot.startedAt, d.postures, d.exceptions) };
  }

  async report(clusterId: string, q: BundleQuery, now = new Date()): Promise<string> {
    return reportHtml(await this.data(clusterId, q, now));
  }

  private scope(q: BundleQuery, now: Date): { scope: BundleData['scope']; asOf: Date; rangeFrom: Date; rangeTo: Date } {
    if (q.at !== undefined && (q.from !== undefined || q.to !== undefined)) throw new EvidenceException(EvidenceErrorCode.InvalidRange, 'give at, or from and to, not both');
    if (q.from !== undefined || q.to !== undefined) {
      const to = parseInstant(q.to, 'to') ?? now;
      const from = parseInstant(q.from, 'from') ?? new Date(to.getTime() - 31 * DAY_MS);
      if (from > to) throw new EvidenceException(EvidenceErrorCode.InvalidRange, 'from must not be after to');
      if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) throw new EvidenceException(EvidenceErrorCode.InvalidRange, `the range may span at most ${MAX_RANGE_DAYS} days; split it`);
      return { scope: { from: from.toISOString(), to: to.toISOString() }, asOf: to, rangeFrom: from, rangeTo: to };
    }
    const at = parseInstant(q.at, 'at') ?? now;
    return { scope: { at: at.toISOString() }, asOf: at, rangeFrom: new Date(at.getTime() - AT_LOOKBACK_DAYS * DAY_MS), rangeTo: at };
  }

  private async data(clusterId: string, q: BundleQuery, now: Date, opts: { light?: boolean } = {}): Promise<BundleData> {
    await this.clusters.require(clusterId);
    const { scope, asOf, rangeFrom, rangeTo } = this.scope(q, now);
    const snap = await this.snapshots.inForceAt(clusterId, asOf);
    if (!snap) throw new KordonException(KordonErrorCode.SnapshotNotFound, `cluster ${clusterId} has no succeeded snapshot taken at or before ${asOf.toISOString()}`);
    const [doc, postures, inForce] = await Promise.all([
      this.evidence.forSnapshot(snap.id, now),
      this.snapshots.namespacePostures(snap.id),
      this.exceptions.inForce(clusterId, asOf),
    ]);
    const exRows = inForce.length ? await this.prisma.postureException.findMany({ where: { id: { in: inForce.map((e) => e.id) } }, orderBy: [{ namespace: 'asc' }, { id: 'asc' }] }) : [];
    const exceptions: ExceptionView[] = exRows.map((e) => ({
      id: e.id, namespace: e.namespace, workload: e.workload, ruleId: e.ruleId, direction: e.direction, justification: e.justification, owner: e.owner,
      requestedBy: e.requestedBy, decidedBy: e.decidedBy, decidedAt: e.decidedAt?.toISOString() ?? null, expiresAt: e.expiresAt.toISOString(),
    }));
    const base = {
      generatedAt: now.toISOString(),
      generatedBy: currentRequestContext()?.actor?.name ?? 'unknown',
      scope,
      doc,
      digest: snap.digest,
      postures,
      exceptions,
    };
    if (opts.light) return { ...base, digestDocument: {}, content: {}, timeInState: null, chain: [], verification: { ok: true, scheme: '', method: '', from: null, to: '', verifiedAt: '', clusters: [] } };

    const [workloads, namespaces, findings, timeInState, verification, links, pruned] = await Promise.all([
      snap.workloadSetHash ? this.snapshots.workloadsOfSet(snap.workloadSetHash) : [],
      snap.namespaceSetHash ? this.snapshots.namespacesOfSet(snap.namespaceSetHash) : [],
      snap.findingSetHash ? this.snapshots.findingsOfSet(snap.findingSetHash) : [],
      this.timeInState.cluster(clusterId, { from: rangeFrom.toISOString(), to: rangeTo.toISOString(), intervals: true }).catch(() => null),
      this.evidence.verifyChain({ clusterId, from: rangeFrom.toISOString(), to: rangeTo.toISOString() }, now),
      this.snapshots.listSucceededBetweenSorted(clusterId, rangeFrom, rangeTo, 100_000, 'asc'),
      this.chain.pruned(clusterId, rangeFrom, rangeTo),
    ]);
    const labelHashes = [
      ...namespaces.map((n) => n.labelSetHash),
      ...workloads.flatMap((w) => [w.labelSetHash, ...((Array.isArray(w.pods) ? w.pods : []) as { labelSetHash: string }[]).map((p) => p.labelSetHash)]),
    ];
    const labelSets = await this.snapshots.labelSets(labelHashes);
    const chain: ChainLink[] = [
      ...links.map((s) => ({ id: s.id, startedAt: s.startedAt.toISOString(), digest: s.digest, prevDigest: s.prevDigest, pruned: false })),
      ...pruned.map((p) => ({ id: p.id, startedAt: p.startedAt.toISOString(), digest: p.digest, prevDigest: p.prevDigest, pruned: true })),
    ].sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.id < b.id ? -1 : 1));
    return {
      ...base,
      digestDocument: digestDocument({
        clusterId: snap.clusterId, id: snap.id, startedAt: snap.startedAt, finishedAt: snap.finishedAt ?? snap.startedAt,
        kubernetesVersion: snap.kubernetesVersion, networkProfile: snap.networkProfile, policyEngine: snap.policyEngine, nodePools: snap.nodePools,
        services: snap.services, counts: snap.counts, problems: snap.problems, posture: snap.posture,
        policySetHash: snap.policySetHash, workloadSetHash: snap.workloadSetHash, namespaceSetHash: snap.namespaceSetHash, findingSetHash: snap.findingSetHash,
        namespacePostures: postures, prevDigest: snap.prevDigest, scheduleMinutes: snap.scheduleMinutes,
      }),
      content: {
        policies: doc.policies.map((p) => ({ hash: p.sha256, body: p.body })),
        workloads: workloads.map((w) => ({ hash: w.hash, namespace: w.namespace, kind: w.kind, name: w.name, labelSetHash: w.labelSetHash, podCount: w.podCount, ports: w.ports, pods: w.pods })),
        namespaces: namespaces.map((n) => ({ name: n.name, labelSetHash: n.labelSetHash, podCount: n.podCount, workloadCount: n.workloadCount })),
        labelSets: labelSets.map((l) => ({ hash: l.hash, labels: l.labels })),
        findings: findings.map((f) => ({
          hash: f.hash, ruleId: f.ruleId, severity: f.severity, title: f.title, message: f.message, namespace: f.namespace,
          objectKind: f.objectKind, objectNamespace: f.objectNamespace, objectName: f.objectName, remediationYaml: f.remediationYaml,
        })),
      },
      timeInState,
      chain,
      verification,
    };
  }
}
