import { Global, Module } from '@nestjs/common';
import { InFlightWork } from './in-flight-work';
import { PrismaService } from './prisma.service';

@Global()
@Module({ providers: [InFlightWork, PrismaService], exports: [InFlightWork, PrismaService] })
export class PrismaModule {}
