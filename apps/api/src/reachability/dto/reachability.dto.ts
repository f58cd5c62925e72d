// Requests and responses of the reachability routes, validated and described for OpenAPI.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import type {
  ExplainedConnection, NamespacePairReachability, ReachabilityAllowance, ReachabilityPolicyRef, ReachabilitySideAllowance, ReachabilityWorkloadList,
  ReachabilityConnection, ReachabilityMatrix, ReachabilityNotEvaluated, ReachabilitySnapshotRef, ReachabilityWorkloadRef, WorkloadReachability,
} from '@kordon/contracts';

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController', 'Pod'] as const;

// Namespaces are DNS labels; workload names DNS subdomains (Kubernetes object names).
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

export class AtQuery {
  @ApiPropertyOptional({ description: 'ISO 8601 time: answer from the snapshot in force then (default: the latest)', example: '2025-01-31T00:00:00Z' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'at must be an ISO 8601 time' })
  at?: string;
}

export class WorkloadQuery extends AtQuery {
  @ApiPropertyOptional({ enum: WORKLOAD_KINDS, description: 'Needed only when two kinds share the name in the namespace' })
  @IsOptional() @IsIn(WORKLOAD_KINDS)
  kind?: (typeof WORKLOAD_KINDS)[number];
}

export class WorkloadParams {
  @IsUUID('all', { message: 'id must be a UUID' }) id!: string;
  @MaxLength(63) @Matches(DNS_LABEL, { message: 'namespace must be a Kubernetes namespace name' }) namespace!: string;
  @MaxLength(253) @Matches(DNS_SUBDOMAIN, { message: 'name must be a Kubernetes object name' }) name!: string;
}

export class PairParams {
  @IsUUID('all', { message: 'id must be a UUID' }) id!: string;
  @MaxLength(63) @Matches(DNS_LABEL, { message: 'from must be a Kubernetes namespace name' }) from!: string;
  @MaxLength(63) @Matches(DNS_LABEL, { message: 'to must be a Kubernetes namespace name' }) to!: string;
}

export class WorkloadListQuery extends AtQuery {
  @ApiPropertyOptional({ description: 'Only workloads whose `namespace/name` contains this text (case-insensitive)' })
  @IsOptional() @IsString() @MaxLength(253) q?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 200 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class ReachabilityConnectionDto implements ReachabilityConnection {
  @ApiProperty({ example: 'shop/frontend', description: '`namespace/name` workload or `start-end` external range' }) src!: string;
  @ApiProperty({ example: 'shop/api' }) dst!: string;
  @ApiProperty({ example: 'TCP 8080', description: 'Canonical connection set: `All Connections`, or protocols with ports' }) conn!: string;
}

export class ReachabilityNotEvaluatedDto implements ReachabilityNotEvaluated {
  @ApiProperty({ example: 'CiliumNetworkPolicy/shop/fqdn' }) object!: string;
  @ApiProperty({ example: 'CiliumNetworkPolicy' }) kind!: string;
  @ApiProperty() reason!: string;
}

export class ReachabilitySnapshotRefDto implements ReachabilitySnapshotRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) clusterId!: string;
  @ApiProperty({ format: 'date-time' }) takenAt!: string;
}

export class ReachabilityMatrixDto implements ReachabilityMatrix {
  @ApiProperty({ type: ReachabilitySnapshotRefDto }) snapshot!: ReachabilitySnapshotRefDto;
  @ApiProperty({ type: [String] }) namespaces!: string[];
  @ApiProperty({ type: [String], description: 'Excluded (system) namespaces, still in the matrix' }) excluded!: string[];
  @ApiProperty({ type: [ReachabilityConnectionDto], description: 'src/dst are namespaces; pairs without connections omitted' }) cells!: ReachabilityConnectionDto[];
  @ApiProperty({ type: [ReachabilityNotEvaluatedDto] }) notEvaluated!: ReachabilityNotEvaluatedDto[];
}

export class ReachabilityWorkloadRefDto implements ReachabilityWorkloadRef {
  @ApiProperty({ example: 'shop/api' }) id!: string;
  @ApiProperty() namespace!: string;
  @ApiProperty({ enum: WORKLOAD_KINDS }) kind!: string;
  @ApiProperty() name!: string;
  @ApiProperty() pods!: number;
  @ApiProperty() excluded!: boolean;
  @ApiProperty({ enum: ['pods', 'template'] }) basis!: 'pods' | 'template';
  @ApiProperty() uniform!: boolean;
}

