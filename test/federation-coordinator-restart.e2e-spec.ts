/**
 * The coordinator process is killed (SIGKILL, no clean shutdown) mid-federation and started again on the same
 * port and data directory. The site agents keep retrying with back-off, the federation resumes from the database
 * and the stored models, and nothing completed before the crash is lost or redone.
 */
import {
  bootCoordinator,
  eventually,
  startFederationWorld,
  useFederationWorlds,
  waitForStatus,
} from './federation-kit';

useFederationWorlds();

describe('coordinator restart', () => {
  it('resumes the federation after a crash with every completed round and model version intact', async () => {
    const { world, federationId } = await startFederationWorld('restart-coordinator', { rounds: 3, localSteps: 6 });

    // Crash while round 2 is open, after round 1 has been aggregated.
    const beforeCrash = await eventually(
      async () => {
        const rounds = await world.admin.rounds(federationId);
        return rounds.length === 2 && rounds[0].status === 'COMPLETED' ? rounds : undefined;
      },
      120_000,
      100,
    );
    const model1 = await world.admin.federation(federationId);
    await world.coordinator.kill();
    await new Promise((r) => setTimeout(r, 2000));
    const port = Number(new URL(world.url).port);
    world.coordinator = (await bootCoordinator(world.root, world.adminToken, port)).process;

    await waitForStatus(world, federationId, 'COMPLETED', 150_000);
    const rounds = await world.admin.rounds(federationId);
    expect(rounds.map((r) => [r.index, r.status])).toEqual([
      [1, 'COMPLETED'],
      [2, 'COMPLETED'],
      [3, 'COMPLETED'],
    ]);
    // Round 1 is exactly as it was before the crash: same id, same accepted participations.
    expect(rounds[0].id).toBe(beforeCrash[0].id);
    expect(rounds[0].participants.map((p) => [p.siteId, p.status]).sort()).toEqual(
      beforeCrash[0].participants.map((p) => [p.siteId, p.status]).sort(),
    );
    for (const round of rounds) expect(round.participants.filter((p) => p.status === 'ACCEPTED')).toHaveLength(3);
    const versions = await world.admin.request<
      { modelVersions: { items: Array<{ roundIndex: number; sha256: string }> } },
      { id: string }
    >('modelVersions', 'query ($id: ID!) { modelVersions(federationId: $id) { items { roundIndex sha256 } } }', {
      id: federationId,
    });
    expect(versions.modelVersions.items.map((v) => v.roundIndex).sort()).toEqual([0, 1, 2, 3]);
    const round1Model = versions.modelVersions.items.find((v) => v.roundIndex === 1);
    if (model1.latestModelVersion?.roundIndex === 1) expect(round1Model?.sha256).toBe(model1.latestModelVersion.sha256);
    // The agents survived the outage: none exited, every one finished on its own.
    const final = await world.admin.federation(federationId);
    const weights = await world.admin.downloadModel(final.latestModelVersion?.id as string);
    expect(weights.every((w) => Number.isFinite(w))).toBe(true);
  }, 240_000);
});
