import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FederationRecord, ModelVersionRecord, ParticipationRecord, RoundRecord } from '../records';
import { openSqliteDatabase, type SqliteHandle } from './sqlite-database';
import { SqliteFederationRepository } from './sqlite-federation.repository';
import { SqliteParticipationRepository } from './sqlite-participation.repository';
import { SqliteRoundRepository } from './sqlite-round.repository';
import { SqliteSiteRepository } from './sqlite-site.repository';

const federation: FederationRecord = {
  id: 'f1',
  name: 'fed',
  status: 'RUNNING',
  createdAt: 1,
  startedAt: 1,
  endedAt: null,
  statusReason: null,
  config: {
    strategy: 'FEDAVG',
    rounds: 2,
    sitesPerRound: 2,
    quorum: 2,
    minUpdatesAtDeadline: 1,
    deadlineSeconds: 10,
    localSteps: 1,
    learningRate: 0.1,
    model: { name: 'm', parameterCount: 4, parameterLayoutSha256: 'a'.repeat(64) },
    strategyParams: {},
  },
};
const version = (id: string, roundIndex: number): ModelVersionRecord => ({
  id,
  federationId: 'f1',
  roundIndex,
  sha256: 'b'.repeat(64),
  sizeBytes: 16,
  file: `models/${id}.f32`,
  metrics: {},
  createdAt: 2,
});
const round = (id: string, index: number, base: string): RoundRecord => ({
  id,
  federationId: 'f1',
  index,
  status: 'OPEN',
  baseModelVersionId: base,
  resultModelVersionId: null,
  startedAt: 3,
  deadlineAt: 100,
  closedAt: null,
  endedAt: null,
  metrics: {},
  aggregation: {},
  failureReason: null,
});
const participation = (id: string, siteId: string): ParticipationRecord => ({
  id,
  roundId: 'r1',
  federationId: 'f1',
  siteId,
  status: 'ASSIGNED',
  assignedAt: 4,
  updatedAt: 4,
  numSamples: null,
  metrics: {},
  rejectionReason: null,
  bytesReceived: 0,
  updateSha256: null,
  updateFile: null,
});
const receipt = {
  numSamples: 5,
  metrics: { loss: 1 },
  bytesReceived: 16,
  updateSha256: 'c'.repeat(64),
  updateFile: 'u.f32',
};

describe('SQLite repositories', () => {
  let dir: string;
  let db: SqliteHandle;
  let rounds: SqliteRoundRepository;
  let participations: SqliteParticipationRepository;
  let federations: SqliteFederationRepository;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fedstroke-repo-'));
    db = openSqliteDatabase(join(dir, 'c.sqlite'));
    federations = new SqliteFederationRepository(db);
    rounds = new SqliteRoundRepository(db);
    participations = new SqliteParticipationRepository(db);
    const sites = new SqliteSiteRepository(db);
    for (const id of ['s1', 's2', 's3']) {
      await sites.create({
        id,
        name: id,
        status: 'ACTIVE',
        tokenSha256: id.repeat(10),
        createdAt: 0,
        revokedAt: null,
        lastSeenAt: null,
      });
    }
    await federations.create(federation, version('v0', 0));
    await rounds.open(round('r1', 1, 'v0'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('assigns at most sitesPerRound sites, once each, and only while the round is open', async () => {
    expect(await participations.assign(participation('p1', 's1'), 2)).toMatchObject({ status: 'ASSIGNED' });
    expect(await participations.assign(participation('p1b', 's1'), 2)).toBeNull();
    expect(await participations.assign(participation('p2', 's2'), 2)).not.toBeNull();
    expect(await participations.assign(participation('p3', 's3'), 2)).toBeNull();
    expect((await participations.findOpenAssignment('s1'))?.id).toBe('p1');
  });

  it('accepts an update only while the round is open, and closing drops the rest', async () => {
    await participations.assign(participation('p1', 's1'), 2);
    await participations.assign(participation('p2', 's2'), 2);
    expect(await participations.accept('p1', 5, receipt)).toBe(true);
    expect(await participations.accept('p1', 5, receipt)).toBe(false);
    expect(await rounds.close('r1', 6, 'closed early')).toBe(true);
    expect(await rounds.close('r1', 6, 'again')).toBe(false);
    expect(await participations.accept('p2', 7, receipt)).toBe(false);
    expect(await participations.get('p2')).toMatchObject({ status: 'DROPPED', rejectionReason: 'closed early' });
    expect(await participations.counts('r1')).toEqual({
      assigned: 0,
      accepted: 1,
      rejected: 0,
      failed: 0,
      dropped: 1,
      total: 2,
    });
  });

  it('completes a round, stores its model and opens the next in one transaction; the last completes the federation', async () => {
    await rounds.close('r1', 6, 'quorum');
    await rounds.complete({
      roundId: 'r1',
      at: 7,
      next: round('r2', 2, 'v1'),
      modelVersion: version('v1', 1),
      metrics: { loss: 1 },
      aggregation: { strategy: 'fedavg' },
    });
    expect(await rounds.get('r1')).toMatchObject({
      status: 'COMPLETED',
      resultModelVersionId: 'v1',
      metrics: { loss: 1 },
    });
    expect((await rounds.latest('f1'))?.id).toBe('r2');

    // Completing a round that is not AGGREGATING rolls everything back, including the model version insert.
    await expect(
      rounds.complete({
        roundId: 'r2',
        at: 8,
        next: null,
        modelVersion: version('v2', 2),
        metrics: {},
        aggregation: {},
      }),
    ).rejects.toThrow(/round r2 is not AGGREGATING/);
    expect(db.prepare(`SELECT id FROM model_versions WHERE id = 'v2'`).get()).toBeUndefined();

    await rounds.close('r2', 9, 'deadline');
    await rounds.fail({ roundId: 'r2', at: 10, next: null, reason: 'no updates' });
    expect(await federations.get('f1')).toMatchObject({ status: 'COMPLETED', endedAt: 10 });
  });

  it('moves a federation only from the expected statuses', async () => {
    expect(await federations.transition('f1', ['CREATED'], 'RUNNING', {})).toBeNull();
    expect(await federations.transition('f1', ['RUNNING'], 'PAUSED', { statusReason: 'why' })).toMatchObject({
      status: 'PAUSED',
      statusReason: 'why',
    });
    expect(await rounds.cancelFederation('f1', 11, 'stop')).toMatchObject({
      status: 'CANCELLED',
      statusReason: 'stop',
    });
    expect(await rounds.get('r1')).toMatchObject({ status: 'CANCELLED' });
  });
});
