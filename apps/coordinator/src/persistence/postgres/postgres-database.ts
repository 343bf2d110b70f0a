/**
 * The PostgreSQL connection pool: opened from the URL, proven at boot with one round trip (so a wrong host, port,
 * database or password stops boot with a clear message instead of failing the first request), then migrated.
 */
import { Pool } from 'pg';
import { DatabaseUnreachableError } from '../database.error';
import type { Migration } from '../migration';
import { POSTGRES_MIGRATIONS } from './migrations';
import { applyPostgresMigrations } from './postgres-migrator';
import { maskPostgresUrl } from './postgres-url';

export type PostgresHandle = Pool;

export interface PostgresOptions {
  /** Most connections held open at once. */
  poolSize: number;
  /**
   * An idle pooled connection that breaks (server restart, network cut) is reported here; the pool replaces it on
   * the next query. Without a listener node-postgres would crash the process.
   */
  onIdleError?: (error: Error) => void;
  /** How long boot waits for the server before giving up. */
  connectTimeoutMs?: number;
  migrations?: readonly Migration[];
}

export async function openPostgresDatabase(url: string, options: PostgresOptions): Promise<PostgresHandle> {
  const pool = new Pool({
    connectionString: url,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: 'fedstroke-coordinator',
  });
  pool.on('error', options.onIdleError ?? (() => undefined));
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    throw new DatabaseUnreachableError(maskPostgresUrl(url), error);
  }
  try {
    await applyPostgresMigrations(pool, maskPostgresUrl(url), options.migrations ?? POSTGRES_MIGRATIONS);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return pool;
}
