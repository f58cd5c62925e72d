// Owns evidence exports: one snapshot as an auditor needs it, and the snapshots of a date range
// with their manifest digests. Content sets repeat across unchanged snapshots, so one request
// loads each set once.
import { BadRequestException, Injectable } from '@nestjs/common';
import type { ChainVerification, ClusterChainVerification, EvidenceDocument, EvidenceList, EvidenceSort } from '@kordon/contracts';
import { ClustersService } from '../clusters/clusters.service';
import { decodeSortCursor, encodeSortCursor } from '../common/cursor';
import { KordonErrorCode, KordonException } from '../common/kordon.exception';
import { SnapshotsRepository } from '../snapshots/snapshots.repository';
import { buildEvidence, type EvidenceParts, type StoredNamespaceRow, type StoredPolicyRow, type StoredWorkloadRow, type StoredFindingRow } from './evidence-document';
import { EvidenceErrorCode, EvidenceException } from './evidence.exception';
import { parseInstant, requireInstant } from '../common/instant';
import { DEFAULT_EVIDENCE_SORT, EVIDENCE_SORTS } from './dto/evidence.dto';
import { DIGEST_SCHEME, snapshotDigest, verifyChain, type ChainEntry } from '../snapshots/snapshot-digest';
import { ChainRepository } from './chain.repository';
import { UUID } from '../common/uuid';

export const DIGEST_METHOD =
  'digest = SHA-256 (hex) of the RFC 8785 (JCS) serialization of { scheme: "kordon-snapshot-v1", clusterId, id, startedAt, finishedAt ' +
  '(ISO 8601 UTC, milliseconds), kubernetesVersion, networkProfile, policyEngine, nodePools, services, counts, problems, posture, ' +
  'policySetHash, workloadSetHash, namespaceSetHash, findingSetHash, namespacePostures (one row per namespace, sorted by name: the flat ' +
  'figures and the detail), prevDigest }. prevDigest is the digest of the cluster\'s previous succeeded snapshot (by startedAt, then id), ' +
  'null for the first; a snapshot pruned by retention keeps its digest and prevDigest in pruned_snapshot. Each set hash is SHA-256 ' +
  'over its members\' hashes, each member\'s hash SHA-256 over its own text, so the digest covers the collected content.';
const PAGE = 200;

export const MAX_RANGE_DAYS = 366;
export const DEFAULT_RANGE_DAYS = 31;
const DAY_MS = 86_400_000;

type SnapshotRow = Awaited<ReturnType<SnapshotsRepository['listSucceededBetweenSorted']>>[number];
type ClusterRow = { id: string; name: string; source: string; environment: string | null; team: string | null };

const clusterRef = (c: ClusterRow): EvidenceDocument['cluster'] => ({ id: c.id, name: c.name, source: c.source, environment: c.environment, team: c.team });

/** Per-request memo of set reads, keyed by set hash. */
class SetLoader {
  private readonly memo = new Map<string, Promise<unknown>>();
  constructor(private readonly repo: SnapshotsRepository) {}
  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) this.memo.set(key, (p = load()));
    return p;
  }
  policies = (h: string | null) => (h ? this.once(`p:${h}`, () => this.repo.policiesOfSet(h)) : Promise.resolve([] as StoredPolicyRow[]));
  workloads = (h: string | null) => (h ? this.once(`w:${h}`, () => this.repo.workloadsOfSet(h)) : Promise.resolve([] as StoredWorkloadRow[]));
  namespaces = (h: string | null) => (h ? this.once(`n:${h}`, () => this.repo.namespacesOfSet(h)) : Promise.resolve([] as StoredNamespaceRow[]));
  findings = (h: string | null) => (h ? this.once(`f:${h}`, () => this.repo.findingsOfSet(h)) : Promise.resolve([] as StoredFindingRow[]));
  labels = (hashes: string[]) => this.repo.labelSets(hashes);
}

@Injectable()
export class EvidenceService {
  constructor(private readonly snapshots: SnapshotsRepository, private readonly clusters: ClustersService, private readonly chain: ChainRepository) {}

