/**
 * Databases written by release 0.1 (fixtures/release-0.1: a SQLite file and a pg_dump, both written through that
 * release's own repositories, and records.json, everything it read back from them; made by make-release-fixtures.gen.ts
 * in the commit that added them, removed since, as it ran on the release's code) open on this persistence layer:
 * their ledger is adopted without applying a step twice, every row reads back as the release read it, the
 * coordinator keeps working on them, and their schema is the one a fresh database gets from migrations/.
 */
import { sql } from 'kysely';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { type EphemeralPostgres, startEphemeralPostgres } from '@fedstroke/test-support';
import type { DatabaseConfig } from '../config/coordinator-config';
import { SqlInferenceRepository } from '../inference/persistence/sql-inference.repository';
import { buildCoreRepositories } from './core-repositories';
import { connectDatabase, type DatabaseHandle } from './database-handle';
import { roundConfigOf } from '../orchestration/strategy-config';
import { type Engine, existingTables } from './engines/engine-differences';
import { loadMigrations, migrate } from './migrator';
import type { ParticipationRecord } from './records';

const FIXTURE = join(__dirname, 'fixtures', 'release-0.1');
const released = JSON.parse(readFileSync(join(FIXTURE, 'records.json'), 'utf8'));
/** When the fixture's story happened (its times are offsets from this). */
const T = 1_760_000_000_000;
const ALL = { offset: 0, limit: 1000 };
const UNIQUE_VIOLATION = /UNIQUE constraint failed|duplicate key value violates unique constraint/;

let server: EphemeralPostgres;
let dir: string;
beforeAll(async () => {
  server = await startEphemeralPostgres();
});
afterAll(() => server?.stop());
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'fedstroke-release-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the release's database (the fixture itself is never written). */
async function releaseDatabase(engine: Engine): Promise<DatabaseConfig> {
  if (engine === 'sqlite') {
    const file = join(dir, 'coordinator.sqlite');
    copyFileSync(join(FIXTURE, 'coordinator.sqlite'), file);
    return { kind: 'sqlite', file };
  }
  const url = await server.createDatabase();
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    // The dump empties search_path for its session; this client is used for nothing else.
    await client.query(readFileSync(join(FIXTURE, 'coordinator.pg.sql'), 'utf8'));
  } finally {
    await client.end();
  }
  return { kind: 'postgres', url, poolSize: 2 };
}

async function freshDatabase(engine: Engine): Promise<DatabaseHandle> {
  const handle = await connectDatabase(
    engine === 'sqlite'
      ? { kind: 'sqlite', file: join(dir, 'fresh.sqlite') }
      : { kind: 'postgres', url: await server.createDatabase(), poolSize: 1 },
  );
  await migrate(handle, await loadMigrations());
  return handle;
}

/** Everything, through this layer's repositories, as the fixture generator read it through the release's. */
async function readBack(handle: DatabaseHandle) {
  const repos = buildCoreRepositories(handle);
  const inference = new SqlInferenceRepository(handle);
  const federations = (await repos.federations.list(ALL)).items;
  const rounds = [];
  const participations = [];
  const modelVersions = [];
  for (const federation of federations) {
    const listed = (await repos.rounds.list(federation.id, ALL)).items;
    rounds.push(...listed);
    for (const round of listed) participations.push(...(await repos.participations.list(round.id, ALL)).items);
    modelVersions.push(...(await repos.modelVersions.list(federation.id, ALL)).items);
  }
  return {
    federations,
    sites: (await repos.sites.list(ALL)).items,
    rounds,
    participations,
    modelVersions,
    uploads: [await inference.getUpload(released.uploads[0].id, T)],
    expiredUploads: await inference.listExpiredUploads(T + 86_400_000),
    jobs: await Promise.all(released.jobs.map((job: { id: string }) => inference.getJob(job.id))),
    audit: await inference.listAudit(100),
  };
}

