// The fleet's findings (each cluster's snapshot in force) with their remediation, and the
// catalog of rules they come from.
import { BadRequestException, Injectable } from '@nestjs/common';
import { FINDING_RULES } from '@kordon/policy-engine';
import type { FindingItem, FindingRuleView, FindingSort, FleetFindingItem, Page } from '@kordon/contracts';
import { ClustersService } from '../clusters/clusters.service';
import { matchFinding } from '../exceptions/exception-match';
import { ExceptionsService } from '../exceptions/exceptions.service';
import { decodeSortCursor, encodeSortCursor } from '../common/cursor';
import { parseInstant } from '../posture/query-input';
import { DEFAULT_FINDING_SORT, FINDING_SORTS, type ListFindingsQuery } from './dto/findings.dto';
import { FindingsRepository, fleetSortKeyShape, type FleetFindingRecord } from './findings.repository';
import { ruleView, toFindingItem } from './findings.presenter';

@Injectable()
export class FindingsService {
  constructor(private readonly findings: FindingsRepository, private readonly clusters: ClustersService, private readonly exceptions: ExceptionsService) {}

  rules(): FindingRuleView[] {
    return FINDING_RULES.map(ruleView);
  }

  async ofNamespace(findingSetHash: string | null, namespace: string): Promise<FindingItem[]> {
    if (!findingSetHash) return [];
    return (await this.findings.ofNamespace(findingSetHash, namespace)).map(toFindingItem);
  }

  async countByNamespace(findingSetHash: string | null): Promise<Map<string, number>> {
    return findingSetHash ? this.findings.countByNamespace(findingSetHash) : new Map();
  }

  async list(q: ListFindingsQuery): Promise<Page<FleetFindingItem>> {
    const at = parseInstant(q.at, 'at');
    const sort = q.sort ?? DEFAULT_FINDING_SORT;
    const after = afterKey(q.cursor, sort);
    const limit = q.limit ?? 100;
    const filter = { at, clusterId: q.cluster, namespace: q.namespace, severity: q.severity, ruleId: q.rule, sort };
    // The cluster check, the exceptions in force and the first page at once: one database wait.
    // An unknown cluster has no findings, so its page is empty and the check's 404 is the answer.
    const [, exceptions, first] = await Promise.all([
      q.cluster ? this.clusters.require(q.cluster) : undefined,
      this.exceptions.inForce(q.cluster ?? null, at),
      this.findings.fleet({ ...filter, after, take: limit + 1 }),
    ]);
    const when = at ?? new Date();
    const item = (r: FleetFindingRecord): FleetFindingItem => {
      const f = toFindingItem(r);
      return {
        ...f,
        cluster: { id: r.cluster_id, name: r.cluster_name },
        snapshot: { id: r.snapshot_id, takenAt: r.started_at.toISOString() },
        excepted: matchFinding(exceptions, { clusterId: r.cluster_id, ruleId: f.ruleId, namespace: f.namespace, object: f.object }, when),
      };
    };
    let rows = first;
    if (q.excepted === undefined) {
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { items: page.map(item), nextCursor: rows.length > limit ? encodeSortCursor(sort, last.sortKey) : null };
    }
    // Filtering on exceptions happens here (they are not in the findings' SQL): read batches
    // until the page is full, resuming after the last row read.
    const want = q.excepted === 'true';
    const items: FleetFindingItem[] = [];
    let resume: (string | number)[] | undefined;
    for (let batch = 0; ; batch++) {
      for (const r of rows) {
        if (items.length === limit) return { items, nextCursor: encodeSortCursor(sort, resume!) };
        const it = item(r);
        resume = r.sortKey;
        if ((it.excepted !== null) === want) items.push(it);
      }
      if (rows.length <= limit || batch === 20) break;
      rows = await this.findings.fleet({ ...filter, after: resume, take: limit + 1 });
    }
    return { items, nextCursor: rows.length > limit && resume ? encodeSortCursor(sort, resume) : null };
  }
}

/** The key a cursor resumes after, checked value by value against the sort's columns. */
function afterKey(cursor: string | undefined, sort: FindingSort): (string | number)[] | undefined {
  const shape = fleetSortKeyShape(sort);
  const key = decodeSortCursor(cursor, sort, FINDING_SORTS, shape.length);
  if (!key) return undefined;
  const fits = (v: unknown, s: number | 'text') =>
    s === 'text' ? typeof v === 'string' && v.length <= 512 && !v.includes('\u0000') : Number.isInteger(v) && (v as number) >= 0 && (v as number) <= s;
  if (!key.every((v, i) => fits(v, shape[i]))) throw new BadRequestException('cursor is not valid; use nextCursor from a previous page');
  return key as (string | number)[];
}
