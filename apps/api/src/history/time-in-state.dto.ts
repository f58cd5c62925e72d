// Query validation and OpenAPI schemas of the time-in-state resources.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsISO8601, IsOptional } from 'class-validator';
import type {
  ClusterTimeInState, NamespaceTimeInState, TimeInStateDirection, TimeInStateInterval, TimeInStateNamespaceSummary, TimeInStateProvingSnapshot, TimeInStateState,
} from '@kordon/contracts';

const STATES: TimeInStateState[] = ['protected', 'unprotected', 'unknown', 'absent'];
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class TimeInStateQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'Start; default: 90 days before `to`. Without an offset, UTC.' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or date-time' }) from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'End; default: now. At most 2 years after `from`; time after now is not measured.' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or date-time' }) to?: string;
}

export class ClusterTimeInStateQuery extends TimeInStateQuery {
  @ApiPropertyOptional({ default: false, description: 'Include the interval lists and proving snapshots per namespace' })
  @IsOptional() @Transform(toBoolean) @IsBoolean({ message: 'intervals must be true or false' }) intervals?: boolean;
}

class TimeInStateIntervalDto implements TimeInStateInterval {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ enum: STATES }) state!: TimeInStateState;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) snapshotId!: string | null;
  @ApiProperty({ type: [String] }) snapshotIds!: string[];
}

class TimeInStateProvingSnapshotDto implements TimeInStateProvingSnapshot {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
}

class TimeInStateDirectionDto implements TimeInStateDirection {
  @ApiProperty() protectedMs!: number;
  @ApiProperty() unprotectedMs!: number;
  @ApiProperty() unknownMs!: number;
  @ApiProperty() absentMs!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'protectedMs / measured range' }) share!: number | null;
  @ApiProperty({ description: 'The whole measured range protected, no unknown time' }) heldThroughout!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Start of the protected run reaching the end of the range' }) protectedSince!: string | null;
  @ApiPropertyOptional({ type: [TimeInStateIntervalDto] }) intervals?: TimeInStateIntervalDto[];
  @ApiPropertyOptional({ type: [TimeInStateProvingSnapshotDto] }) provingSnapshots?: TimeInStateProvingSnapshotDto[];
}

export class NamespaceTimeInStateDto implements NamespaceTimeInState {
  @ApiProperty({ format: 'uuid' }) clusterId!: string;
  @ApiProperty() namespace!: string;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ format: 'date-time', description: 'min(to, now)' }) measuredTo!: string;
  @ApiProperty() scheduleMinutes!: number;
  @ApiProperty({ description: 'A snapshot vouches for at most scheduleMinutes + scheduleSlackMinutes' }) scheduleSlackMinutes!: number;
  @ApiProperty({ type: TimeInStateDirectionDto }) ingress!: TimeInStateDirectionDto;
  @ApiProperty({ type: TimeInStateDirectionDto }) egress!: TimeInStateDirectionDto;
}

class TimeInStateNamespaceSummaryDto implements TimeInStateNamespaceSummary {
  @ApiProperty() namespace!: string;
  @ApiProperty({ type: TimeInStateDirectionDto }) ingress!: TimeInStateDirectionDto;
  @ApiProperty({ type: TimeInStateDirectionDto }) egress!: TimeInStateDirectionDto;
}

export class ClusterTimeInStateDto implements ClusterTimeInState {
  @ApiProperty({ format: 'uuid' }) clusterId!: string;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ format: 'date-time' }) measuredTo!: string;
  @ApiProperty() scheduleMinutes!: number;
  @ApiProperty() scheduleSlackMinutes!: number;
  @ApiProperty({ type: [TimeInStateNamespaceSummaryDto] }) namespaces!: TimeInStateNamespaceSummaryDto[];
}