describe.each(['sqlite', 'postgres'] as const)('%s database written by release 0.1', (engine) => {
  let handle: DatabaseHandle;
  beforeEach(async () => {
    handle = await connectDatabase(await releaseDatabase(engine));
  });
  afterEach(() => handle.close());

  it('adopts its ledger without applying a step again, and reads back every row as the release did', async () => {
    const releaseLedger = (
      await sql<{
        version: number;
        applied_at: number;
      }>`SELECT version, applied_at FROM schema_migrations ORDER BY version`.execute(handle.db)
    ).rows;
    expect(releaseLedger.map((row) => row.version)).toEqual([1, 2]);

    // Only the steps written after the release run: its own are adopted, not applied again.
    expect(await migrate(handle, await loadMigrations())).toEqual([
      '0003-serving',
      '0004-federation-members',
      '0005-secure-aggregation',
      '0006-round-config',
    ]);
    expect(await existingTables(handle.db, engine, ['schema_migrations', 'sites'])).toEqual(new Set(['sites']));
    const ledger = await sql<{
      name: string;
      timestamp: string;
    }>`SELECT name, timestamp FROM kysely_migration ORDER BY name`.execute(handle.db);
    expect(ledger.rows).toEqual([
      { name: '0001-initial', timestamp: new Date(releaseLedger[0].applied_at).toISOString() },
      { name: '0002-inference', timestamp: new Date(releaseLedger[1].applied_at).toISOString() },
      { name: '0003-serving', timestamp: expect.any(String) },
      { name: '0004-federation-members', timestamp: expect.any(String) },
      { name: '0005-secure-aggregation', timestamp: expect.any(String) },
      { name: '0006-round-config', timestamp: expect.any(String) },
    ]);
    // The release stored no round configuration (migration 0006): its rounds read back with none.
    const rounds = released.rounds.map((round: object) => ({ ...round, config: null }));
    expect(await readBack(handle)).toEqual({ ...released, rounds });
    expect(await migrate(handle, await loadMigrations())).toEqual([]);
  });

  it('keeps working: the open round completes and ends its federation, new rows extend the old ones', async () => {
    await migrate(handle, await loadMigrations());
    const repos = buildCoreRepositories(handle);
    const inference = new SqlInferenceRepository(handle);
    const federation = released.federations.find((f: { status: string }) => f.status === 'RUNNING');
    const open = await repos.rounds.latest(federation.id);
    expect(open).toMatchObject({ index: 3, status: 'OPEN', config: null });
    // Its sites are told what the release told them: FedProx μ and local training from the federation's config.
    expect(roundConfigOf(federation, open!)).toMatchObject({
      roundIndex: 3,
      strategy: 'fedprox',
      proximalMu: 0.01,
      localSteps: 5,
      learningRate: 0.001,
      numParameters: 1000,
    });
    const training = (await repos.participations.listByStatus(open!.id, 'ASSIGNED')) as ParticipationRecord[];
    expect(training).toHaveLength(1);
    // Each federation's members are the sites that had taken part in it, recorded in the membership audit.
    for (const { id } of released.federations) {
      const tookPart = released.participations.filter((p: ParticipationRecord) => p.federationId === id);
      const siteIds = [...new Set(tookPart.map((p: ParticipationRecord) => p.siteId))].sort();
      expect((await repos.members.list(id)).map((m) => m.site.id).sort()).toEqual(siteIds);
      const events = await repos.members.events(id);
      expect(events.map((e) => e.siteId).sort()).toEqual(siteIds);
      expect(new Set(events.map((e) => e.action))).toEqual(new Set(siteIds.length > 0 ? ['ADD'] : []));
    }
    expect((await repos.members.list(federation.id)).length).toBeGreaterThan(0);
    expect(await repos.participations.findOpenAssignment(training[0].siteId)).toEqual(training[0]);

    const receipt = { numSamples: 9, metrics: { loss: 0.125 }, bytesReceived: 4000, updateSha256: 'e'.repeat(64) };
    expect(await repos.participations.accept(training[0].id, T + 200, { ...receipt, updateFile: 'u.f32' })).toBe(true);
    expect(await repos.rounds.close(open!.id, T + 201, 'every assigned site reported')).toBe(true);
    const model = { ...released.modelVersions[2], id: 'v3', roundIndex: 3, createdAt: T + 202 };
    await repos.rounds.complete({
      roundId: open!.id,
      at: T + 202,
      next: null,
      modelVersion: model,
      metrics: { loss: 0.125 },
      aggregation: { strategy: 'FEDPROX', participants: 1 },
    });
    expect(await repos.federations.get(federation.id)).toMatchObject({ status: 'COMPLETED', endedAt: T + 202 });
    expect(await repos.modelVersions.latest(federation.id)).toEqual(model);
    expect(await repos.participations.counts(open!.id)).toMatchObject({ accepted: 1, failed: 1, total: 2 });

    // The release's unique constraints and indexes still hold for what it wrote.
    const site = released.sites[0];
    expect(await repos.sites.findByTokenHash(site.tokenSha256)).toEqual(site);
    const duplicate = { ...site, id: 'new-site', tokenSha256: 'z'.repeat(64) };
    expect(
      await repos.sites.create(duplicate).then(
        () => 'created',
        (e: Error) => e.message,
      ),
    ).toMatch(UNIQUE_VIOLATION);
    await repos.sites.create({ ...duplicate, name: 'hospital-d' });
    expect((await repos.sites.list(ALL)).totalCount).toBe(released.sites.length + 1);

    // Inference: the succeeded job expires (its stored summary intact), a new audit entry numbers after the old.
    const [succeeded] = released.jobs;
    expect(await inference.updateJob(succeeded.id, ['SUCCEEDED'], { status: 'EXPIRED', maskFile: null })).toEqual({
      ...succeeded,
      status: 'EXPIRED',
      maskFile: null,
    });
    const entry = { ...released.audit[0], at: T + 300, action: 'DOWNLOAD' as const, outcome: 'REFUSED' };
    await inference.audit(entry);
    expect(await inference.listAudit(released.audit.length + 1)).toEqual([entry, ...released.audit]);
  });

  it('has the schema a fresh database gets from migrations/', async () => {
    await migrate(handle, await loadMigrations());
    const fresh = await freshDatabase(engine);
    try {
      const describe = engine === 'sqlite' ? describeSqliteSchema : describePostgresSchema;
      const expected = await describe(fresh);
      expect(Object.keys(expected)).toHaveLength(13);
      expect(await describe(handle)).toEqual(expected);
    } finally {
      await fresh.close();
    }
  });
});

