// Request and response shapes of `POST /api/analyze`, described for OpenAPI. The body itself is
// read raw (YAML text or any JSON) and checked by the service, which reports every defect with
// file, object and field; only the query goes through class-validator.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import type { AnalyzeConnection, AnalyzeFile, AnalyzeFilesRequest, AnalyzeProblem, AnalyzeResponse, AnalyzeWorkload } from '@kordon/contracts';

export class AnalyzeQuery {
  @ApiPropertyOptional({ description: 'Also list every allowed connection (refused with 422 past a size)', default: false })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'connections must be true or false' })
  connections?: boolean;
}

export class AnalyzeFileDto implements AnalyzeFile {
  @ApiProperty({ example: 'policies/deny.yaml', maxLength: 256 }) name!: string;
  @ApiProperty({ description: 'YAML or JSON text' }) text!: string;
}

export class AnalyzeFilesRequestDto implements AnalyzeFilesRequest {
  @ApiProperty({ type: [AnalyzeFileDto], maxItems: 500 }) files!: AnalyzeFileDto[];
}

export class AnalyzeProblemDto implements AnalyzeProblem {
  @ApiProperty({ enum: ['error', 'warning'] }) severity!: 'error' | 'warning';
  @ApiProperty({ example: 'invalid-object' }) code!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ description: '`namespace/name`, a file, or `file:line:col`' }) object?: string;
  @ApiPropertyOptional({ example: 'spec.ingress[0].from[0].ipBlock.cidr' }) field?: string;
  @ApiPropertyOptional({ example: 'request.yaml' }) file?: string;
  @ApiPropertyOptional() kind?: string;
}

export class AnalyzeWorkloadDto implements AnalyzeWorkload {
  @ApiProperty() namespace!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'Deployment' }) kind!: string;
  @ApiProperty({ example: { ingress: true, egress: false } }) isolated!: { ingress: boolean; egress: boolean };
}

export class AnalyzeConnectionDto implements AnalyzeConnection {
  @ApiProperty({ example: 'shop/frontend' }) src!: string;
  @ApiProperty({ example: 'shop/api' }) dst!: string;
  @ApiProperty({ example: 'TCP 8080' }) conn!: string;
}

export class AnalyzeEnforcementDto {
  @ApiProperty({ enum: ['azure', 'calico', 'cilium', 'none', 'unknown'] }) engine!: string;
  @ApiProperty({ nullable: true, type: String }) networkPolicy!: string | null;
  @ApiProperty() enforced!: boolean;
  @ApiProperty() confirmed!: boolean;
  @ApiProperty() reason!: string;
}

export class AnalyzeNotEvaluatedDto {
  @ApiProperty() object!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() reason!: string;
}

export class AnalyzeResponseDto implements AnalyzeResponse {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Roll-up over non-excluded namespaces, with name and kubernetesVersion' })
  cluster!: AnalyzeResponse['cluster'];
  @ApiProperty({ type: AnalyzeEnforcementDto }) enforcement!: AnalyzeEnforcementDto;
  @ApiProperty({ type: [String] }) excludedNamespaces!: string[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: "The engine's posture per namespace" })
  namespaces!: Record<string, unknown>[];
  @ApiProperty({ type: [AnalyzeWorkloadDto] }) workloads!: AnalyzeWorkloadDto[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Findings: ruleId, severity, title, message, remediation' })
  findings!: Record<string, unknown>[];
  @ApiProperty({ type: [AnalyzeNotEvaluatedDto] }) notEvaluated!: AnalyzeNotEvaluatedDto[];
  @ApiProperty({ type: [AnalyzeProblemDto], description: 'Warnings about the input; errors make a 400' }) problems!: AnalyzeProblemDto[];
  @ApiPropertyOptional({ type: [AnalyzeConnectionDto], description: 'With ?connections=true only' }) connections?: AnalyzeConnectionDto[];
}
