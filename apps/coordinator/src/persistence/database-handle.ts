/**
 * The open database, whichever engine the config names: one Kysely instance that every repository queries, core
 * and feature modules alike (each written once, for both engines), plus the engine for the few places where the
 * two differ (engines/engine-differences.ts).
 */
import type { Kysely } from 'kysely';
import type { DatabaseConfig } from '../config/coordinator-config';
import type { Engine } from './engines/engine-differences';
import { openPostgres } from './engines/postgres-engine';
import { maskPostgresUrl } from './engines/postgres-url';
import { openSqlite } from './engines/sqlite-engine';
import type { SchemaMigration } from './migration';
import { loadMigrations, migrate } from './migrator';
import type { CoreTables } from './tables';

export interface DatabaseHandle {
  readonly engine: Engine;
  readonly db: Kysely<CoreTables>;
  /** The SQLite file, or the PostgreSQL URL with its password masked: for logs and errors. */
  readonly location: string;
  /** Closes every connection; a second call does nothing. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** A pooled PostgreSQL connection broke while idle (the pool opens a new one on the next query). */
  onIdleError?: (error: Error) => void;
  /** The steps to migrate with; the migrations folder by default. */
  migrations?: Record<string, SchemaMigration>;
}

/** Connects without migrating; a PostgreSQL server that does not answer fails here. */
export async function connectDatabase(config: DatabaseConfig, options: OpenOptions = {}): Promise<DatabaseHandle> {
  const connection =
    config.kind === 'sqlite'
      ? openSqlite(config.file)
      : await openPostgres(config.url, { poolSize: config.poolSize, onIdleError: options.onIdleError });
  let closing: Promise<void> | undefined;
  return {
    engine: config.kind,
    db: connection.db,
    location: config.kind === 'sqlite' ? config.file : maskPostgresUrl(config.url),
    close: () => (closing ??= connection.close()),
  };
}

/** Opens and migrates the database: the coordinator's boot, where a database it cannot use stops it. */
export async function openDatabase(config: DatabaseConfig, options: OpenOptions = {}): Promise<DatabaseHandle> {
  const handle = await connectDatabase(config, options);
  try {
    await migrate(handle, options.migrations ?? (await loadMigrations()));
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

export async function closeDatabase(handle: DatabaseHandle): Promise<void> {
  await handle.close();
}
