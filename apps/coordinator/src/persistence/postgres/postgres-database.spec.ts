import { Pool } from 'pg';
import {
  type EphemeralPostgres,
  findPostgresBinaries,
  freePort,
  startEphemeralPostgres,
} from '../../../../../test/support/ephemeral-postgres';
import { DatabaseUnreachableError } from '../database.error';
import { POSTGRES_MIGRATIONS } from './migrations';
import { openPostgresDatabase } from './postgres-database';
import { applyPostgresMigrations } from './postgres-migrator';
import { maskPostgresUrl } from './postgres-url';

let server: EphemeralPostgres;
beforeAll(async () => {
  server = await startEphemeralPostgres();
});
afterAll(() => server?.stop());

const versions = async (pool: Pool) =>
  (await pool.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);

describe('PostgreSQL database', () => {
  it('applies every migration once, records it, and applies none on the next boot', async () => {
    const url = await server.createDatabase();
    const pool = await openPostgresDatabase(url, { poolSize: 2 });
    expect(await versions(pool)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
    const tables = await pool.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'federations',
      'inference_audit',
      'inference_jobs',
      'inference_uploads',
      'model_versions',
      'participations',
      'rounds',
      'schema_migrations',
      'sites',
    ]);
    expect(await applyPostgresMigrations(pool, 'test', POSTGRES_MIGRATIONS)).toEqual([]);
    await pool.end();
    const reopened = await openPostgresDatabase(url, { poolSize: 1 });
    expect(await versions(reopened)).toEqual([1, 2]);
    await reopened.end();
  });

  it('lets exactly one of several coordinators booting at once migrate a fresh database', async () => {
    const url = await server.createDatabase();
    const pools = [1, 2, 3].map(() => new Pool({ connectionString: url, max: 1 }));
    const ran = await Promise.all(pools.map((pool) => applyPostgresMigrations(pool, 'test', POSTGRES_MIGRATIONS)));
    expect(ran.filter((r) => r.length > 0)).toEqual([[1, 2]]);
    expect(await versions(pools[0])).toEqual([1, 2]);
    await Promise.all(pools.map((pool) => pool.end()));
  });

  it('rolls a failing migration back entirely and names it', async () => {
    const url = await server.createDatabase();
    const pool = await openPostgresDatabase(url, { poolSize: 1 });
    const broken = [
      ...POSTGRES_MIGRATIONS,
      { version: 99, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); SELECT * FROM nowhere;' },
    ];
    await expect(applyPostgresMigrations(pool, maskPostgresUrl(url), broken)).rejects.toThrow(
      /^migration 99 \(broken\) failed on postgres:\/\/postgres@127\.0\.0\.1:\d+\/\w+: relation "nowhere" does not exist$/,
    );
    expect((await pool.query(`SELECT to_regclass('half') AS t`)).rows[0].t).toBeNull();
    expect(await versions(pool)).toEqual([1, 2]);
    await pool.end();
  });

  it('refuses a database written by a newer coordinator', async () => {
    const url = await server.createDatabase();
    const pool = await openPostgresDatabase(url, { poolSize: 1 });
    await pool.query(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (42, 'future', 0)`);
    await pool.end();
    await expect(openPostgresDatabase(url, { poolSize: 1 })).rejects.toThrow(
      /has migrations \[42\] that this coordinator does not know: it was written by a newer version/,
    );
  });

  it('stops boot with the masked URL, the cause and what it expected when the server is not there', async () => {
    const port = await freePort();
    const url = `postgres://fed:s3cret@127.0.0.1:${port}/fedstroke`;
    const failure = await openPostgresDatabase(url, { poolSize: 1 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DatabaseUnreachableError);
    const message = (failure as Error).message;
    expect(message).toContain(`FEDSTROKE_DATABASE_URL=postgres://fed:***@127.0.0.1:${port}/fedstroke`);
    expect(message).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    expect(message).toContain('expected a running PostgreSQL server');
    expect(message).not.toContain('s3cret');
  });

  it('names a database that does not exist on a server that does', async () => {
    const url = server.url.replace(/\/postgres$/, '/no_such_db');
    await expect(openPostgresDatabase(url, { poolSize: 1 })).rejects.toThrow(
      /cannot connect to PostgreSQL \(database "no_such_db" does not exist\)/,
    );
  });

  it('finds the server binaries here, and a machine without them fails these tests saying what to install', () => {
    expect(findPostgresBinaries()).toMatch(/bin$/);
    expect(() => findPostgresBinaries('/nonexistent', '')).toThrow(
      /PostgreSQL server binaries \(initdb, pg_ctl\) not found in \/nonexistent\/\*\/bin, PATH: .*install the Debian package postgresql/,
    );
  });

  it('masks the password wherever the URL carries it', () => {
    expect(maskPostgresUrl('postgres://fed:p%40ss@db.internal:5432/fedstroke?sslmode=require')).toBe(
      'postgres://fed:***@db.internal:5432/fedstroke?sslmode=require',
    );
    expect(maskPostgresUrl('postgresql://db/fed?user=fed&password=secret')).toBe(
      'postgresql://db/fed?user=fed&password=***',
    );
    expect(maskPostgresUrl('postgres://fed:secret@/fed?host=/run/postgresql')).toBe(
      'postgres://***@/fed?host=/run/postgresql',
    );
    expect(maskPostgresUrl('postgres://db/fed')).toBe('postgres://db/fed');
  });
});
