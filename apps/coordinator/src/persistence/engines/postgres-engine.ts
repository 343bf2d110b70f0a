/**
 * The PostgreSQL connection pool: opened from the URL, proven at boot with one round trip (so a wrong host, port,
 * database or password stops boot with a clear message instead of failing the first request), driven by Kysely's
 * PostgresDialect.
 */
import { Kysely, PostgresDialect } from 'kysely';
import { type CustomTypesConfig, Pool, types } from 'pg';
import { DatabaseError, DatabaseUnreachableError } from '../database.error';
import type { CoreTables } from '../tables';
import { maskPostgresUrl } from './postgres-url';

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
}

export interface PostgresConnection {
  db: Kysely<CoreTables>;
  close(): Promise<void>;
}

/**
 * BIGINT (times, byte sizes, COUNT(*)) as a number, as better-sqlite3 returns an INTEGER. node-postgres would give
 * a string so as never to lose precision; a value beyond 2^53 is a corrupt row, refused here rather than rounded.
 */
function bigintAsNumber(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) {
    throw new DatabaseError(`PostgreSQL returned the BIGINT ${text}: expected an integer within ±2^53`);
  }
  return n;
}

/** json columns as their text, as SQLite returns its TEXT: the records parse it in one place for both engines. */
const SAME_TYPES_AS_SQLITE: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === types.builtins.INT8) return bigintAsNumber;
    if (oid === types.builtins.JSON) return (text: string) => text;
    return types.getTypeParser(oid, format);
  }) as CustomTypesConfig['getTypeParser'],
};

export async function openPostgres(url: string, options: PostgresOptions): Promise<PostgresConnection> {
  const pool = new Pool({
    connectionString: url,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: 'fedstroke-coordinator',
    types: SAME_TYPES_AS_SQLITE,
  });
  pool.on('error', options.onIdleError ?? (() => undefined));
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    throw new DatabaseUnreachableError(maskPostgresUrl(url), error);
  }
  const db = new Kysely<CoreTables>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    async close() {
      // Waits for checked-out clients to be released, then closes every connection. Kysely ends the pool only if
      // it ever used it; end it here either way.
      await db.destroy();
      if (!pool.ending) await pool.end();
    },
  };
}
