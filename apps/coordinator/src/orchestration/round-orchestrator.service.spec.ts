/**
 * RoundOrchestrator's transitions on in-memory repositories and real weight files (testing/orchestrator-world.ts):
 * what it opens, closes, aggregates, fails and completes, and that every decision it takes is libs/federation's
 * `nextStep` for the situation its records show.
 */
import { nextStep, type RoundSituation } from '@fedstroke/federation';
import type { FederationRecord, RoundRecord } from '../persistence/records';
import { roundRules } from './strategy-config';
import { orchestratorWorld, type OrchestratorWorld, PARAMETERS } from './testing/orchestrator-world';

let world: OrchestratorWorld;
beforeEach(async () => {
  world = await orchestratorWorld();
});
afterEach(() => world.dispose());

const latest = async (federationId: string) => (await world.repos.rounds.latest(federationId)) as RoundRecord;
const federationOf = async (id: string) => (await world.repos.federations.get(id)) as FederationRecord;
const closedWhy = () => world.logged.filter((e) => e.event === 'round.closed').map((e) => e.why);

async function startedRound(federationId: string): Promise<RoundRecord> {
  await world.orchestrator.kick(federationId);
  return latest(federationId);
}

describe('RoundOrchestrator', () => {
  it('opens round 1 with what configureRound gave it, closes at quorum, aggregates, and opens round 2 from the new model', async () => {
    const id = await world.createFederation({
      strategy: 'FEDPROX',
      strategyParams: { proximalMu: 0.3 },
      quorum: 2,
    });
    const before = Date.now();
    const round1 = await startedRound(id);
    expect(round1).toMatchObject({ index: 1, status: 'OPEN', baseModelVersionId: `${id}-v0` });
    expect(round1.config).toEqual({
      roundIndex: 1,
      strategy: 'fedprox',
      numParameters: PARAMETERS,
      localSteps: 2,
      learningRate: 0.1,
      proximalMu: 0.3,
      privacy: null,
    });
    expect(round1.deadlineAt).toBeGreaterThanOrEqual(before + 600_000);

    await world.accept(await world.seat(round1, 's1'), [1, 1, 1, 1], 1);
    const s2 = await world.seat(round1, 's2');
    const s3 = await world.seat(round1, 's3');
    await world.orchestrator.kick(id);
    expect(await latest(id)).toMatchObject({ index: 1, status: 'OPEN' }); // 1 of quorum 2: waits
    await world.accept(s2, [4, 4, 4, 4], 3);
    await world.orchestrator.kick(id);

    const done = (await world.repos.rounds.get(round1.id)) as RoundRecord;
    expect(done).toMatchObject({
      status: 'COMPLETED',
      aggregation: { strategy: 'fedprox', proximalMu: 0.3, updates: 2 },
    });
    expect(closedWhy()).toEqual(['quorum reached (2/2)']);
    // The site still training was dropped with the reason, and the model is the sample-weighted mean.
    expect(await world.repos.participations.get(s3.id)).toMatchObject({
      status: 'DROPPED',
      rejectionReason: 'round 1 closed before the update arrived (quorum reached (2/2))',
    });
    const v1 = await world.repos.modelVersions.get(done.resultModelVersionId as string);
    expect(Array.from(await world.store.readVerified(v1!.file, v1!.sha256))).toEqual([3.25, 3.25, 3.25, 3.25]);
    expect(await latest(id)).toMatchObject({ index: 2, status: 'OPEN', baseModelVersionId: v1!.id });
    expect((await latest(id)).config).toMatchObject({ roundIndex: 2, proximalMu: 0.3 });
  });

  it('fails a round short of minUpdatesAtDeadline at its deadline, goes on from the same model, and the last round ends the federation', async () => {
    const id = await world.createFederation({ minUpdatesAtDeadline: 2 });
    const round1 = await startedRound(id);
    await world.accept(await world.seat(round1, 's1'), [1, 1, 1, 1], 1);
    await world.repos.rounds.setDeadline(round1.id, Date.now() - 1);
    await world.orchestrator.kick(id);

    expect(await world.repos.rounds.get(round1.id)).toMatchObject({
      status: 'FAILED',
      failureReason: '1 accepted update(s) at close; minUpdatesAtDeadline is 2',
    });
    const round2 = await latest(id);
    expect(round2).toMatchObject({ index: 2, status: 'OPEN', baseModelVersionId: `${id}-v0` });
    expect(world.completed).toEqual([]);

    await world.repos.rounds.setDeadline(round2.id, Date.now() - 1);
    await world.orchestrator.kick(id);
    expect(await world.repos.rounds.get(round2.id)).toMatchObject({ status: 'FAILED' });
    expect(await federationOf(id)).toMatchObject({ status: 'COMPLETED' });
    expect(world.completed).toEqual([id]);
    expect(await world.repos.rounds.list(id, { offset: 0, limit: 10 })).toMatchObject({ totalCount: 2 });
  });

  it('stops the federation as FAILED after maxConsecutiveFailedRounds failed rounds in a row; a completed round resets the count', async () => {
    const id = await world.createFederation({ rounds: 10, quorum: 1, maxConsecutiveFailedRounds: 2 });
    const failAtDeadline = async () => {
      const round = await latest(id);
      await world.repos.rounds.setDeadline(round.id, Date.now() - 1);
      await world.orchestrator.kick(id);
      return world.repos.rounds.get(round.id);
    };
    await startedRound(id);
    expect(await failAtDeadline()).toMatchObject({ index: 1, status: 'FAILED' });
    const round2 = await latest(id);
    await world.accept(await world.seat(round2, 's1'), [1, 1, 1, 1], 1);
    await world.orchestrator.kick(id);
    expect(await world.repos.rounds.get(round2.id)).toMatchObject({ index: 2, status: 'COMPLETED' });
    expect(await failAtDeadline()).toMatchObject({ index: 3, status: 'FAILED' });
    expect(await federationOf(id)).toMatchObject({ status: 'RUNNING' });

    expect(await failAtDeadline()).toMatchObject({ index: 4, status: 'FAILED' });
    const reason =
      '2 rounds in a row failed (maxConsecutiveFailedRounds is 2); the last: 0 accepted update(s) at close; ' +
      'minUpdatesAtDeadline is 1';
    expect(await federationOf(id)).toMatchObject({ status: 'FAILED', statusReason: reason });
    expect((await world.repos.rounds.list(id, { offset: 0, limit: 20 })).totalCount).toBe(4);
    expect(world.logged.filter((e) => e.event === 'federation.failed')).toEqual([
      expect.objectContaining({ federationId: id, reason }),
    ]);
    // Not completed: the serving policy is not asked to promote anything.
    expect(world.completed).toEqual([]);
    await world.orchestrator.kick(id);
    expect((await world.repos.rounds.list(id, { offset: 0, limit: 20 })).totalCount).toBe(4);
  });

  it('without maxConsecutiveFailedRounds (federations created before it) goes on failing to its last round', async () => {
    const id = await world.createFederation({ rounds: 3 });
    await startedRound(id);
    for (let i = 0; i < 3; i++) {
      const round = await latest(id);
      await world.repos.rounds.setDeadline(round.id, Date.now() - 1);
      await world.orchestrator.kick(id);
    }
    expect(await federationOf(id)).toMatchObject({ status: 'COMPLETED' });
    expect((await world.repos.rounds.list(id, { offset: 0, limit: 20 })).totalCount).toBe(3);
  });

  it('leaves out an accepted update whose file changed on disk, naming it, and aggregates the others', async () => {
    const id = await world.createFederation({ quorum: 2 });
    const round = await startedRound(id);
    await world.accept(await world.seat(round, 's1'), [2, 2, 2, 2], 1);
    const s2 = await world.seat(round, 's2');
    await world.accept(s2, [8, 8, 8, 8], 1);
    await world.store.writeAtomic(`updates/${s2.id}.f32`, new Uint8Array(new Float32Array(PARAMETERS).fill(99).buffer));
    await world.orchestrator.kick(id);

    const done = (await world.repos.rounds.get(round.id)) as RoundRecord;
    expect(done).toMatchObject({ status: 'COMPLETED', aggregation: { updates: 1, excludedUpdates: 1 } });
    expect(done.aggregation.excluded).toMatch(/^site s2: STORED_FILE_CORRUPT/);
    // Its participation no longer claims the update is in the model.
    expect(await world.repos.participations.get(s2.id)).toMatchObject({
      status: 'REJECTED',
      rejectionReason: expect.stringMatching(/^STORED_FILE_CORRUPT: /),
    });
    expect(await world.repos.participations.counts(round.id)).toMatchObject({ accepted: 1, rejected: 1 });
    const v1 = await world.repos.modelVersions.get(done.resultModelVersionId as string);
    expect(Array.from(await world.store.readVerified(v1!.file, v1!.sha256))).toEqual([2, 2, 2, 2]);
  });

  it('does nothing while paused, and a resumed round gets a full deadline again', async () => {
    const id = await world.createFederation({ quorum: 1 });
    const round = await startedRound(id);
    const paused = await world.repos.federations.transition(id, ['RUNNING'], 'PAUSED', {});
    await world.orchestrator.federationPaused(paused as FederationRecord);
    await world.accept(await world.seat(round, 's1'), [1, 1, 1, 1], 1);
    await world.repos.rounds.setDeadline(round.id, Date.now() + 5);
    await world.orchestrator.kick(id);
    expect(await latest(id)).toMatchObject({ id: round.id, status: 'OPEN' });

    const resumed = await world.repos.federations.transition(id, ['PAUSED'], 'RUNNING', {});
    const at = Date.now();
    // Quorum 1 is in: the resumed federation closes the round at once; its deadline was reset first.
    await world.repos.rounds.setDeadline(round.id, at - 10);
    await world.orchestrator.federationResumed(resumed as FederationRecord);
    expect((await world.repos.rounds.get(round.id))?.deadlineAt).toBeGreaterThanOrEqual(at + 600_000);
    expect(await world.repos.rounds.get(round.id)).toMatchObject({ status: 'COMPLETED' });
  });

  it('cancels the open round and drops its seats', async () => {
    const id = await world.createFederation();
    const round = await startedRound(id);
    const seat = await world.seat(round, 's1');
    expect(await world.orchestrator.cancel(id, 'operator said so')).toMatchObject({ status: 'CANCELLED' });
    expect(await world.repos.rounds.get(round.id)).toMatchObject({ status: 'CANCELLED' });
    expect(await world.repos.participations.get(seat.id)).toMatchObject({ status: 'DROPPED' });
    await world.orchestrator.kick(id);
    expect(await world.repos.rounds.list(id, { offset: 0, limit: 10 })).toMatchObject({ totalCount: 1 });
  });
});

