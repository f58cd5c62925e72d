import { Module } from '@nestjs/common';
import { PostureModule } from '../posture/posture.module';
import { PoliciesController } from './policies.controller';
import { PoliciesRepository } from './policies.repository';
import { PoliciesService } from './policies.service';

/** Owns the policy detail view: one policy's selection, allowances in words and baseline role. */
@Module({ imports: [PostureModule], controllers: [PoliciesController], providers: [PoliciesRepository, PoliciesService] })
export class PoliciesModule {}
