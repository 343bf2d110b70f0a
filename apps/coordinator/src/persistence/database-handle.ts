/**
 * The open database, whichever backend the config names. Repositories are built on it per backend: the core ones in
 * core-repositories.ts, a feature module's through `onBackend` (one class per backend, both named in one place).
 */
import type { DatabaseConfig } from '../config/coordinator-config';
import { openPostgresDatabase, type PostgresHandle } from './postgres/postgres-database';
import { openSqliteDatabase, type SqliteHandle } from './sqlite/sqlite-database';

/** The connection plus where it points (the file, or the URL with its password, which only health masks and logs). */
export type DatabaseHandle =
  { kind: 'sqlite'; db: SqliteHandle; file: string } | { kind: 'postgres'; pool: PostgresHandle; url: string };

export interface BackendFactories<T> {
  sqlite(db: SqliteHandle): T;
  postgres(pool: PostgresHandle): T;
}

export function onBackend<T>(handle: DatabaseHandle, factories: BackendFactories<T>): T {
  return handle.kind === 'sqlite' ? factories.sqlite(handle.db) : factories.postgres(handle.pool);
}

/** Opens and migrates the database; a PostgreSQL server that does not answer fails here, at boot. */
export async function openDatabase(
  config: DatabaseConfig,
  onIdleError?: (error: Error) => void,
): Promise<DatabaseHandle> {
  if (config.kind === 'sqlite') return { kind: 'sqlite', db: openSqliteDatabase(config.file), file: config.file };
  const pool = await openPostgresDatabase(config.url, { poolSize: config.poolSize, onIdleError });
  return { kind: 'postgres', pool, url: config.url };
}

export async function closeDatabase(handle: DatabaseHandle): Promise<void> {
  if (handle.kind === 'sqlite') {
    // Checkpoints the WAL into the main file so a backup of the .sqlite alone is complete.
    if (handle.db.open) handle.db.close();
  } else if (!handle.pool.ending) {
    // Waits for checked-out clients to be released, then closes every connection.
    await handle.pool.end();
  }
}
