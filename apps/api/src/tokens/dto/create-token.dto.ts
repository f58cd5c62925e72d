import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import type { Role } from '@prisma/client';
import { ALL_ROLES } from '../../auth/roles';

export class CreateTokenDto {
  @ApiProperty({ example: 'ci-gate', description: 'Who or what uses the token (letters, digits, space, . _ @ : / -)' })
  @IsString()
  @MaxLength(100)
  @Matches(/^[\w][\w .@:/-]*$/, { message: 'name may hold letters, digits, spaces and . _ @ : / - and starts with a letter or digit' })
  name!: string;

  @ApiProperty({ enum: ALL_ROLES })
  @IsIn(ALL_ROLES, { message: `role must be one of ${ALL_ROLES.join(', ')}` })
  role!: Role;

  @ApiPropertyOptional({ description: 'ISO time the token stops working (not with expiresInDays)', type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'expiresAt must be an ISO date-time' })
  expiresAt?: Date;

  @ApiPropertyOptional({ minimum: 1, maximum: 3650, description: 'Days until the token stops working (not with expiresAt)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expiresInDays?: number;
}

export class TokenIdParam {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'id must be a UUID' }) id!: string;
}

export class ListTokensQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(512) cursor?: string;
}
