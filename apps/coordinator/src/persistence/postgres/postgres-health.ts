import type { Pool } from 'pg';
import { DatabaseHealth } from '../repositories';
import { maskPostgresUrl } from './postgres-url';

export class PostgresHealth extends DatabaseHealth {
  private readonly maskedUrl: string;

  constructor(
    private readonly pool: Pool,
    url: string,
  ) {
    super();
    this.maskedUrl = maskPostgresUrl(url);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  describe(): string {
    return 'postgres';
  }

  /** The server and database, password masked: this goes to logs. */
  location(): string {
    return this.maskedUrl;
  }
}
