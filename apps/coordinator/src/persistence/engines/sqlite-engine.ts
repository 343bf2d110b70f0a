/**
 * The SQLite connection: one file under the data directory, WAL journal (readers never block the writer),
 * synchronous=FULL (an acknowledged upload survives power loss, not just a killed process), foreign keys on.
 * Kysely's SqliteDialect drives it: one connection, queries and transactions one after another.
 */
import BetterSqlite3 from 'better-sqlite3';
import {
  Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  SqliteAdapter,
  SqliteDialect,
  type UnknownRow,
} from 'kysely';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseError } from '../database.error';
import type { CoreTables } from '../tables';

/**
 * SQLite's DDL is transactional, but Kysely's adapter says otherwise (a caution about PRAGMAs, which a transaction
 * ignores), so its migrator would leave half a failed migration behind. Saying so makes a migration pass one
 * transaction, as on PostgreSQL. A migration therefore cannot switch `foreign_keys`; one that rebuilds a table uses
 * `PRAGMA defer_foreign_keys = ON`, which does work inside a transaction.
 */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class TransactionalSqliteDialect extends SqliteDialect {
  override createAdapter(): SqliteAdapter {
    return new TransactionalSqliteAdapter();
  }
}

/**
 * better-sqlite3 answers synchronously, so a chain of queries (a GraphQL request resolving hundreds of fields, each
 * a query) would otherwise run as one unbroken stretch of microtasks and hold every other request, /healthz
 * included, until it ends. Each result waits for the next turn of the event loop instead: other requests run between
 * two queries, for a few microseconds per query.
 */
class YieldBetweenQueries implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    await nextTurn();
    return args.result;
  }
}

export interface SqliteConnection {
  db: Kysely<CoreTables>;
  close(): Promise<void>;
}

export function openSqlite(file: string): SqliteConnection {
  let database: BetterSqlite3.Database;
  try {
    mkdirSync(dirname(file), { recursive: true });
    database = new BetterSqlite3(file);
  } catch (error) {
    throw new DatabaseError(`cannot open SQLite database ${file}: ${(error as Error).message}`, error);
  }
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<CoreTables>({
    dialect: new TransactionalSqliteDialect({ database }),
    plugins: [new YieldBetweenQueries()],
  });
  return {
    db,
    async close() {
      await db.destroy();
      // Closing checkpoints the WAL into the main file, so a backup of the .sqlite alone is complete. Kysely closes
      // the file only if it ever queried it; close it here either way.
      if (database.open) database.close();
    },
  };
}
