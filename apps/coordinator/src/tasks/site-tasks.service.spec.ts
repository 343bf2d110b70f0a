/**
 * SiteTasksService on in-memory repositories with the real orchestrator (../orchestration/testing): a site's
 * training task is what its round stored when it opened (Strategy.configureRound), not recomputed from the
 * federation; a round stored before migration 0006 gets what the federation's config gives.
 */
import type { CoordinatorConfig } from '../config/coordinator-config';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import type { RoundRecord } from '../persistence/records';
import { orchestratorWorld, type OrchestratorWorld } from '../orchestration/testing/orchestrator-world';
import { SiteTasksService } from './site-tasks.service';

let world: OrchestratorWorld;
let tasks: SiteTasksService;
beforeEach(async () => {
  world = await orchestratorWorld();
  const config = new CoordinatorConfigService({ longPollMaxSeconds: 0, uploadSlackBytes: 64 } as CoordinatorConfig);
  const { repos } = world;
  tasks = new SiteTasksService(
    repos.federations,
    repos.members,
    repos.rounds,
    repos.participations,
    repos.modelVersions,
    repos.sites,
    world.events,
    world.progress,
    world.orchestrator,
    world.metrics,
    config,
    world.log,
    world.secureAggregation,
  );
});
afterEach(async () => {
  tasks.onModuleDestroy();
  await world.dispose();
});

const site = (siteId: string) => ({ role: 'SITE' as const, siteId, siteName: siteId });

async function openRound(): Promise<{ federationId: string; round: RoundRecord }> {
  const federationId = await world.createFederation({ strategy: 'FEDPROX', strategyParams: { proximalMu: 0.3 } });
  await world.orchestrator.kick(federationId);
  return { federationId, round: (await world.repos.rounds.latest(federationId)) as RoundRecord };
}

describe('SiteTasksService', () => {
  it("trains with the round's stored config: μ, local steps and learning rate", async () => {
    const { federationId, round } = await openRound();
    // What the round stored is the source of truth; here it differs from what the federation's config gives now.
    const stored = { ...round.config!, proximalMu: 0.42, localSteps: 7, learningRate: 0.02 };
    world.repos.tables.rounds.set(round.id, { ...round, config: stored });

    const task = await tasks.next(site('s1'), { federationId, waitSeconds: 0 });
    expect(task.kind).toBe('TRAIN');
    expect(task.training).toMatchObject({
      roundId: round.id,
      roundIndex: 1,
      proximalMu: 0.42,
      localSteps: 7,
      learningRate: 0.02,
    });
    // The site resuming its assignment is told the same.
    expect((await tasks.next(site('s1'), { federationId, waitSeconds: 0 })).training).toMatchObject({
      participationId: task.training!.participationId,
      proximalMu: 0.42,
    });
  });

  it("derives a round's config from the federation when the round was stored before it had one (migration 0006)", async () => {
    const { federationId, round } = await openRound();
    world.repos.tables.rounds.set(round.id, { ...round, config: null });
    const task = await tasks.next(site('s2'), { federationId, waitSeconds: 0 });
    expect(task.training).toMatchObject({ proximalMu: 0.3, localSteps: 2, learningRate: 0.1 });
  });

  it('answers WAIT to a member when the round has no seat left, and FINISHED once the federation is over', async () => {
    const federationId = await world.createFederation({ sitesPerRound: 2 });
    await world.orchestrator.kick(federationId);
    for (const id of ['s1', 's2']) {
      expect(await tasks.next(site(id), { federationId, waitSeconds: 0 })).toMatchObject({ kind: 'TRAIN' });
    }
    expect(await tasks.next(site('s3'), { federationId, waitSeconds: 0 })).toMatchObject({
      kind: 'WAIT',
      training: null,
      federationStatus: 'RUNNING',
    });
    await world.orchestrator.cancel(federationId, 'stop');
    expect(await tasks.next(site('s1'), { federationId, waitSeconds: 0 })).toMatchObject({
      kind: 'FINISHED',
      federationStatus: 'CANCELLED',
      reason: 'stop',
    });
  });
});
