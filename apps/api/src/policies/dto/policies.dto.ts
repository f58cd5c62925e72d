// Path and query validation and the OpenAPI schema of the policy detail resource.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID, Matches } from 'class-validator';
import type { ClusterRef, PolicyDetail, PolicyDirection, PolicyDirectionView, PolicySelection, SnapshotRef } from '@kordon/contracts';
import { AtQuery } from '../../posture/dto/posture.dto';
import { NAMESPACE_NAME } from '../../posture/query-input';

/** A Kubernetes object name (DNS subdomain: lower-case, digits, `-` and `.`, at most 253). */
export const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** A kind: `NetworkPolicy`, `CiliumNetworkPolicy`, `GlobalNetworkPolicy`… */
export const KIND = /^[A-Z][A-Za-z0-9]{0,62}$/;

export class PolicyParam {
  @IsUUID('all', { message: 'id must be a UUID' }) id!: string;
  @Matches(NAMESPACE_NAME, { message: 'namespace must be a Kubernetes namespace name (lower-case letters, digits, "-", at most 63)' }) namespace!: string;
  @Matches(OBJECT_NAME, { message: 'name must be a Kubernetes object name (lower-case letters, digits, "-" and ".", at most 253)' }) name!: string;
}

export class PolicyQuery extends AtQuery {
  @ApiPropertyOptional({ description: 'The policy kind (default NetworkPolicy), e.g. CiliumNetworkPolicy', example: 'NetworkPolicy' })
  @IsOptional() @Matches(KIND, { message: 'kind must be a Kubernetes kind such as NetworkPolicy or CiliumNetworkPolicy' }) kind?: string;
}

export class PolicyDetailDto implements PolicyDetail {
  @ApiProperty({ type: Object }) cluster!: ClusterRef;
  @ApiProperty({ type: Object, description: 'The snapshot in force at `at` (latest when absent)' }) snapshot!: SnapshotRef;
  @ApiProperty({ type: Object, description: 'hash, apiVersion, kind, namespace, name, ref, body (as served), object (parsed)' }) policy!: PolicyDetail['policy'];
  @ApiProperty({ description: 'Rules interpreted (NetworkPolicy); CRD policies are summarised per direction only' }) described!: boolean;
  @ApiProperty() podSelector!: string;
  @ApiProperty() selectsAllPods!: boolean;
  @ApiProperty({ enum: ['ingress', 'egress'], isArray: true }) policyTypes!: PolicyDirection[];
  @ApiProperty() policyTypesDefaulted!: boolean;
  @ApiProperty() policyTypesText!: string;
  @ApiProperty() summary!: string;
  @ApiProperty({ type: Object, description: 'isolates, rules in words, and the baseline role' }) ingress!: PolicyDirectionView;
  @ApiProperty({ type: Object }) egress!: PolicyDirectionView;
  @ApiProperty({ type: Object, description: 'Workloads and pods it selects' }) selection!: PolicySelection;
  @ApiProperty({ type: Object, isArray: true }) problems!: PolicyDetail['problems'];
  @ApiProperty({ type: String, isArray: true }) semantics!: string[];
}
