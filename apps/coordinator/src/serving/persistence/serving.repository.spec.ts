/**
 * The serving audit contract on both engines (SQLite in a temp file, a real PostgreSQL server), each test on a fresh,
 * migrated database: the latest PROMOTE/WITHDRAW decides, per model version too, DECLINEs never do, and the history
 * reads newest first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EphemeralPostgres, startEphemeralPostgres } from '@fedstroke/test-support';
import { buildCoreRepositories } from '../../persistence/core-repositories';
import { closeDatabase, type DatabaseHandle, openDatabase } from '../../persistence/database-handle';
import type { FederationRecord } from '../../persistence/records';
import type { ServingEventRecord } from './serving-records';
import { SqlServingRepository } from './sql-serving.repository';

const T = 1_760_000_000_000;
const federation: FederationRecord = {
  id: 'f1',
  name: 'isles',
  status: 'COMPLETED',
  createdAt: T,
  startedAt: T,
  endedAt: T + 10,
  statusReason: null,
  config: {
    strategy: 'FEDAVG',
    rounds: 1,
    sitesPerRound: 1,
    quorum: 1,
    minUpdatesAtDeadline: 1,
    deadlineSeconds: 60,
    localSteps: 1,
    learningRate: 0.1,
    model: { name: 'tiny', parameterCount: 4, parameterLayoutSha256: 'a'.repeat(64) },
    strategyParams: {},
  },
};
const version = (id: string, roundIndex: number) => ({
  id,
  federationId: 'f1',
  roundIndex,
  sha256: id.repeat(64).slice(0, 64),
  sizeBytes: 16,
  file: `models/f1/${id}.f32`,
  metrics: {},
  createdAt: T + roundIndex,
});
const event = (
  id: string,
  action: ServingEventRecord['action'],
  modelVersionId: string | null,
  actor: ServingEventRecord['actor'] = 'ADMIN',
): ServingEventRecord => ({
  id,
  at: T + 100,
  action,
  actor,
  actorName: actor === 'ADMIN' ? 'dr.lee' : null,
  tokenFingerprint: actor === 'ADMIN' ? 'f'.repeat(16) : null,
  modelVersionId,
  modelSha256: modelVersionId ? modelVersionId.repeat(64).slice(0, 64) : null,
  federationId: 'f1',
  reason: `${action} ${id}`,
});

let server: EphemeralPostgres;
beforeAll(async () => {
  server = await startEphemeralPostgres();
});
afterAll(() => server?.stop());

describe.each(['sqlite', 'postgres'] as const)('%s serving repository', (kind) => {
  let dir: string;
  let handle: DatabaseHandle;
  let repo: SqlServingRepository;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fedstroke-serving-repo-'));
    handle = await openDatabase(
      kind === 'sqlite'
        ? { kind, file: join(dir, 'c.sqlite') }
        : { kind, url: await server.createDatabase(), poolSize: 2 },
    );
    // The events point at real rows: a federation and two of its model versions.
    const core = buildCoreRepositories(handle);
    await core.federations.create(federation, version('a', 0), {
      siteIds: [],
      at: T,
      reason: 'no members needed here',
    });
    await core.rounds.open({
      id: 'r1',
      federationId: 'f1',
      index: 1,
      status: 'OPEN',
      baseModelVersionId: 'a',
      resultModelVersionId: null,
      startedAt: T,
      deadlineAt: T + 60_000,
      closedAt: null,
      endedAt: null,
      metrics: {},
      aggregation: {},
      failureReason: null,
      config: null,
    });
    await core.rounds.close('r1', T + 1, 'closed');
    await core.rounds.complete({
      roundId: 'r1',
      at: T + 2,
      next: null,
      metrics: {},
      aggregation: {},
      modelVersion: version('b', 1),
    });
    repo = new SqlServingRepository(handle);
  });
  afterEach(async () => {
    await closeDatabase(handle);
    rmSync(dir, { recursive: true, force: true });
  });

  it('decides by the latest PROMOTE or WITHDRAW, overall and per model version, never by a DECLINE', async () => {
    expect(await repo.latestDecision()).toBeNull();
    expect(await repo.policyDecided('f1')).toBe(false);
    await repo.record(event('e1', 'DECLINE', 'b', 'POLICY'));
    expect(await repo.latestDecision()).toBeNull();
    expect(await repo.policyDecided('f1')).toBe(true);
    await repo.record(event('e2', 'PROMOTE', 'b'));
    await repo.record(event('e3', 'PROMOTE', 'a'));
    expect(await repo.latestDecision()).toEqual(event('e3', 'PROMOTE', 'a'));
    expect((await repo.latestDecisionFor('b'))?.id).toBe('e2');
    await repo.record(event('e4', 'WITHDRAW', 'a'));
    expect((await repo.latestDecision())?.action).toBe('WITHDRAW');
    expect((await repo.latestDecisionFor('a'))?.action).toBe('WITHDRAW');
    expect((await repo.latestDecisionFor('b'))?.action).toBe('PROMOTE');
    expect(await repo.latestDecisionFor('nope')).toBeNull();

    const page = await repo.list({ offset: 1, limit: 2 });
    expect(page.totalCount).toBe(4);
    expect(page.items.map((e) => e.id)).toEqual(['e3', 'e2']);
  });

  it('refuses an event for a model version that does not exist', async () => {
    // Caught by hand: better-sqlite3's error class comes from the first test file that loaded it in this worker, so
    // jest's rejects.toThrow does not recognise it as an Error here.
    const refused = await repo.record(event('e1', 'PROMOTE', 'missing')).then(
      () => null,
      (error: unknown) => String((error as Error).message),
    );
    expect(refused).toMatch(/FOREIGN KEY|foreign key/);
  });
});
