import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { Public } from '../auth/roles.decorator';
import { JsonLogger } from '../logging/json-logger';
import { DatabaseHealth } from '../persistence/repositories';

@Controller()
export class HealthController {
  constructor(
    private readonly database: DatabaseHealth,
    private readonly log: JsonLogger,
  ) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  @Public()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the database answers a query. */
  @Get('readyz')
  @Public()
  async ready(): Promise<{ status: 'ready'; database: string }> {
    try {
      await this.database.ping();
    } catch (error) {
      // The location and driver message go to the log, not to an unauthenticated caller.
      this.log.event('error', 'readiness.database_unreachable', {
        database: this.database.location(),
        error: (error as Error).message,
      });
      throw new ServiceUnavailableException(`the ${this.database.describe()} database is not reachable`);
    }
    return { status: 'ready', database: this.database.describe() };
  }
}
