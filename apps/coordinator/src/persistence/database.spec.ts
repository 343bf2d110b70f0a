/**
 * Opening and migrating the database, on both engines: SQLite in a temp file and a real PostgreSQL server
 * (test/support/ephemeral-postgres.ts), each test on a fresh database.
 */
import { sql } from 'kysely';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type EphemeralPostgres,
  findPostgresBinaries,
  freePort,
  startEphemeralPostgres,
} from '@fedstroke/test-support';
import type { DatabaseConfig } from '../config/coordinator-config';
import { buildCoreRepositories } from './core-repositories';
import { connectDatabase, type DatabaseHandle, openDatabase } from './database-handle';
import { DatabaseUnreachableError } from './database.error';
import { existingTables } from './engines/engine-differences';
import { maskPostgresUrl } from './engines/postgres-url';
import type { SchemaMigration } from './migration';
import { loadMigrations, migrate } from './migrator';

const STEPS = [
  '0001-initial',
  '0002-inference',
  '0003-serving',
  '0004-federation-members',
  '0005-secure-aggregation',
  '0006-round-config',
];
const TABLES = [
  'federation_member_events',
  'federation_members',
  'federations',
  'inference_audit',
  'inference_jobs',
  'inference_uploads',
  'model_versions',
  'participations',
  'rounds',
  'secagg_messages',
  'secagg_rounds',
  'serving_events',
  'sites',
];

let server: EphemeralPostgres;
let dir: string;
beforeAll(async () => {
  server = await startEphemeralPostgres();
});
afterAll(() => server?.stop());
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'fedstroke-db-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ledger = async (handle: DatabaseHandle): Promise<string[]> =>
  (await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(handle.db)).rows.map(
    (row) => row.name,
  );

const tables = async (handle: DatabaseHandle): Promise<string[]> =>
  (await handle.db.introspection.getTables()).map((table) => table.name).sort();

/** The shipped steps plus one that creates a table and then fails. */
async function withBrokenStep(): Promise<Record<string, SchemaMigration>> {
  return {
    ...(await loadMigrations()),
    '0099-broken': {
      async up(db) {
        await db.schema.createTable('half').addColumn('x', 'integer').execute();
        await sql`SELECT * FROM nowhere`.execute(db);
      },
    },
  };
}

