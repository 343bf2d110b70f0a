/**
 * The migration ledger. Kysely's migrator records each applied step in kysely_migration (name, timestamp).
 * Coordinators up to release 0.1 kept their own, schema_migrations (version, name, applied_at), and created the same
 * schema with per-engine SQL (release-upgrade.spec.ts compares the two). A database they wrote is adopted at its
 * first boot on this build: its steps are recorded as done in Kysely's ledger and the old ledger is dropped, in one
 * transaction, so nothing is applied twice. Release 0.1 then refuses to boot on it (it finds its tables but not its
 * ledger), which is the honest answer to a downgrade.
 */
import { DatabaseError } from './database.error';
import type { DatabaseHandle } from './database-handle';
import { existingTables, lockMigrations } from './engines/engine-differences';

type LedgerTables = {
  schema_migrations: { version: number; name: string; applied_at: number };
  kysely_migration: { name: string; timestamp: string };
};

/** What release 0.1 recorded in schema_migrations, and the migration each row stands for here. */
const RELEASE_STEPS: ReadonlyMap<string, string> = new Map([
  ['1 initial', '0001-initial'],
  ['2 inference', '0002-inference'],
]);

type Ledgered = Pick<DatabaseHandle, 'engine' | 'db' | 'location'>;

/** Moves a release-0.1 ledger into Kysely's; returns the migrations it recorded as done (none on other databases). */
export async function adoptReleaseLedger({ engine, db, location }: Ledgered): Promise<string[]> {
  // Every boot asks; only a release database answers yes, and only its first boot on this build does the work.
  if (!(await existingTables(db, engine, ['schema_migrations'])).has('schema_migrations')) return [];
  return db
    .withTables<LedgerTables>()
    .transaction()
    .execute(async (trx) => {
      await lockMigrations(trx, engine);
      // Another boot may have adopted it while this one waited for the lock.
      if (!(await existingTables(trx, engine, ['schema_migrations'])).has('schema_migrations')) return [];
      const rows = await trx.selectFrom('schema_migrations').selectAll().orderBy('version').execute();
      const foreign = rows.filter((row) => !RELEASE_STEPS.has(`${row.version} ${row.name}`));
      if (foreign.length > 0) {
        throw new DatabaseError(
          `${location}: its schema_migrations ledger lists [${foreign.map((r) => `${r.version} ${r.name}`).join(', ')}], ` +
            `which no release wrote: expected ${[...RELEASE_STEPS.keys()].join(' and ')}`,
        );
      }
      await trx.schema
        .createTable('kysely_migration')
        .ifNotExists()
        .addColumn('name', 'varchar(255)', (c) => c.notNull().primaryKey())
        .addColumn('timestamp', 'varchar(255)', (c) => c.notNull())
        .execute();
      // Kysely reads its ledger in time order; a clock that stepped back between two steps must not reorder them.
      let at = 0;
      const adopted = [];
      for (const row of rows) {
        at = Math.max(at, row.applied_at);
        const name = RELEASE_STEPS.get(`${row.version} ${row.name}`) as string;
        await trx
          .insertInto('kysely_migration')
          .values({ name, timestamp: new Date(at).toISOString() })
          .execute();
        adopted.push(name);
      }
      await trx.schema.dropTable('schema_migrations').execute();
      return adopted;
    });
}

/** The steps kysely_migration records as applied (none before the first boot). */
export async function appliedMigrations({ engine, db }: Ledgered): Promise<string[]> {
  if (!(await existingTables(db, engine, ['kysely_migration'])).has('kysely_migration')) return [];
  const rows = await db.withTables<LedgerTables>().selectFrom('kysely_migration').select('name').execute();
  return rows.map((row) => row.name);
}