  /**
   * Recomputes every digest of the range from the stored rows (content addresses included) and
   * checks every link, per cluster; reports the first break. Pruned snapshots keep the chain.
   */
  async verifyChain(q: { clusterId?: string; from?: string; to?: string }, now = new Date()): Promise<ChainVerification> {
    if (q.clusterId) await this.clusters.require(q.clusterId);
    const to = parseInstant(q.to, 'to') ?? now;
    const from = parseInstant(q.from, 'from') ?? new Date(0);
    if (from.getTime() > to.getTime()) throw new EvidenceException(EvidenceErrorCode.InvalidRange, 'from must not be after to');
    const results: ClusterChainVerification[] = [];
    for (const c of await this.chain.clusters(q.clusterId)) results.push(await this.verifyCluster(c, from, to));
    return {
      ok: results.every((r) => r.ok),
      scheme: DIGEST_SCHEME,
      method: DIGEST_METHOD,
      from: q.from ? from.toISOString() : null,
      to: to.toISOString(),
      verifiedAt: now.toISOString(),
      clusters: results,
    };
  }

  private async verifyCluster(c: { id: string; name: string }, from: Date, to: Date): Promise<ClusterChainVerification> {
    const entries: ChainEntry[] = [];
    const sets = new SetLoader(this.snapshots);
    let after: { startedAt: Date; id: string } | undefined;
    for (;;) {
      const page = await this.snapshots.listSucceededBetweenSorted(c.id, from, to, PAGE, 'asc', after);
      for (const s of page) {
        const doc = await this.build(s, { id: c.id, name: c.name, source: '', environment: null, team: null }, sets, to);
        const postures = await this.snapshots.namespacePostures(s.id);
        const recomputed = s.digest === null ? null : snapshotDigest({
          clusterId: s.clusterId, id: s.id, startedAt: s.startedAt, finishedAt: s.finishedAt ?? s.startedAt,
          kubernetesVersion: s.kubernetesVersion, networkProfile: s.networkProfile, policyEngine: s.policyEngine, nodePools: s.nodePools,
          services: s.services, counts: s.counts, problems: s.problems, posture: s.posture,
          policySetHash: s.policySetHash, workloadSetHash: s.workloadSetHash, namespaceSetHash: s.namespaceSetHash, findingSetHash: s.findingSetHash,
          namespacePostures: postures, prevDigest: s.prevDigest, scheduleMinutes: s.scheduleMinutes,
        });
        const mismatches = doc.integrity.mismatches;
        entries.push({
          id: s.id, startedAt: s.startedAt.toISOString(), digest: s.digest, prevDigest: s.prevDigest, pruned: false, recomputed,
          ...(mismatches.length ? { contentProblem: `snapshot ${s.id}: ${mismatches.slice(0, 3).join('; ')}` } : {}),
        });
      }
      if (page.length < PAGE) break;
      const last = page[page.length - 1];
      after = { startedAt: last.startedAt, id: last.id };
    }
    const pruned = await this.chain.pruned(c.id, from, to);
    for (const p of pruned) entries.push({ id: p.id, startedAt: p.startedAt.toISOString(), digest: p.digest, prevDigest: p.prevDigest, pruned: true, recomputed: null });
    entries.sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const before = from.getTime() > 0 ? await this.chain.before(c.id, from) : null;
    const r = verifyChain(entries, before);
    return { clusterId: c.id, name: c.name, ok: r.ok, checked: r.checked, pruned: pruned.length, unchained: r.unchained, firstBreak: r.firstBreak };
  }

  async forSnapshot(id: string, now = new Date()): Promise<EvidenceDocument> {
    const snap = await this.snapshots.findWithCluster(id);
    if (!snap) throw new KordonException(KordonErrorCode.SnapshotNotFound, `snapshot ${id} not found`);
    if (snap.status !== 'succeeded') {
      throw new EvidenceException(EvidenceErrorCode.SnapshotNotSucceeded, `snapshot ${id} is ${snap.status}; evidence exists only for succeeded snapshots`);
    }
    return this.build(snap, clusterRef(snap.cluster), new SetLoader(this.snapshots), now);
  }

