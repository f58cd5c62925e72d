// `POST /api/analyze`: what-if and CI checks over uploaded manifests, stored nowhere.
import { Body, Controller, Headers, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBody, ApiConsumes, ApiExtraModels, ApiOkResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiTags,
  ApiUnprocessableEntityResponse, ApiUnsupportedMediaTypeResponse, getSchemaPath,
} from '@nestjs/swagger';
import { Roles } from '../auth/auth.guard';
import { OPERATE } from '../auth/roles';
import { AnalyzeFilesRequestDto, AnalyzeQuery, AnalyzeResponseDto } from './dto/analyze.dto';
import { AnalyzeService } from './analyze.service';
import { mediaTypeOf, YAML_MEDIA_TYPES } from './yaml-body.middleware';

@ApiTags('analyze')
@ApiExtraModels(AnalyzeFilesRequestDto)
@Controller('analyze')
export class AnalyzeController {
  constructor(private readonly analyzer: AnalyzeService) {}

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
  analyze(@Body() body: unknown, @Headers('content-type') contentType: string | undefined, @Query() q: AnalyzeQuery): AnalyzeResponseDto {
    return this.analyzer.analyze({ contentType: mediaTypeOf(contentType).type, body, connections: q.connections === true, now: new Date() });
  }
}
