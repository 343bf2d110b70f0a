/**
 * The repository contract (repositories.ts), run unchanged against both backends: SQLite in a temp file and a real
 * PostgreSQL server (test/support/ephemeral-postgres.ts), each test on a fresh database. Times are realistic epoch
 * milliseconds, beyond 2^31, so a backend that stored or returned them as anything but exact numbers fails here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EphemeralPostgres, startEphemeralPostgres } from '@fedstroke/test-support';
import { buildCoreRepositories, type CoreRepositories } from './core-repositories';
import { federationFixture } from './testing/federation-fixture';
import { inMemoryRepositories } from './testing/in-memory-repositories';
import { closeDatabase, type DatabaseHandle, openDatabase } from './database-handle';
import type { FederationRecord, ModelVersionRecord, ParticipationRecord, RoundRecord, SiteRecord } from './records';

const T = 1_760_000_000_000;

const federation: FederationRecord = {
  ...federationFixture({ rounds: 2 }),
  id: 'f1',
  name: 'fed',
  createdAt: T + 1,
  startedAt: T + 1,
};
const site = (id: string): SiteRecord => ({
  id,
  name: id,
  status: 'ACTIVE',
  tokenSha256: id.repeat(10),
  createdAt: T,
  revokedAt: null,
  lastSeenAt: null,
});
const version = (id: string, roundIndex: number): ModelVersionRecord => ({
  id,
  federationId: 'f1',
  roundIndex,
  sha256: 'b'.repeat(64),
  sizeBytes: 5_000_000_000,
  file: `models/${id}.f32`,
  metrics: {},
  createdAt: T + 2,
});
const round = (id: string, index: number, base: string): RoundRecord => ({
  id,
  federationId: 'f1',
  index,
  status: 'OPEN',
  baseModelVersionId: base,
  resultModelVersionId: null,
  startedAt: T + 3,
  deadlineAt: T + 100,
  closedAt: null,
  endedAt: null,
  metrics: {},
  aggregation: {},
  failureReason: null,
  config: {
    roundIndex: index,
    strategy: 'fedprox',
    numParameters: 1000,
    localSteps: 5,
    learningRate: 0.001,
    proximalMu: 0.25,
    privacy: { clipNorm: 2, noiseMultiplier: 0.5, noiseSeed: 77 },
  },
});
const participation = (id: string, siteId: string): ParticipationRecord => ({
  id,
  roundId: 'r1',
  federationId: 'f1',
  siteId,
  status: 'ASSIGNED',
  assignedAt: T + 4,
  updatedAt: T + 4,
  numSamples: null,
  metrics: {},
  rejectionReason: null,
  bytesReceived: 0,
  updateSha256: null,
  updateFile: null,
});
/** s4 is registered but no member of f1. */
const members = { siteIds: ['s1', 's2', 's3'], at: T + 1, reason: 'named at creation' };
const receipt = {
  numSamples: 5,
  metrics: { loss: 1 },
  bytesReceived: 16,
  updateSha256: 'c'.repeat(64),
  updateFile: 'u.f32',
};

/** SQLite's and PostgreSQL's words for a unique-constraint violation. */
const UNIQUE_VIOLATION = /UNIQUE constraint failed|duplicate key value violates unique constraint/;

/**
 * The message a promise rejects with. Not `rejects.toThrow()`: a native driver's errors may belong to the realm of
 * whichever spec file loaded the addon first in this jest worker, and jest does not count those as errors.
 */
const rejection = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: { message: string }) => error.message,
  );

let server: EphemeralPostgres;
beforeAll(async () => {
  server = await startEphemeralPostgres();
});
afterAll(() => server?.stop());

