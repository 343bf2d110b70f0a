/**
 * Everything the repositories and migrations must know about which engine runs them, in one place. The SQL itself
 * is written once (Kysely compiles it per engine); what differs is the column types a migration declares, whether
 * a read that a write depends on must lock its rows, where the catalog lists tables, and how boots serialise their
 * migration passes.
 */
import {
  type ColumnDataType,
  type ColumnDefinitionBuilder,
  type Expression,
  type QueryExecutorProvider,
  sql,
} from 'kysely';

export type Engine = 'sqlite' | 'postgres';

/** A column's type as Kysely's schema builder takes it: a name it knows, or raw SQL. */
export type SqlType = ColumnDataType | Expression<unknown>;

/** The column types a migration declares; `up(db, types)` receives the running engine's. */
export interface ColumnTypes {
  /** Ids compare byte-wise on both (COLLATE "C" on PostgreSQL), so `ORDER BY …, id` breaks ties identically. */
  id: SqlType;
  text: SqlType;
  integer: SqlType;
  /** Epoch milliseconds, byte counts, sample counts: they pass 2^31. */
  bigInteger: SqlType;
  /**
   * A nested value stored as JSON text. PostgreSQL's `json` (not `jsonb`) keeps the text as written, so metrics
   * come back with their keys in the order they were written, exactly as from SQLite's TEXT.
   */
  json: SqlType;
  /** A primary key the database numbers itself, increasing and never reused: `.addColumn('id', ...t.serialId)`. */
  serialId: [SqlType, (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder];
}

export const COLUMN_TYPES: Readonly<Record<Engine, ColumnTypes>> = {
  sqlite: {
    id: 'text',
    text: 'text',
    integer: 'integer',
    bigInteger: 'integer',
    json: 'text',
    serialId: ['integer', (column) => column.primaryKey().autoIncrement()],
  },
  postgres: {
    id: sql`text collate "C"`,
    text: 'text',
    integer: 'integer',
    bigInteger: 'bigint',
    json: 'json',
    serialId: ['bigint', (column) => column.primaryKey().generatedAlwaysAsIdentity()],
  },
};

/**
 * Whether a transaction must lock the rows it reads before acting on them (FOR UPDATE / FOR SHARE). PostgreSQL runs
 * transactions concurrently under READ COMMITTED, so it must; SQLite has one writer at a time and Kysely's driver
 * one connection whose transactions run one after another, so it needs none (and has no such syntax).
 */
export function takesRowLocks(engine: Engine): boolean {
  return engine === 'postgres';
}

/** Which of `names` are tables of this database (where an unqualified name resolves), from the engine's catalog. */
export async function existingTables(
  db: QueryExecutorProvider,
  engine: Engine,
  names: readonly string[],
): Promise<Set<string>> {
  const list = sql.join(names);
  const found =
    engine === 'sqlite'
      ? sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${list})`
      : sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_name IN (${list})`;
  return new Set((await found.execute(db)).rows.map((row) => row.name));
}

/**
 * The advisory lock the release's own migrator held while migrating PostgreSQL (SQLite has one writer already).
 * Taking it while adopting the release's ledger (ledger.ts) makes boots of either build wait for each other.
 */
const RELEASE_MIGRATION_LOCK_ID = 7_303_915_024;

/** Inside `trx`, waits until no other coordinator is migrating this database; released at commit. */
export async function lockMigrations(trx: QueryExecutorProvider, engine: Engine): Promise<void> {
  if (engine === 'postgres') await sql`SELECT pg_advisory_xact_lock(${RELEASE_MIGRATION_LOCK_ID})`.execute(trx);
}