/**
 * The consolidation: for each recorded situation, the orchestrator does what nextStep says for the situation that
 * the records show (computed here from the records, independently of the orchestrator): it closes with nextStep's
 * reason, or it leaves the round open. An orchestrator deciding by rules of its own would disagree on some of them.
 */
describe('RoundOrchestrator agrees with nextStep', () => {
  interface Recorded {
    name: string;
    config: { quorum: number; sitesPerRound: number; minUpdatesAtDeadline: number };
    accepted: string[];
    training: string[];
    failed?: string[];
    revoked?: string[];
    deadlinePassed?: boolean;
    /** What nextStep says for it (so the table covers both answers). */
    decides: 'close' | 'wait';
  }
  const situations: Recorded[] = [
    {
      name: 'quorum in',
      decides: 'close',
      config: { quorum: 2, sitesPerRound: 3, minUpdatesAtDeadline: 1 },
      accepted: ['s1', 's2'],
      training: ['s3'],
    },
    {
      name: 'below quorum, time left',
      decides: 'wait',
      config: { quorum: 3, sitesPerRound: 3, minUpdatesAtDeadline: 1 },
      accepted: ['s1'],
      training: ['s2'],
    },
    {
      name: 'deadline passed',
      decides: 'close',
      config: { quorum: 3, sitesPerRound: 3, minUpdatesAtDeadline: 1 },
      accepted: ['s1'],
      training: ['s2'],
      deadlinePassed: true,
    },
    {
      name: 'every seat reported',
      decides: 'close',
      config: { quorum: 3, sitesPerRound: 2, minUpdatesAtDeadline: 1 },
      accepted: ['s1'],
      training: [],
      failed: ['s2'],
    },
    {
      name: 'every member reported, one revoked',
      decides: 'close',
      config: { quorum: 3, sitesPerRound: 3, minUpdatesAtDeadline: 2 },
      accepted: ['s1', 's2'],
      training: [],
      revoked: ['s3'],
    },
    {
      name: 'every member reported, too few in',
      decides: 'wait',
      config: { quorum: 3, sitesPerRound: 3, minUpdatesAtDeadline: 2 },
      accepted: ['s1'],
      training: [],
      failed: ['s2'],
      revoked: ['s3'],
    },
    {
      name: 'a member may still come',
      decides: 'wait',
      config: { quorum: 3, sitesPerRound: 3, minUpdatesAtDeadline: 1 },
      accepted: ['s1', 's2'],
      training: [],
    },
  ];

  it.each(situations.map((s) => [s.name, s] as const))('%s', async (_name, recorded) => {
    const id = await world.createFederation(recorded.config);
    const round = await startedRound(id);
    for (const [i, site] of recorded.accepted.entries())
      await world.accept(await world.seat(round, site), [i, i, i, i], 1);
    for (const site of recorded.training) await world.seat(round, site);
    for (const site of recorded.failed ?? []) {
      await world.repos.participations.fail((await world.seat(round, site)).id, Date.now(), 'out of memory');
    }
    for (const site of recorded.revoked ?? []) await world.repos.sites.revoke(site, Date.now(), 'revoked');
    if (recorded.deadlinePassed) await world.repos.rounds.setDeadline(round.id, Date.now() - 1);

    const federation = await federationOf(id);
    const stored = await latest(id);
    const participations = world.repos.tables.participationsOf(round.id);
    const seated = new Set(participations.map((p) => p.siteId));
    const situation: RoundSituation = {
      status: stored.status,
      deadlineAt: stored.deadlineAt,
      gathering: {
        kind: 'updates',
        counts: {
          total: participations.length,
          assigned: participations.filter((p) => p.status === 'ASSIGNED').length,
          accepted: participations.filter((p) => p.status === 'ACCEPTED').length,
        },
        unseatedMembers: [...world.repos.tables.sites.values()].filter(
          (s) => s.status === 'ACTIVE' && !seated.has(s.id),
        ).length,
      },
    };
    const expected = nextStep(federation.status, situation, roundRules(federation.config), Date.now());
    expect(expected.kind).toBe(recorded.decides);
    await world.orchestrator.kick(id);

    const after = (await world.repos.rounds.get(round.id)) as RoundRecord;
    if (expected.kind === 'close') {
      expect(closedWhy()).toEqual([expected.why]);
      expect(after.status).not.toBe('OPEN');
    } else {
      expect(closedWhy()).toEqual([]);
      expect(after.status).toBe('OPEN');
    }
  });
});
