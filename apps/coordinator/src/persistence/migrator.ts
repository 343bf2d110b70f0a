/**
 * Schema migrations, on Kysely's Migrator: the steps in migrations/ (one file each, `NNNN-name.ts`), applied in name
 * order in one transaction and recorded in kysely_migration. On PostgreSQL the migrator holds an advisory lock, so
 * coordinators booting at once (a rolling deploy, replicas) migrate once and the others find the work done.
 */
import { type MigrationProvider, Migrator } from 'kysely';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeCause, DatabaseError } from './database.error';
import type { DatabaseHandle } from './database-handle';
import { COLUMN_TYPES } from './engines/engine-differences';
import { adoptReleaseLedger, appliedMigrations } from './ledger';
import type { SchemaMigration } from './migration';

export const MIGRATIONS_FOLDER = join(__dirname, 'migrations');

/** Four digits that set the order, then lower-case words joined by hyphens; `.js` is the built form in dist/. */
const MIGRATION_FILE = /^(\d{4})-[a-z0-9]+(?:-[a-z0-9]+)*\.(?:ts|js)$/;

/** The steps in `folder`, keyed by name (the file name without its extension). */
export async function loadMigrations(folder = MIGRATIONS_FOLDER): Promise<Record<string, SchemaMigration>> {
  const files = readdirSync(folder)
    .filter((file) => /\.(ts|js)$/.test(file) && !file.endsWith('.d.ts'))
    .sort();
  const numbered = new Map<string, string>();
  const migrations: Record<string, SchemaMigration> = {};
  for (const file of files) {
    const match = MIGRATION_FILE.exec(file);
    if (!match) {
      throw new DatabaseError(
        `${join(folder, file)}: every file in the migrations folder is a step named NNNN-name.ts ` +
          '(four digits, then lower-case words joined by hyphens, e.g. 0003-serving-models.ts)',
      );
    }
    const clash = numbered.get(match[1]);
    if (clash) {
      throw new DatabaseError(
        `${folder} holds two migrations numbered ${match[1]} (${clash} and ${file}): renumber the one not yet released`,
      );
    }
    numbered.set(match[1], file);
    const step = (await import(join(folder, file))) as Partial<SchemaMigration>;
    if (typeof step.up !== 'function') throw new DatabaseError(`${join(folder, file)} exports no up(db, types)`);
    migrations[file.replace(/\.(ts|js)$/, '')] = { up: step.up };
  }
  return migrations;
}

/** The open database (its location names it in errors: the file, or the URL with its password masked). */
export type Migratable = Pick<DatabaseHandle, 'engine' | 'db' | 'location'>;

/** Brings the database to the newest schema; returns the steps it applied (none when another boot already did). */
export async function migrate(target: Migratable, migrations: Record<string, SchemaMigration>): Promise<string[]> {
  await adoptReleaseLedger(target);
  const applied = await appliedMigrations(target);
  const unknown = applied.filter((name) => !(name in migrations)).sort();
  if (unknown.length > 0) {
    throw new DatabaseError(
      `${target.location} has migrations [${unknown.join(', ')}] that this coordinator does not know: ` +
        'it was written by a newer version',
    );
  }
  // The usual boot: nothing to do, and no need for the migrator's own bookkeeping queries.
  if (Object.keys(migrations).every((name) => applied.includes(name))) return [];
  const types = COLUMN_TYPES[target.engine];
  const provider: MigrationProvider = {
    getMigrations: async () =>
      Object.fromEntries(Object.entries(migrations).map(([name, step]) => [name, { up: (db) => step.up(db, types) }])),
  };
  const { error, results = [] } = await new Migrator({ db: target.db, provider }).migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error');
    throw new DatabaseError(
      failed
        ? `migration ${failed.migrationName} failed on ${target.location}: ${describeCause(error)}`
        : `cannot migrate ${target.location}: ${describeCause(error)}`,
      error,
    );
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
