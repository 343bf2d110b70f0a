/**
 * The inference tables' migrations, recorded in their own ledger (inference_schema_migrations) in the coordinator's
 * SQLite file. A separate ledger keeps this module out of the core MIGRATIONS list, whose version numbers the core
 * owns: the core refuses a database holding versions it does not know, so sharing its ledger would need an edit there.
 */
import type { SqliteHandle } from '../../persistence/sqlite/sqlite-database';
import { DatabaseError } from '../../persistence/sqlite/sqlite-database';
import type { Migration } from '../../persistence/sqlite/migrations';
import { sql as initial } from './0001-inference.migration';

export const INFERENCE_MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'inference-initial', sql: initial }];

export function applyInferenceMigrations(
  db: SqliteHandle,
  migrations: readonly Migration[] = INFERENCE_MIGRATIONS,
): void {
  db.exec(`CREATE TABLE IF NOT EXISTS inference_schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = new Set(
    db
      .prepare('SELECT version FROM inference_schema_migrations')
      .all()
      .map((row) => (row as { version: number }).version),
  );
  const newest = Math.max(0, ...migrations.map((m) => m.version));
  const unknown = [...applied].filter((v) => v > newest);
  if (unknown.length > 0) {
    throw new DatabaseError(`inference migrations [${unknown.join(', ')}] were applied by a newer coordinator`);
  }
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        db.prepare('INSERT INTO inference_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          migration.version,
          migration.name,
          Date.now(),
        );
      })();
    } catch (error) {
      throw new DatabaseError(
        `inference migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`,
        error,
      );
    }
  }
}
