// `POST /api/analyze`: what-if and CI checks over uploaded manifests, stored nowhere.
//
// Audited nonetheless (`analyze.run`, who and the size of what was analysed, never the
// manifests): it is a privileged act (security and admin only, rate-limited with the writes),
// callers upload their policy set and learn its gaps, and auditors asked to see who probed what.
// The audit entry is the request's only write, in a transaction of its own; the answer is
// returned only once it committed (no entry, no answer: 503).
import { Body, Controller, Headers, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBody, ApiConsumes, ApiExtraModels, ApiOkResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiTags,
  ApiUnprocessableEntityResponse, ApiUnsupportedMediaTypeResponse, getSchemaPath,
} from '@nestjs/swagger';
import { AuditService } from '../auth/audit.service';
import { Roles } from '../auth/auth.guard';
import { OPERATE } from '../auth/roles';
import { AnalyzeFilesRequestDto, AnalyzeQuery, AnalyzeResponseDto } from './dto/analyze.dto';
import { AnalyzeService } from './analyze.service';
import { mediaTypeOf, YAML_MEDIA_TYPES } from './yaml-body.middleware';

@ApiTags('analyze')
@ApiExtraModels(AnalyzeFilesRequestDto)
@Controller('analyze')
export class AnalyzeController {
  constructor(private readonly analyzer: AnalyzeService, private readonly audit: AuditService) {}

  @Post()
  @HttpCode(200)
  @Roles(...OPERATE)
  @ApiOperation({
    summary: 'Posture, findings and (optionally) connections of uploaded manifests; nothing is stored',
    description:
      'Send YAML (`application/yaml`, `text/yaml`, `application/x-yaml`: multi-document or a kubectl List) or JSON ' +
      '(`application/json`: a kubectl object or List, a ClusterState, or `{ files: [{ name, text }] }`), at most 1 MB. ' +
      'Invalid input (YAML syntax, invalid CIDR, unknown kind, a policy field of the wrong type…) is a 400 listing every ' +
      'problem with file, object and field in `details.info.problems`.',
  })
  @ApiConsumes('application/yaml', 'text/yaml', 'application/x-yaml', 'application/json')
  @ApiBody({
    schema: {
      oneOf: [
        { type: 'string', description: 'YAML manifests' },
        { $ref: getSchemaPath(AnalyzeFilesRequestDto) },
        { type: 'object', additionalProperties: true, description: 'A kubectl object or List, an az aks show JSON, or a ClusterState' },
      ],
    },
  })
  @ApiOkResponse({ type: AnalyzeResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid manifests; details.info.problems lists each with file, object and field' })
  @ApiPayloadTooLargeResponse({ description: 'The upload exceeds 1 MB' })
  @ApiUnsupportedMediaTypeResponse({ description: `Not JSON nor one of ${YAML_MEDIA_TYPES.join(', ')}` })
  @ApiUnprocessableEntityResponse({ description: 'Too many connections to list in one answer' })
  async analyze(@Body() body: unknown, @Headers('content-type') contentType: string | undefined, @Query() q: AnalyzeQuery): Promise<AnalyzeResponseDto> {
    const type = mediaTypeOf(contentType).type;
    const result = this.analyzer.analyze({ contentType: type, body, connections: q.connections === true, now: new Date() });
    await this.audit.recordAlone('analyze.run', null, {
      contentType: type,
      connections: q.connections === true,
      namespaces: result.namespaces.length,
      workloads: result.workloads.length,
      findings: result.findings.length,
    });
    return result;
  }
}
