import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { HealthRepository } from './health.repository';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthRepository) {}

  @Get()
  @Public()
  async check(): Promise<{ status: 'ok'; database: 'up' }> {
    if (!(await this.health.databaseUp())) throw new ServiceUnavailableException('database is not reachable');
    return { status: 'ok', database: 'up' };
  }
}
