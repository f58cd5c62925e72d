// Evidence for auditors over HTTP: one snapshot as a downloadable JSON document, and the
// snapshots of a date range with their manifest digests.
import { Controller, Get, Header, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { Roles } from '../auth/auth.guard';
import { EXPORT_EVIDENCE } from '../auth/roles';
import { IdParam } from '../clusters/dto/register-cluster.dto';
import type { ChainVerification } from '@kordon/contracts';
import { BundleQuery, EvidenceDocumentDto, EvidenceListDto, EvidenceRangeQuery, VerifyChainQuery } from './dto/evidence.dto';
import { EvidenceService } from './evidence.service';
import { BundleService } from './bundle.service';
import { EvidenceSigningKey } from './signing-key';
import { Public } from '../auth/auth.decorators';

/** `20250131T140500Z`: ISO 8601 basic format, safe in file names on every OS. */
export function evidenceFileName(cluster: string, startedAt: string): string {
  const iso = startedAt.replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
  return `kordon-evidence-${cluster.replace(/[^A-Za-z0-9._-]/g, '_')}-${iso}.json`;
}

@ApiTags('evidence')
@Controller()
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService, private readonly bundles: BundleService, private readonly key: EvidenceSigningKey) {}

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

  @Get('clusters/:id/evidence/bundle')
  @Roles(...EXPORT_EVIDENCE)
  @ApiOperation({
    summary: 'Evidence bundle (zip) of a cluster at a date (`at`, default now) or over a range (`from`, `to`): manifests, network profile, posture, findings, exceptions, time in state, digests and chain, report, signed manifest',
    description: 'manifest.json lists every file with its SHA-256; manifest.sig is the Ed25519 signature of manifest.json (public key: GET /api/evidence/public-key). `kordon verify <zip>` checks it offline. Generation is audited.',
  })
  @ApiProduces('application/zip')
  @ApiOkResponse({ description: 'The zip, as an attachment' })
  @ApiBadRequestResponse({ description: 'Malformed time, at together with from/to, from after to, or a range over 366 days' })
  @ApiNotFoundResponse({ description: 'Unknown cluster, or no succeeded snapshot at or before the time' })
  async bundle(@Param() p: IdParam, @Query() q: BundleQuery, @Res({ passthrough: true }) res: ServerResponse): Promise<StreamableFile> {
    const b = await this.bundles.bundle(p.id, q);
    res.setHeader('Content-Disposition', `attachment; filename="${b.fileName}"`);
    return new StreamableFile(Buffer.from(b.zip), { type: 'application/zip', length: b.zip.length });
  }

  @Get('clusters/:id/evidence/posture.csv')
  @Roles(...EXPORT_EVIDENCE)
  @ApiOperation({ summary: 'Per-namespace posture at a date (`at`, default now) as CSV: coverage and default-deny per direction, and whether an exception in force covers the gap' })
  @ApiProduces('text/csv')
  @ApiNotFoundResponse({ description: 'Unknown cluster, or no succeeded snapshot at or before the time' })
  async csv(@Param() p: IdParam, @Query() q: BundleQuery, @Res({ passthrough: true }) res: ServerResponse): Promise<string> {
    const c = await this.bundles.csv(p.id, q);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${c.fileName}"`);
    return c.text;
  }

  @Get('clusters/:id/evidence/report.html')
  @Roles(...EXPORT_EVIDENCE)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
  @ApiOperation({ summary: 'Printable HTML report at a date or over a range, its sections mapped to CIS Kubernetes 5.3.2, NIST 800-53 SC-7, PCI DSS v4 requirement 1 and ISO 27001 A.8.22' })
  @ApiProduces('text/html')
  @ApiNotFoundResponse({ description: 'Unknown cluster, or no succeeded snapshot at or before the time' })
  report(@Param() p: IdParam, @Query() q: BundleQuery): Promise<string> {
    return this.bundles.report(p.id, q);
  }

  @Get('evidence/public-key')
  @Public()
  @ApiOperation({ summary: 'The Ed25519 public key (PEM, SPKI) evidence bundles are signed with, and its key id' })
  @ApiOkResponse({ description: '{ algorithm, keyId, publicKeyPem, ephemeral }' })
  publicKey(): { algorithm: 'Ed25519'; keyId: string; publicKeyPem: string; ephemeral: boolean } {
    return { algorithm: 'Ed25519', keyId: this.key.keyId, publicKeyPem: this.key.publicKeyPem, ephemeral: this.key.ephemeral };
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
