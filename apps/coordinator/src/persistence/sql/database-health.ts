import { sql } from 'kysely';
import type { DatabaseHandle } from '../database-handle';
import { DatabaseHealth } from '../repositories';

export class SqlDatabaseHealth extends DatabaseHealth {
  constructor(private readonly handle: DatabaseHandle) {
    super();
  }

  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.handle.db);
  }

  describe(): string {
    return this.handle.engine;
  }

  /** The file, or the server and database with the password masked: this goes to logs. */
  location(): string {
    return this.handle.location;
  }
}