// 'memory' is the unit specs' stand-in (testing/in-memory-repositories.ts), held to the same contract.
describe.each(['sqlite', 'postgres', 'memory'] as const)('%s repositories', (kind) => {
  let dir: string;
  let handle: DatabaseHandle | null;
  let repos: CoreRepositories;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fedstroke-repo-'));
    handle =
      kind === 'memory'
        ? null
        : await openDatabase(
            kind === 'sqlite'
              ? { kind, file: join(dir, 'c.sqlite') }
              : { kind, url: await server.createDatabase(), poolSize: 4 },
          );
    repos = handle ? buildCoreRepositories(handle) : inMemoryRepositories();
    for (const id of ['s1', 's2', 's3', 's4']) await repos.sites.create(site(id));
    await repos.federations.create(federation, version('v0', 0), members);
    await repos.rounds.open(round('r1', 1, 'v0'));
  });
  afterEach(async () => {
    if (handle) await closeDatabase(handle);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads back exactly what it stored: big integers as numbers, JSON with its key order', async () => {
    expect(await repos.federations.get('f1')).toEqual(federation);
    expect(await repos.federations.getByName('fed')).toEqual(federation);
    expect(await repos.sites.get('s1')).toEqual(site('s1'));
    expect(await repos.modelVersions.get('v0')).toEqual(version('v0', 0));
    expect(await repos.rounds.get('r1')).toEqual(round('r1', 1, 'v0'));
    await repos.rounds.close('r1', T + 6, 'quorum');
    await repos.rounds.complete({
      roundId: 'r1',
      at: T + 7,
      next: null,
      modelVersion: { ...version('v1', 1), metrics: { zeta: 0.25, alpha: 1e-9 } },
      metrics: { zeta: 1, alpha: 2 },
      aggregation: { strategy: 'fedavg', participants: 2 },
    });
    const completed = await repos.rounds.get('r1');
    expect(Object.keys(completed?.metrics ?? {})).toEqual(['zeta', 'alpha']);
    expect(completed?.aggregation).toEqual({ strategy: 'fedavg', participants: 2 });
    expect((await repos.modelVersions.latest('f1'))?.metrics).toEqual({ zeta: 0.25, alpha: 1e-9 });
    expect(await repos.federations.get('nope')).toBeNull();
    expect(await repos.rounds.get('nope')).toBeNull();
  });

  it('assigns at most sitesPerRound sites, once each, and only while the round is open', async () => {
    const { participations } = repos;
    expect(await participations.assign(participation('p1', 's1'), 2)).toMatchObject({ status: 'ASSIGNED' });
    expect(await participations.assign(participation('p1b', 's1'), 2)).toBeNull();
    expect(await participations.assign(participation('p2', 's2'), 2)).not.toBeNull();
    expect(await participations.assign(participation('p3', 's3'), 2)).toBeNull();
    expect((await participations.findOpenAssignment('s1'))?.id).toBe('p1');
    expect(await participations.find('r1', 's2')).toEqual(participation('p2', 's2'));
    expect(await participations.assign(participation('p4', 's4'), 5)).toBeNull();
    await repos.rounds.close('r1', T + 5, 'closed');
    expect(await participations.findOpenAssignment('s1')).toBeNull();
    expect(await participations.assign(participation('p4', 's3'), 3)).toBeNull();
  });

  it('gives the last seat to exactly one of several sites asking at once', async () => {
    const asks = ['s1', 's2', 's3'].map((id) => repos.participations.assign(participation(`p-${id}`, id), 2));
    const granted = (await Promise.all(asks)).filter((p) => p !== null);
    expect(granted).toHaveLength(2);
    expect((await repos.participations.counts('r1')).assigned).toBe(2);
  });

  it('accepts an update only while the round is open, and closing drops the rest', async () => {
    const { participations, rounds } = repos;
    await participations.assign(participation('p1', 's1'), 2);
    await participations.assign(participation('p2', 's2'), 2);
    expect(await participations.accept('p1', T + 5, receipt)).toBe(true);
    expect(await participations.accept('p1', T + 5, receipt)).toBe(false);
    expect(await participations.get('p1')).toMatchObject({ status: 'ACCEPTED', numSamples: 5, bytesReceived: 16 });
    expect(await rounds.close('r1', T + 6, 'closed early')).toBe(true);
    expect(await rounds.close('r1', T + 6, 'again')).toBe(false);
    expect(await participations.accept('p2', T + 7, receipt)).toBe(false);
    expect(await participations.get('p2')).toMatchObject({ status: 'DROPPED', rejectionReason: 'closed early' });
    expect(await rounds.get('r1')).toMatchObject({ status: 'AGGREGATING', closedAt: T + 6 });
    expect(await participations.counts('r1')).toEqual({
      assigned: 0,
      accepted: 1,
      rejected: 0,
      failed: 0,
      dropped: 1,
      total: 2,
    });
    expect((await participations.listByStatus('r1', 'ACCEPTED')).map((p) => p.id)).toEqual(['p1']);
  });

  it('rejects and fails participations with the recorded reason, never overturning an accepted update', async () => {
    const { participations } = repos;
    for (const [id, siteId] of [
      ['p1', 's1'],
      ['p2', 's2'],
      ['p3', 's3'],
    ]) {
      await participations.assign(participation(id, siteId), 3);
    }
    await participations.reject('p1', T + 5, 'NaN in update', { numSamples: 3, bytesReceived: 10 });
    await participations.reject('p1', T + 6, 'sent again', { bytesReceived: 7, metrics: { loss: 2 } });
    // The first reason stays: a later refusal of the same participation does not hide why it was rejected.
    expect(await participations.get('p1')).toMatchObject({
      status: 'REJECTED',
      rejectionReason: 'NaN in update',
      numSamples: 3,
      bytesReceived: 17,
      metrics: { loss: 2 },
      updatedAt: T + 6,
    });
    expect(await participations.accept('p2', T + 5, receipt)).toBe(true);
    await participations.reject('p2', T + 6, 'late garbage', { bytesReceived: 99 });
    expect(await participations.get('p2')).toMatchObject({ status: 'ACCEPTED', rejectionReason: null });
    expect(await participations.fail('p3', T + 7, 'out of memory')).toBe(true);
    expect(await participations.fail('p3', T + 7, 'again')).toBe(false);
    expect(await participations.get('p3')).toMatchObject({ status: 'FAILED', rejectionReason: 'out of memory' });
  });

  it('excludes only an accepted update, with the reason aggregation could not use it', async () => {
    const { participations, rounds } = repos;
    await participations.assign(participation('p1', 's1'), 2);
    await participations.assign(participation('p2', 's2'), 2);
    expect(await participations.exclude('p1', T + 5, 'STORED_FILE_CORRUPT: sha256 differs')).toBe(false);
    expect(await participations.get('p1')).toMatchObject({ status: 'ASSIGNED', rejectionReason: null });
    expect(await participations.accept('p2', T + 5, receipt)).toBe(true);
    expect(await rounds.close('r1', T + 6, 'quorum')).toBe(true);
    expect(await participations.exclude('p2', T + 7, 'STORED_FILE_CORRUPT: sha256 differs')).toBe(true);
    expect(await participations.exclude('p2', T + 8, 'again')).toBe(false);
    expect(await participations.get('p2')).toMatchObject({
      status: 'REJECTED',
      rejectionReason: 'STORED_FILE_CORRUPT: sha256 differs',
      updatedAt: T + 7,
      numSamples: 5,
      updateSha256: receipt.updateSha256,
    });
    expect(await participations.counts('r1')).toMatchObject({ accepted: 0, rejected: 1, dropped: 1 });
  });

  it('completes a round, stores its model and opens the next in one transaction; the last completes the federation', async () => {
    const { rounds, modelVersions, federations } = repos;
    await rounds.setDeadline('r1', T + 50);
    expect((await rounds.get('r1'))?.deadlineAt).toBe(T + 50);
    await rounds.close('r1', T + 6, 'quorum');
    await rounds.setDeadline('r1', T + 60);
    expect((await rounds.get('r1'))?.deadlineAt).toBe(T + 50);
    await rounds.complete({
      roundId: 'r1',
      at: T + 7,
      next: round('r2', 2, 'v1'),
      modelVersion: version('v1', 1),
      metrics: { loss: 1 },
      aggregation: { strategy: 'fedavg' },
    });
    expect(await rounds.get('r1')).toMatchObject({
      status: 'COMPLETED',
      resultModelVersionId: 'v1',
      metrics: { loss: 1 },
      endedAt: T + 7,
    });
    expect((await rounds.latest('f1'))?.id).toBe('r2');
    expect(await rejection(rounds.open(round('r2-again', 2, 'v1')))).toMatch(UNIQUE_VIOLATION);

    // Completing a round that is not AGGREGATING rolls everything back, including the model version insert.
    await expect(
      rounds.complete({
        roundId: 'r2',
        at: T + 8,
        next: null,
        modelVersion: version('v2', 2),
        metrics: {},
        aggregation: {},
      }),
    ).rejects.toThrow(/round r2 is not AGGREGATING/);
    expect(await modelVersions.get('v2')).toBeNull();
    expect((await modelVersions.latest('f1'))?.id).toBe('v1');

    await rounds.close('r2', T + 9, 'deadline');
    await rounds.fail({ roundId: 'r2', at: T + 10, next: null, reason: 'no updates' });
    expect(await rounds.get('r2')).toMatchObject({ status: 'FAILED', failureReason: 'no updates' });
    expect(await federations.get('f1')).toMatchObject({ status: 'COMPLETED', endedAt: T + 10 });
  });

  it('ends a federation as FAILED, with its reason, when the last failed round says so', async () => {
    const { federations, rounds } = repos;
    await rounds.close('r1', T + 1, 'deadline');
    await rounds.fail({
      roundId: 'r1',
      at: T + 2,
      next: null,
      reason: 'no updates',
      finishReason: '3 rounds in a row failed',
      endStatus: 'FAILED',
    });
    expect(await rounds.get('r1')).toMatchObject({ status: 'FAILED', failureReason: 'no updates' });
    expect(await federations.get('f1')).toMatchObject({
      status: 'FAILED',
      endedAt: T + 2,
      statusReason: '3 rounds in a row failed',
    });
  });

  it('moves a federation only from the expected statuses, and cancelling drops its open round', async () => {
    const { federations, rounds, participations } = repos;
    await participations.assign(participation('p1', 's1'), 2);
    expect(await federations.transition('f1', ['CREATED'], 'RUNNING', {})).toBeNull();
    expect(await federations.transition('f1', ['RUNNING'], 'PAUSED', { statusReason: 'why' })).toMatchObject({
      status: 'PAUSED',
      statusReason: 'why',
    });
    expect(await federations.transition('f1', ['PAUSED'], 'RUNNING', { startedAt: T + 9 })).toMatchObject({
      status: 'RUNNING',
      startedAt: T + 9,
      statusReason: 'why',
    });
    expect(await federations.transition('f1', ['CREATED', 'RUNNING'], 'PAUSED', { statusReason: null })).toMatchObject({
      statusReason: null,
    });
    expect(await rounds.cancelFederation('f1', T + 11, 'stop')).toMatchObject({
      status: 'CANCELLED',
      statusReason: 'stop',
      endedAt: T + 11,
    });
    expect(await rounds.cancelFederation('f1', T + 12, 'twice')).toBeNull();
    expect(await rounds.get('r1')).toMatchObject({ status: 'CANCELLED', failureReason: 'stop' });
    expect(await participations.get('p1')).toMatchObject({
      status: 'DROPPED',
      rejectionReason: 'federation cancelled: stop',
    });
  });

  it('pages every listing in a stable order with the total count', async () => {
    const { federations, sites, rounds, modelVersions, participations } = repos;
    for (const n of [2, 3]) {
      await federations.create(
        { ...federation, id: `f${n}`, name: `fed-${n}`, status: 'CREATED', createdAt: T + n },
        { ...version(`v0-f${n}`, 0), federationId: `f${n}` },
        { ...members, siteIds: [] },
      );
    }
    const firstTwo = await federations.list({ offset: 0, limit: 2 });
    expect(firstTwo.totalCount).toBe(3);
    expect(firstTwo.items.map((f) => f.id)).toEqual(['f1', 'f2']);
    expect((await federations.list({ offset: 2, limit: 2 })).items.map((f) => f.id)).toEqual(['f3']);
    const created = await federations.list({ offset: 1, limit: 5 }, 'CREATED');
    expect(created).toMatchObject({ totalCount: 2, items: [{ id: 'f3' }] });
    expect((await federations.listByStatus('CREATED')).map((f) => f.id)).toEqual(['f2', 'f3']);

    expect(await sites.list({ offset: 1, limit: 1 })).toMatchObject({ totalCount: 4, items: [{ id: 's2' }] });
    await participations.assign(participation('p1', 's1'), 3);
    await participations.assign(participation('p2', 's2'), 3);
    expect(await participations.list('r1', { offset: 1, limit: 10 })).toMatchObject({
      totalCount: 2,
      items: [{ id: 'p2' }],
    });
    await rounds.close('r1', T + 6, 'quorum');
    await rounds.complete({
      roundId: 'r1',
      at: T + 7,
      next: round('r2', 2, 'v1'),
      modelVersion: version('v1', 1),
      metrics: {},
      aggregation: {},
    });
    expect(await rounds.list('f1', { offset: 1, limit: 5 })).toMatchObject({ totalCount: 2, items: [{ index: 2 }] });
    expect(await modelVersions.list('f1', { offset: 0, limit: 1 })).toMatchObject({
      totalCount: 2,
      items: [{ roundIndex: 0 }],
    });
    expect(await rounds.list('f2', { offset: 0, limit: 5 })).toEqual({ items: [], totalCount: 0 });
  });

  it("lists a site's participations in the asked statuses across rounds, most recently updated first", async () => {
    const { participations, rounds } = repos;
    await participations.assign(participation('p1', 's1'), 3);
    await participations.assign(participation('p2', 's2'), 3);
    await participations.fail('p1', T + 5, 'out of memory');
    await rounds.close('r1', T + 6, 'deadline');
    await rounds.fail({ roundId: 'r1', at: T + 7, reason: 'too few updates', next: round('r2', 2, 'v0') });
    await participations.assign(
      { ...participation('p3', 's1'), roundId: 'r2', assignedAt: T + 8, updatedAt: T + 8 },
      3,
    );
    await participations.reject('p3', T + 9, 'sha256 mismatch', { bytesReceived: 16 });

    const failures = await participations.listOfSite('s1', ['FAILED', 'REJECTED', 'DROPPED'], { offset: 0, limit: 10 });
    expect(failures.totalCount).toBe(2);
    expect(failures.items.map((p) => [p.id, p.status, p.rejectionReason])).toEqual([
      ['p3', 'REJECTED', 'sha256 mismatch'],
      ['p1', 'FAILED', 'out of memory'],
    ]);
    expect(await participations.listOfSite('s1', ['FAILED', 'REJECTED'], { offset: 1, limit: 1 })).toMatchObject({
      totalCount: 2,
      items: [{ id: 'p1' }],
    });
    expect(await participations.listOfSite('s2', ['DROPPED'], { offset: 0, limit: 10 })).toMatchObject({
      totalCount: 1,
      items: [{ id: 'p2', status: 'DROPPED' }],
    });
    expect(await participations.listOfSite('s3', ['FAILED'], { offset: 0, limit: 10 })).toEqual({
      items: [],
      totalCount: 0,
    });
  });

  it('finds sites by name and token hash, revokes once, and records when they were last seen', async () => {
    const { sites } = repos;
    expect(await sites.getByName('s2')).toMatchObject({ id: 's2' });
    expect(await sites.findByTokenHash('s3'.repeat(10))).toMatchObject({ id: 's3' });
    expect(await sites.findByTokenHash('unknown')).toBeNull();
    await sites.touch('s1', T + 20);
    expect((await sites.get('s1'))?.lastSeenAt).toBe(T + 20);
    expect(await sites.revoke('s1', T + 21, 'revoked')).toMatchObject({
      site: { status: 'REVOKED', revokedAt: T + 21 },
      dropped: [],
    });
    expect(await sites.revoke('s1', T + 22, 'revoked')).toMatchObject({ site: { revokedAt: T + 21 } });
    expect(await sites.revoke('nope', T + 22, 'revoked')).toBeNull();
    expect(await rejection(sites.create({ ...site('s4'), name: 's1' }))).toMatch(UNIQUE_VIOLATION);
  });

  it('names the members: only they are assigned, and every change is in the audit', async () => {
    const { members: memberships, participations } = repos;
    expect((await memberships.list('f1')).map((m) => [m.site.id, m.addedAt])).toEqual([
      ['s1', T + 1],
      ['s2', T + 1],
      ['s3', T + 1],
    ]);
    expect(await memberships.isMember('f1', 's4')).toBe(false);
    expect(await participations.assign(participation('p4', 's4'), 4)).toBeNull();
    expect(await memberships.add('f1', 's4', { at: T + 5, reason: 'joined the network' })).toBe(true);
    expect(await memberships.add('f1', 's4', { at: T + 6, reason: 'twice' })).toBe(false);
    expect(await memberships.federationsOf('s4')).toEqual(['f1']);
    expect(await participations.assign(participation('p4', 's4'), 4)).not.toBeNull();
    expect(await memberships.countUnseated('f1', 'r1')).toBe(3);

    // Removal drops the open seat (the round need not wait for it) and is audited; a non-member is not removed.
    const dropped = await memberships.remove('f1', 's4', { at: T + 7, reason: 'left' }, 'removed from f1');
    expect(dropped?.map((p) => [p.id, p.status, p.rejectionReason])).toEqual([['p4', 'DROPPED', 'removed from f1']]);
    expect(await memberships.remove('f1', 's4', { at: T + 8, reason: 'again' }, 'x')).toBeNull();
    expect(await memberships.isMember('f1', 's4')).toBe(false);
    expect(await memberships.federationsOf('s4')).toEqual([]);
    expect((await memberships.events('f1')).map((e) => [e.action, e.siteId, e.reason, e.at])).toEqual([
      ['ADD', 's1', 'named at creation', T + 1],
      ['ADD', 's2', 'named at creation', T + 1],
      ['ADD', 's3', 'named at creation', T + 1],
      ['ADD', 's4', 'joined the network', T + 5],
      ['REMOVE', 's4', 'left', T + 7],
    ]);
  });

  it('revoking a site drops its open seat and counts it out of the sites a round may still hear from', async () => {
    const { members: memberships, participations, sites } = repos;
    await participations.assign(participation('p1', 's1'), 3);
    await participations.assign(participation('p2', 's2'), 3);
    await participations.accept('p2', T + 5, receipt);
    expect(await memberships.countUnseated('f1', 'r1')).toBe(1);
    const revoked = await sites.revoke('s1', T + 6, 'site revoked');
    expect(revoked?.dropped.map((p) => [p.id, p.status, p.rejectionReason])).toEqual([
      ['p1', 'DROPPED', 'site revoked'],
    ]);
    expect(await participations.get('p2')).toMatchObject({ status: 'ACCEPTED' });
    await sites.revoke('s3', T + 7, 'site revoked');
    expect(await memberships.countUnseated('f1', 'r1')).toBe(0);
    expect(await participations.assign(participation('p3', 's3'), 3)).toBeNull();
  });

  it('answers the readiness ping and names its backend', async () => {
    await expect(repos.health.ping()).resolves.toBeUndefined();
    expect(repos.health.describe()).toBe(kind);
    expect(repos.health.location()).toEqual(
      kind === 'sqlite'
        ? join(dir, 'c.sqlite')
        : kind === 'memory'
          ? 'memory'
          : expect.stringMatching(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/t\w+$/),
    );
  });
});