export class ReachabilityPolicyRefDto implements ReachabilityPolicyRef {
  @ApiProperty({ example: 'NetworkPolicy', description: 'NetworkPolicy, CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy' }) kind!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Null for cluster-wide kinds' }) namespace!: string | null;
  @ApiProperty() name!: string;
}

export class ReachabilityL7Dto {
  @ApiProperty({ type: ReachabilityPolicyRefDto }) policy!: ReachabilityPolicyRefDto;
  @ApiProperty({ type: [String], example: ['http'], description: 'The L7 rule kinds (http, dns, kafka) that restrict the allowed connection; not evaluated' }) rules!: string[];
}

export class ReachabilitySideAllowanceDto implements ReachabilitySideAllowance {
  @ApiProperty({ type: String, nullable: true, description: 'The workload of this side; null for an external range' }) peer!: string | null;
  @ApiProperty({ description: 'Some pod of this side is not isolated in this direction: allowed by default' }) defaultAllow!: boolean;
  @ApiProperty({ type: [ReachabilityPolicyRefDto], description: 'Policies selecting this side for the direction whose rules admit the other side on an allowed port' }) policies!: ReachabilityPolicyRefDto[];
  @ApiProperty({ type: [ReachabilityPolicyRefDto], description: 'Policies whose deny rules (Cilium ingressDeny/egressDeny) match the other side and cut those ports' }) deniedBy!: ReachabilityPolicyRefDto[];
  @ApiProperty({ type: [ReachabilityL7Dto], description: 'Allowing policies whose rules carry L7 rules: allowed "with L7 rules"' }) l7!: ReachabilityL7Dto[];
  @ApiProperty({ type: [String], description: 'Not evaluated here (CRD policies `Kind/name`, `hostNetwork`)' }) notEvaluated!: string[];
}

export class ReachabilityAllowanceDto implements ReachabilityAllowance {
  @ApiProperty({ type: ReachabilitySideAllowanceDto, description: "The source's egress" }) egress!: ReachabilitySideAllowanceDto;
  @ApiProperty({ type: ReachabilitySideAllowanceDto, description: "The destination's ingress" }) ingress!: ReachabilitySideAllowanceDto;
}

export class ExplainedConnectionDto extends ReachabilityConnectionDto implements ExplainedConnection {
  @ApiProperty({ type: ReachabilityAllowanceDto, description: 'The policies that allow it' }) allowedBy!: ReachabilityAllowanceDto;
}

export class NamespacePairReachabilityDto implements NamespacePairReachability {
  @ApiProperty({ type: ReachabilitySnapshotRefDto }) snapshot!: ReachabilitySnapshotRefDto;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ description: "The matrix cell's connection set" }) conn!: string;
  @ApiProperty({ type: [ExplainedConnectionDto] }) connections!: ExplainedConnectionDto[];
  @ApiProperty({ type: [ReachabilityNotEvaluatedDto] }) notEvaluated!: ReachabilityNotEvaluatedDto[];
}

export class WorkloadReachabilityDto implements WorkloadReachability {
  @ApiProperty({ type: ReachabilitySnapshotRefDto }) snapshot!: ReachabilitySnapshotRefDto;
  @ApiProperty({ type: ReachabilityWorkloadRefDto }) workload!: ReachabilityWorkloadRefDto;
  @ApiProperty({ enum: ['ingress', 'egress'] }) direction!: 'ingress' | 'egress';
  @ApiProperty({ type: [ExplainedConnectionDto] }) connections!: ExplainedConnectionDto[];
  @ApiProperty({ type: [ReachabilityNotEvaluatedDto] }) notEvaluated!: ReachabilityNotEvaluatedDto[];
}

export class ReachabilityWorkloadListDto implements ReachabilityWorkloadList {
  @ApiProperty({ type: ReachabilitySnapshotRefDto }) snapshot!: ReachabilitySnapshotRefDto;
  @ApiProperty({ type: [ReachabilityWorkloadRefDto] }) items!: ReachabilityWorkloadRefDto[];
  @ApiProperty({ description: 'Matching workloads in all' }) total!: number;
}
