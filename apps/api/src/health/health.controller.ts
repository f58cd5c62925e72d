// Probes. Liveness (`/api/health/live`): the process answers, nothing else (a database outage must
// not restart every replica). Readiness (`/api/health/ready`): the database answers and every
// migration shipped with this build is applied, so a load balancer sends traffic only then.
// `/api/health` is the database check `npm start` and older probes wait on.
import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
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

  @Get('live')
  @Public()
  @ApiOkResponse({ description: 'The process is up (no dependency is checked)' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @ApiOkResponse({ description: 'The database answers and every migration of this build is applied' })
  @ApiServiceUnavailableResponse({ description: 'The database does not answer, or migrations are pending (named)' })
  async ready(): Promise<{ status: 'ready'; database: 'up'; migrations: { applied: number } }> {
    if (!(await this.health.databaseUp())) throw new ServiceUnavailableException('not ready: the database is not reachable');
    const pending = await this.health.pendingMigrations();
    if (pending === null) throw new ServiceUnavailableException('not ready: the migrations table cannot be read');
    if (pending.missing.length) {
      throw new ServiceUnavailableException({ message: `not ready: ${pending.missing.length} migration(s) not applied: ${pending.missing.join(', ')}`, pending: pending.missing });
    }
    return { status: 'ready', database: 'up', migrations: { applied: pending.applied } };
  }
}