/** Table by table: columns, keys, unique constraints, foreign keys, checks and indexes, without incidental names. */
async function describeSqliteSchema(handle: DatabaseHandle): Promise<Record<string, unknown>> {
  const rows = async <T>(query: string) => (await sql.raw<T>(query).execute(handle.db)).rows;
  // Compare SQL text without quotes, case or whitespace: `"status" in ('A', 'B')` and `status IN ('A','B')` agree.
  const normal = (text: string) => text.replace(/["\s]/g, '').toLowerCase();
  const tables = await rows<{ name: string; sql: string }>(
    `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%'`,
  );
  const schema: Record<string, unknown> = {};
  for (const table of tables) {
    const indexes = await rows<{ name: string; unique: number; origin: string; partial: number }>(
      `SELECT name, "unique", origin, partial FROM pragma_index_list('${table.name}')`,
    );
    const indexSql = await rows<{ name: string; sql: string | null }>(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = '${table.name}'`,
    );
    schema[table.name] = {
      columns: (
        await rows<{ name: string; type: string; notnull: number; dflt_value: unknown; pk: number }>(
          `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info('${table.name}')`,
        )
      ).map((column) => ({ ...column, type: column.type.toUpperCase() })),
      foreignKeys: await rows(
        `SELECT "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list('${table.name}')`,
      ),
      checks: normal(table.sql).match(/check\((?:[^()]|\([^()]*\))*\)/g) ?? [],
      autoincrement: /autoincrement/i.test(table.sql),
      indexes: await Promise.all(
        indexes
          .sort((a, b) => (a.origin + a.name).localeCompare(b.origin + b.name))
          .map(async (index) => ({
            name: index.origin === 'c' ? index.name : index.origin,
            unique: index.unique,
            columns: (await rows<{ name: string }>(`SELECT name FROM pragma_index_info('${index.name}')`)).map(
              (c) => c.name,
            ),
            sql: normal(indexSql.find((s) => s.name === index.name)?.sql ?? ''),
          })),
      ),
    };
  }
  return schema;
}

async function describePostgresSchema(handle: DatabaseHandle): Promise<Record<string, unknown>> {
  const rows = async <T extends { table_name: string }>(query: string) =>
    (await sql.raw<T>(query).execute(handle.db)).rows;
  const columns = await rows(
    `SELECT table_name, column_name, data_type, is_nullable, column_default, collation_name, is_identity,
       identity_generation FROM information_schema.columns WHERE table_schema = 'public' ORDER BY ordinal_position`,
  );
  const constraints = await rows(
    `SELECT c.conrelid::regclass::text AS table_name, c.conname, pg_get_constraintdef(c.oid) AS definition
     FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' ORDER BY c.conname`,
  );
  const indexes = await rows(
    `SELECT tablename AS table_name, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`,
  );
  const schema: Record<string, unknown> = {};
  for (const { table_name } of columns) {
    if (table_name.startsWith('kysely_') || table_name in schema) continue;
    const of = <T extends { table_name: string }>(list: T[]) => list.filter((row) => row.table_name === table_name);
    schema[table_name] = { columns: of(columns), constraints: of(constraints), indexes: of(indexes) };
  }
  return schema;
}
