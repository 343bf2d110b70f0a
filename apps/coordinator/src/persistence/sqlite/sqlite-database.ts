/**
 * The SQLite connection: one file under the data directory, WAL journal (readers never block the writer),
 * synchronous=FULL (an acknowledged upload survives power loss, not just a killed process), foreign keys on.
 * Migrations run at open, each in its own transaction, and are recorded in schema_migrations.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseError } from '../database.error';
import type { Migration } from '../migration';
import { MIGRATIONS } from './migrations';

export { DatabaseError };

export type SqliteHandle = Database.Database;

export function openSqliteDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): SqliteHandle {
  let db: SqliteHandle;
  try {
    mkdirSync(dirname(file), { recursive: true });
    db = new Database(file);
  } catch (error) {
    throw new DatabaseError(`cannot open SQLite database ${file}: ${(error as Error).message}`, error);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  applyMigrations(db, file, migrations);
  return db;
}

export function applyMigrations(db: SqliteHandle, file: string, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = new Set(
    db
      .prepare('SELECT version FROM schema_migrations')
      .all()
      .map((row) => (row as { version: number }).version),
  );
  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...applied].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new DatabaseError(
      `${file} has migrations [${unknown.join(', ')}] that this coordinator does not know: it was written by a newer version`,
    );
  }
  const ran: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    const run = db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
      );
    });
    try {
      run();
    } catch (error) {
      throw new DatabaseError(
        `migration ${migration.version} (${migration.name}) failed on ${file}: ${(error as Error).message}`,
        error,
      );
    }
    ran.push(migration.version);
  }
  return ran;
}
