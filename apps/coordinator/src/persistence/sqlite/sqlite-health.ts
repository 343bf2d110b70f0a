import { DatabaseHealth } from '../repositories';
import type { SqliteHandle } from './sqlite-database';

export class SqliteHealth extends DatabaseHealth {
  constructor(
    private readonly db: SqliteHandle,
    private readonly file: string,
  ) {
    super();
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  describe(): string {
    return 'sqlite';
  }

  location(): string {
    return this.file;
  }
}
