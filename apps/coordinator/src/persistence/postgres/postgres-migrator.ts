/**
 * Schema migrations on PostgreSQL, with the SQLite migrator's rules (each migration in its own transaction,
 * recorded in schema_migrations, a database from a newer build refused) plus one a server needs: several
 * coordinators (a rolling deploy, replicas booting at once) may migrate the same database concurrently, so the
 * whole pass runs under a session-level advisory lock and the second one finds the work done.
 */
import type { Pool, PoolClient } from 'pg';
import { DatabaseError } from '../database.error';
import type { Migration } from '../migration';
import { int } from '../record-rows';
import { transaction } from './postgres-transaction';

/**
 * Arbitrary but fixed: every coordinator build must take the same lock. Advisory locks are per database, so
 * coordinators on other databases of the same server do not wait for each other.
 */
export const MIGRATION_LOCK_ID = 7_303_915_024;

/** Applies the pending migrations; returns the versions it ran (none when another boot already did). */
export async function applyPostgresMigrations(
  pool: Pool,
  location: string,
  migrations: readonly Migration[],
): Promise<number[]> {
  const client = await pool.connect();
  let unlockFailed: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      return await migrateLocked(client, location, migrations);
    } finally {
      // A connection too broken to unlock is dropped, and the server releases a dead session's locks itself.
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch((error: Error) => {
        unlockFailed = error;
      });
    }
  } finally {
    client.release(unlockFailed);
  }
}

async function migrateLocked(
  client: PoolClient,
  location: string,
  migrations: readonly Migration[],
): Promise<number[]> {
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
  const { rows } = await client.query('SELECT version FROM schema_migrations');
  const applied = new Set(rows.map((row: { version: unknown }) => int(row.version, 'schema_migrations.version')));
  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...applied].filter((v) => !known.has(v)).sort((a, b) => a - b);
  if (unknown.length > 0) {
    throw new DatabaseError(
      `${location} has migrations [${unknown.join(', ')}] that this coordinator does not know: it was written by a newer version`,
    );
  }
  const ran: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    try {
      await transaction(client, async (tx) => {
        // No parameters: the simple query protocol, which runs a multi-statement script in one round trip.
        await tx.query(migration.sql);
        await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          Date.now(),
        ]);
      });
    } catch (error) {
      throw new DatabaseError(
        `migration ${migration.version} (${migration.name}) failed on ${location}: ${(error as Error).message}`,
        error,
      );
    }
    ran.push(migration.version);
  }
  return ran;
}
