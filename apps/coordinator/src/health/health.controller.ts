import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { overdueIo } from '@fedstroke/common';
import { ROUTES } from '@fedstroke/protocol';
import { Public } from '../auth/roles.decorator';
import { JsonLogger } from '../logging/json-logger';
import { DatabaseHealth } from '../persistence/repositories';
import { StorageHealth, type StorageStatus } from '../storage/storage-health';

export interface Readiness {
  status: 'ready' | 'not_ready';
  database: string;
  storage: StorageStatus;
}

@Controller()
export class HealthController {
  constructor(
    private readonly database: DatabaseHealth,
    private readonly storage: StorageHealth,
    private readonly log: JsonLogger,
  ) {}

  /** Liveness: the process answers. */
  @Get(ROUTES.healthz)
  @Public()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: the database answers a query, the data directory takes a write with room to spare, and no file read
   * is stuck past its time limit (a hung mount). 503 names what is wrong (database unreachable, disk full,
   * read-only, out of file descriptors, stuck reads), without paths.
   */
  @Get(ROUTES.readyz)
  @Public()
  async ready(): Promise<Readiness> {
    const [databaseProblem, storage] = await Promise.all([this.databaseProblem(), this.storage.check()]);
    if (!storage.ok) {
      this.log.event('error', 'readiness.storage_failing', {
        problem: storage.problem,
        freeBytes: storage.freeBytes,
        lastFaultErrno: storage.lastFault?.errno ?? null,
      });
    }
    const problems = [databaseProblem, storage.problem, this.stuckIoProblem()].filter((p): p is string => p !== null);
    const readiness: Readiness = {
      status: problems.length === 0 ? 'ready' : 'not_ready',
      database: this.database.describe(),
      storage,
    };
    if (problems.length > 0) {
      throw new ServiceUnavailableException({ statusCode: 503, message: problems.join('; '), ...readiness });
    }
    return readiness;
  }

  private async databaseProblem(): Promise<string | null> {
    try {
      await this.database.ping();
      return null;
    } catch (error) {
      // The location and driver message go to the log, not to an unauthenticated caller.
      this.log.event('error', 'readiness.database_unreachable', {
        database: this.database.location(),
        error: (error as Error).message,
      });
      return `the ${this.database.describe()} database is not reachable`;
    }
  }

  private stuckIoProblem(): string | null {
    const stuck = overdueIo();
    if (stuck.length === 0) return null;
    this.log.event('error', 'readiness.file_io_stuck', {
      pending: stuck.length,
      oldest: stuck[0].what,
      ms: stuck[0].ms,
    });
    return `file I/O is stuck: ${stuck.length} read(s) have waited past their time limit, the oldest for ${Math.round(stuck[0].ms / 1000)} s`;
  }
}