  async list(
    clusterId: string,
    q: { from?: string; to?: string; sort?: EvidenceSort; limit?: number; cursor?: string; include?: 'documents' },
    now = new Date(),
  ): Promise<EvidenceList> {
    const cluster = clusterRef(await this.clusters.require(clusterId));
    const to = parseInstant(q.to, 'to') ?? now;
    const from = parseInstant(q.from, 'from') ?? new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY_MS);
    if (from.getTime() > to.getTime()) throw new EvidenceException(EvidenceErrorCode.InvalidRange, 'from must not be after to');
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
      throw new EvidenceException(EvidenceErrorCode.InvalidRange, `the range may span at most ${MAX_RANGE_DAYS} days; split it`);
    }
    const withDocuments = q.include === 'documents';
    if (withDocuments && (q.limit ?? 20) > 20) throw new BadRequestException('with include=documents a page holds at most 20 snapshots (limit ≤ 20)');
    const limit = q.limit ?? 20;
    const sort = q.sort ?? DEFAULT_EVIDENCE_SORT;
    const c = decodeSortCursor(q.cursor, sort, EVIDENCE_SORTS, 2);
    if (c && !(typeof c[1] === 'string' && UUID.test(c[1]))) throw new BadRequestException('cursor is not valid; use nextCursor from a previous page');
    const after = c ? { startedAt: requireInstant(c[0], 'cursor'), id: c[1] as string } : undefined;
    const order = sort === '-startedAt' ? 'desc' : 'asc';
    const rows = await this.snapshots.listSucceededBetweenSorted(clusterId, from, to, limit + 1, order, after);
    const page = rows.slice(0, limit);
    const sets = new SetLoader(this.snapshots);
    const items = [];
    // One at a time: consecutive snapshots share sets, which the loader then reads once.
    for (const s of page) {
      const doc = await this.build(s, cluster, sets, now);
      items.push({
        snapshotId: s.id,
        trigger: s.trigger,
        startedAt: s.startedAt.toISOString(),
        finishedAt: s.finishedAt?.toISOString() ?? null,
        manifestDigest: doc.integrity.manifestDigest,
        contentAddressesVerified: doc.integrity.contentAddressesVerified,
        links: { evidence: `/api/snapshots/${s.id}/evidence` },
        ...(withDocuments ? { document: doc } : {}),
      });
    }
    const last = page[page.length - 1];
    return {
      clusterId,
      from: from.toISOString(),
      to: to.toISOString(),
      items,
      nextCursor: rows.length > limit ? encodeSortCursor(sort, [last.startedAt.toISOString(), last.id]) : null,
    };
  }

  private async build(snap: SnapshotRow, cluster: EvidenceDocument['cluster'], sets: SetLoader, now: Date): Promise<EvidenceDocument> {
    const [policies, workloads, namespaces, findings, postures] = await Promise.all([
      sets.policies(snap.policySetHash),
      sets.workloads(snap.workloadSetHash),
      sets.namespaces(snap.namespaceSetHash),
      sets.findings(snap.findingSetHash),
      this.snapshots.namespacePostures(snap.id),
    ]);
    const hashes = [
      ...namespaces.map((n) => n.labelSetHash),
      ...workloads.flatMap((w) => [w.labelSetHash, ...((Array.isArray(w.pods) ? w.pods : []) as { labelSetHash: string }[]).map((p) => p.labelSetHash)]),
    ];
    const labelRows = await sets.labels(hashes);
    const parts: EvidenceParts = {
      cluster,
      snapshot: snap,
      policies,
      namespaces,
      workloads,
      findings,
      postures,
      labels: new Map(labelRows.map((l) => [l.hash, l.labels as Record<string, string>])),
    };
    return buildEvidence(parts, now);
  }
}
