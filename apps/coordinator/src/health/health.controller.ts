import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { overdueIo } from '@fedstroke/common';
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

  /** Readiness: the database answers a query, and no file read is stuck past its time limit (a hung mount). */
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
    const stuck = overdueIo();
    if (stuck.length > 0) {
      this.log.event('error', 'readiness.file_io_stuck', {
        pending: stuck.length,
        oldest: stuck[0].what,
        ms: stuck[0].ms,
      });
      throw new ServiceUnavailableException(
        `file I/O is stuck: ${stuck.length} read(s) have waited past their time limit, the oldest for ${Math.round(stuck[0].ms / 1000)} s`,
      );
    }
    return { status: 'ready', database: this.database.describe() };
  }
}
