// Evidence for auditors over HTTP: one snapshot as a downloadable JSON document, and the
// snapshots of a date range with their manifest digests.
import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { Roles } from '../auth/auth.guard';
import { EXPORT_EVIDENCE } from '../auth/roles';
import { IdParam } from '../clusters/dto/register-cluster.dto';
import type { ChainVerification } from '@kordon/contracts';
import { EvidenceDocumentDto, EvidenceListDto, EvidenceRangeQuery, VerifyChainQuery } from './dto/evidence.dto';
import { EvidenceService } from './evidence.service';

/** `20250131T140500Z`: ISO 8601 basic format, safe in file names on every OS. */
export function evidenceFileName(cluster: string, startedAt: string): string {
  const iso = startedAt.replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
  return `kordon-evidence-${cluster.replace(/[^A-Za-z0-9._-]/g, '_')}-${iso}.json`;
}

@ApiTags('evidence')
@Controller()
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  @Get('snapshots/:id/evidence')
  @Roles(...EXPORT_EVIDENCE)
  @ApiOperation({
    summary: 'Evidence of one snapshot: policies byte for byte with SHA-256, labels, network profile, node pools, posture, findings',
    description: 'Sent as an attachment. `integrity` lists a SHA-256 per item and a manifest digest an auditor can recompute (see integrity.method).',
  })
  @ApiProduces('application/json')
  @ApiOkResponse({ type: EvidenceDocumentDto, headers: { 'Content-Disposition': { description: 'attachment; filename="kordon-evidence-<cluster>-<time>.json"', schema: { type: 'string' } } } })
  @ApiNotFoundResponse({ description: 'Unknown snapshot' })
  @ApiConflictResponse({ description: 'The snapshot is running or failed: it has no content' })
  async forSnapshot(@Param() p: IdParam, @Res({ passthrough: true }) res: ServerResponse): Promise<EvidenceDocumentDto> {
    const doc = await this.evidence.forSnapshot(p.id);
    res.setHeader('Content-Disposition', `attachment; filename="${evidenceFileName(doc.cluster.name, doc.snapshot.startedAt)}"`);
    return doc;
  }

  @Get('evidence/verify')
  @Roles(...EXPORT_EVIDENCE)
  @ApiOperation({
    summary: "Recompute every snapshot digest from the stored rows and check each cluster's chain; report the first break",
    description: 'Each digest is recomputed (content addresses of policies, workloads, label sets and findings included) and each link checked; snapshots pruned by retention keep the chain through their recorded digest. `ok` is false when any cluster breaks.',
  })
  @ApiOkResponse({ description: 'ChainVerification: per cluster, ok, checked, pruned, unchained, firstBreak' })
  @ApiBadRequestResponse({ description: 'Malformed clusterId or time, from after to' })
  @ApiNotFoundResponse({ description: 'Unknown cluster' })
  verify(@Query() q: VerifyChainQuery): Promise<ChainVerification> {
    return this.evidence.verifyChain(q);
  }

  @Get('clusters/:id/evidence')
  @Roles(...EXPORT_EVIDENCE)
  @ApiOperation({ summary: "A cluster's succeeded snapshots in a time range (at most 366 days; oldest first, `sort=-startedAt` newest first) with their manifest digests and links" })
  @ApiOkResponse({ type: EvidenceListDto })
  @ApiBadRequestResponse({ description: 'Invalid time or sort, range longer than 366 days, from after to, bad cursor or a cursor issued for another sort (details.code CURSOR_SORT_MISMATCH)' })
  @ApiNotFoundResponse({ description: 'Unknown cluster' })
  list(@Param() p: IdParam, @Query() q: EvidenceRangeQuery): Promise<EvidenceListDto> {
    return this.evidence.list(p.id, q);
  }
}