describe.each(['sqlite', 'postgres'] as const)('%s database', (engine) => {
  const config = async (): Promise<DatabaseConfig> =>
    engine === 'sqlite'
      ? { kind: engine, file: join(dir, 'nested', 'c.sqlite') }
      : { kind: engine, url: await server.createDatabase(), poolSize: 2 };
  const MISSING_TABLE = engine === 'sqlite' ? 'no such table: nowhere' : 'relation "nowhere" does not exist';

  it('applies every step once, records it in kysely_migration, and applies none on the next boot', async () => {
    const where = await config();
    const handle = await connectDatabase(where);
    expect(await migrate(handle, await loadMigrations())).toEqual(STEPS);
    expect(await tables(handle)).toEqual(TABLES);
    expect(await ledger(handle)).toEqual(STEPS);
    expect(await migrate(handle, await loadMigrations())).toEqual([]);
    await handle.close();
    await handle.close();
    const reopened = await openDatabase(where);
    expect(await ledger(reopened)).toEqual(STEPS);
    await reopened.close();
  });

  it('runs a boot’s pending steps in one transaction: a failing step leaves nothing of the pass behind', async () => {
    const where = await config();
    const location =
      engine === 'sqlite' ? join(dir, 'nested', 'c.sqlite') : maskPostgresUrl((where as { url: string }).url);
    await expect(openDatabase(where, { migrations: await withBrokenStep() })).rejects.toThrow(
      `migration 0099-broken failed on ${location}: ${MISSING_TABLE}`,
    );
    const handle = await connectDatabase(where);
    expect(await tables(handle)).toEqual([]);
    expect(await migrate(handle, await loadMigrations())).toEqual(STEPS);
    await expect(migrate(handle, await withBrokenStep())).rejects.toThrow(/migration 0099-broken failed/);
    expect(await existingTables(handle.db, engine, ['half', 'sites'])).toEqual(new Set(['sites']));
    expect(await ledger(handle)).toEqual(STEPS);
    await handle.close();
  });

  it('refuses a database written by a newer coordinator', async () => {
    const where = await config();
    const handle = await openDatabase(where);
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('0042-future', '2030-01-01T00:00:00.000Z')`.execute(
      handle.db,
    );
    await handle.close();
    await expect(openDatabase(where)).rejects.toThrow(
      /has migrations \[0042-future\] that this coordinator does not know: it was written by a newer version$/,
    );
  });
});

describe('the migrations folder', () => {
  const folder = (files: Record<string, string>): string => {
    const path = mkdtempSync(join(dir, 'migrations-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(path, name), text);
    return path;
  };
  const step = 'exports.up = async () => undefined;\n';

  it('holds the shipped steps, named NNNN-name, each a function of (db, types)', async () => {
    const steps = await loadMigrations();
    expect(Object.keys(steps)).toEqual(STEPS);
    for (const migration of Object.values(steps)) expect(migration.up).toBeInstanceOf(Function);
  });

  it('takes built steps (.js) and ignores source maps', async () => {
    const path = folder({ '0001-a.js': step, '0001-a.js.map': '{}', '0002-b-c.js': step });
    expect(Object.keys(await loadMigrations(path))).toEqual(['0001-a', '0002-b-c']);
  });

  it('refuses two steps with one number, a misnamed file, and a file without up()', async () => {
    await expect(loadMigrations(folder({ '0003-a.js': step, '0003-b.js': step }))).rejects.toThrow(
      /holds two migrations numbered 0003 \(0003-a\.js and 0003-b\.js\): renumber the one not yet released/,
    );
    await expect(loadMigrations(folder({ '3-serving.js': step }))).rejects.toThrow(
      /3-serving\.js: every file in the migrations folder is a step named NNNN-name\.ts/,
    );
    await expect(loadMigrations(folder({ '0003-helpers.js': 'exports.down = 1;\n' }))).rejects.toThrow(
      /0003-helpers\.js exports no up\(db, types\)/,
    );
  });
});

describe('SQLite connection', () => {
  it('opens in WAL mode with synchronous=FULL and foreign keys on', async () => {
    const handle = await openDatabase({ kind: 'sqlite', file: join(dir, 'c.sqlite') });
    const pragma = async (name: string) =>
      Object.values((await sql.raw(`PRAGMA ${name}`).execute(handle.db)).rows[0] as object)[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(2);
    expect(await pragma('foreign_keys')).toBe(1);
    await handle.close();
  });

  it('names the file it cannot open', async () => {
    writeFileSync(join(dir, 'file'), '');
    await expect(openDatabase({ kind: 'sqlite', file: join(dir, 'file', 'c.sqlite') })).rejects.toThrow(
      /^cannot open SQLite database .*file\/c\.sqlite: /,
    );
  });
});

describe('PostgreSQL connection', () => {
  it('lets exactly one of several coordinators booting at once migrate a fresh database', async () => {
    const url = await server.createDatabase();
    const handles = await Promise.all([1, 2, 3].map(() => connectDatabase({ kind: 'postgres', url, poolSize: 1 })));
    const steps = await loadMigrations();
    const ran = await Promise.all(handles.map((handle) => migrate(handle, steps)));
    expect(ran.filter((applied) => applied.length > 0)).toEqual([STEPS]);
    expect(await ledger(handles[0])).toEqual(STEPS);
    await Promise.all(handles.map((handle) => handle.close()));
  });

  it('hands BIGINTs back as numbers, and refuses one a number cannot hold exactly', async () => {
    const handle = await openDatabase({ kind: 'postgres', url: await server.createDatabase(), poolSize: 1 });
    const sites = buildCoreRepositories(handle).sites;
    const site = { name: 'a', status: 'ACTIVE', tokenSha256: 't', revokedAt: null, lastSeenAt: null } as const;
    await sites.create({ ...site, id: 's1', createdAt: 2 ** 53 - 1 });
    expect((await sites.get('s1'))?.createdAt).toBe(2 ** 53 - 1);
    await sql`UPDATE sites SET created_at = ${'1152921504606846977'}::bigint`.execute(handle.db);
    await expect(sites.get('s1')).rejects.toThrow(
      'PostgreSQL returned the BIGINT 1152921504606846977: expected an integer within ±2^53',
    );
    await handle.close();
  });

  it('stops boot with the masked URL, the cause and what it expected when the server is not there', async () => {
    const port = await freePort();
    const url = `postgres://fed:s3cret@127.0.0.1:${port}/fedstroke`;
    const failure = await openDatabase({ kind: 'postgres', url, poolSize: 1 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DatabaseUnreachableError);
    const message = (failure as Error).message;
    expect(message).toContain(`FEDSTROKE_DATABASE_URL=postgres://fed:***@127.0.0.1:${port}/fedstroke`);
    expect(message).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    expect(message).toContain('expected a running PostgreSQL server');
    expect(message).not.toContain('s3cret');
  });

  it('names a database that does not exist on a server that does', async () => {
    const url = server.url.replace(/\/postgres$/, '/no_such_db');
    await expect(openDatabase({ kind: 'postgres', url, poolSize: 1 })).rejects.toThrow(
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
