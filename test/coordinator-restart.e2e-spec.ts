/**
 * A coordinator that stops (or dies) mid-federation resumes from the database and the model files on disk:
 * the app is closed and a new one booted on the same data directory, as an operator restart would.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import {
  ADMIN_TOKEN,
  constant,
  downloadModel,
  startFederation,
  takeTask,
  uploadUpdate,
  viewFederation,
  waitForFederation,
  startCoordinatorWorld,
} from './coordinator-kit';

const world = startCoordinatorWorld({ per: 'test' });

const setup = (name: string) =>
  startFederation(world.url, ['site-a', 'site-b', 'site-c'], { name, rounds: 2, deadlineSeconds: 60 });
const inRound2 = (federationId: string) =>
  waitForFederation(world.url, federationId, (f) => f.currentRound.index === 2);

describe('coordinator restart', () => {
  it('keeps completed rounds and accepted updates across a restart and finishes the open round with them', async () => {
    const { sites, federationId } = await setup('restart-open-round');
    const round1 = await Promise.all(sites.map((site) => takeTask(world.url, site, federationId)));
    for (const [i, site] of sites.entries()) await uploadUpdate(world.url, site, round1[i], constant(i + 1));
    const afterRound1 = await inRound2(federationId);
    const model1 = afterRound1.federation.latestModelVersion;

    const round2 = await Promise.all(sites.map((site) => takeTask(world.url, site, federationId)));
    await uploadUpdate(world.url, sites[0], round2[0], constant(10));
    await uploadUpdate(world.url, sites[1], round2[1], constant(20));

    await world.restart();

    const resumed = await viewFederation(world.url, federationId);
    expect(resumed.federation.status).toBe('RUNNING');
    expect(resumed.federation.currentRound).toMatchObject({
      index: 2,
      status: 'OPEN',
      counts: { accepted: 2, assigned: 1 },
    });
    expect(resumed.federation.latestModelVersion).toEqual(model1);
    const { weights, response } = await downloadModel(world.url, sites[0].token, `/models/${model1.id}`);
    expect(response.headers.get('x-fedstroke-sha256')).toBe(model1.sha256);
    expect(weights[0]).toBeCloseTo(2, 6);

    // The third site, restarted too, gets its same assignment back and finishes the round.
    const again = await takeTask(world.url, sites[2], federationId);
    expect(again.participationId).toBe(round2[2].participationId);
    expect((await uploadUpdate(world.url, sites[2], again, constant(24))).status).toBe(202);
    const done = await waitForFederation(world.url, federationId, (f) => f.status === 'COMPLETED');
    const final = await downloadModel(world.url, ADMIN_TOKEN, `/models/${done.federation.latestModelVersion.id}`);
    // (10 + 20 + 24) / 3; 24 keeps within the default norm bound, 10 × round 1's median update norm.
    expect(final.weights[0]).toBeCloseTo(18, 5);
  });

  it('re-runs an aggregation that a crash interrupted, from the accepted updates on disk', async () => {
    const { sites, federationId } = await setup('restart-mid-aggregation');
    const tasks = await Promise.all(sites.map((site) => takeTask(world.url, site, federationId)));
    await uploadUpdate(world.url, sites[0], tasks[0], constant(3));
    await uploadUpdate(world.url, sites[1], tasks[1], constant(5));
    // The state a kill between "round closed" and "round completed" leaves behind.
    await world.restart(({ dataDir }) => {
      const db = new Database(join(dataDir, 'coordinator.sqlite'));
      db.prepare(`UPDATE rounds SET status = 'AGGREGATING', closed_at = ? WHERE id = ?`).run(
        Date.now(),
        tasks[0].roundId,
      );
      db.prepare(`UPDATE participations SET status = 'DROPPED' WHERE round_id = ? AND status = 'ASSIGNED'`).run(
        tasks[0].roundId,
      );
      db.close();
    });
    const resumed = await inRound2(federationId);
    expect(resumed.federation.latestModelVersion.roundIndex).toBe(1);
    const { weights } = await downloadModel(
      world.url,
      ADMIN_TOKEN,
      `/models/${resumed.federation.latestModelVersion.id}`,
    );
    expect(weights[0]).toBeCloseTo(4, 6);
  });

  it('closes a round whose deadline passed while the coordinator was down, right at boot', async () => {
    const { sites, federationId } = await setup('restart-deadline');
    const tasks = await Promise.all(sites.map((site) => takeTask(world.url, site, federationId)));
    await uploadUpdate(world.url, sites[0], tasks[0], constant(7));
    // Time passes while the coordinator is down: the stored deadline is now in the past.
    await world.restart(({ dataDir }) => {
      const db = new Database(join(dataDir, 'coordinator.sqlite'));
      db.prepare('UPDATE rounds SET deadline_at = ? WHERE id = ?').run(Date.now() - 1000, tasks[0].roundId);
      db.close();
    });
    const resumed = await inRound2(federationId);
    const { weights } = await downloadModel(
      world.url,
      ADMIN_TOKEN,
      `/models/${resumed.federation.latestModelVersion.id}`,
    );
    expect(weights[0]).toBeCloseTo(7, 6);
  });
});
