// The fleet's findings (each cluster's snapshot in force) with their remediation, and the
// catalog of rules they come from.
import { BadRequestException, Injectable } from '@nestjs/common';
import { FINDING_RULES } from '@kordon/policy-engine';
import type { FindingItem, FindingRuleView, FleetFindingItem, Page } from '@kordon/contracts';
import { ClustersService } from '../clusters/clusters.service';
import { decodeCursor, encodeCursor } from '../common/cursor';
import { parseInstant } from '../posture/query-input';
import type { ListFindingsQuery } from './dto/findings.dto';
import { FindingsRepository } from './findings.repository';
import { ruleView, toFindingItem } from './findings.presenter';

@Injectable()
export class FindingsService {
  constructor(private readonly findings: FindingsRepository, private readonly clusters: ClustersService) {}

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
    if (q.cluster) await this.clusters.require(q.cluster);
    const limit = q.limit ?? 100;
    const c = decodeCursor(q.cursor, 4);
    const text = (v: unknown) => typeof v === 'string' && v.length <= 512 && !v.includes('\u0000');
    if (c && !(Number.isInteger(c[0]) && (c[0] as number) >= 0 && (c[0] as number) <= 4 && text(c[1]) && text(c[2]) && text(c[3]))) {
      throw new BadRequestException('cursor is not valid; use nextCursor from a previous page');
    }
    const rows = await this.findings.fleet({
      at,
      clusterId: q.cluster,
      namespace: q.namespace,
      severity: q.severity,
      ruleId: q.rule,
      after: c ? { rank: Number(c[0]), clusterName: String(c[1]), ruleId: String(c[2]), hash: String(c[3]) } : undefined,
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        ...toFindingItem(r),
        cluster: { id: r.cluster_id, name: r.cluster_name },
        snapshot: { id: r.snapshot_id, takenAt: r.started_at.toISOString() },
      })),
      nextCursor: rows.length > limit ? encodeCursor([last.rank, last.cluster_name, last.rule_id, last.hash]) : null,
    };
  }
}
