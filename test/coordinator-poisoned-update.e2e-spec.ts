/**
 * One site sends an update of finite but huge values (3e38 everywhere), over raw HTTP as an attacker would.
 * Without a maxUpdateNorm the default bound refuses it at upload, and the honest sites' average becomes the model.
 * With a bound loose enough to let it in, the aggregate check stops the poisoned aggregate — for the plain mean, the
 * server optimizer and server momentum alike: the round FAILS with the reason, no model version is stored, and the
 * next round starts again from the last good model.
 */
import {
  ADMIN_TOKEN,
  constant,
  downloadModel,
  gqlOk,
  READONLY_TOKEN,
  startFederation,
  takeTask,
  uploadUpdate,
  waitForFederation,
  startCoordinatorWorld,
} from './coordinator-kit';

const world = startCoordinatorWorld({ per: 'test' });

const ROUNDS = `query ($id: ID!) {
  rounds(federationId: $id) { items { index status failureReason baseModelVersionId resultModelVersionId
    metrics { name value } aggregation { name value } participants { siteId status rejectionReason } } }
  modelVersions(federationId: $id) { totalCount items { id roundIndex } }
}`;

interface RoundsView {
  rounds: {
    items: Array<{
      index: number;
      status: string;
      failureReason: string | null;
      baseModelVersionId: string;
      resultModelVersionId: string | null;
      metrics: Array<{ name: string; value: number }>;
      aggregation: Array<{ name: string; value: string }>;
      participants: Array<{ siteId: string; status: string; rejectionReason: string | null }>;
    }>;
  };
  modelVersions: { totalCount: number; items: Array<{ id: string; roundIndex: number }> };
}

/** What an honest site sends: the global model moved a little. */
const nudged = (global: Float32Array, by: number) => global.map((w) => w + by);
const largestAbs = (weights: Float32Array) => weights.reduce((m, w) => Math.max(m, Math.abs(w)), 0);

describe('a site sending 3e38 everywhere', () => {
  it('is refused by the default norm bound, and the honest sites carry the round', async () => {
    const { sites, federationId } = await startFederation(world.url, ['honest-a', 'honest-b', 'rogue'], {
      name: 'default-bound',
      rounds: 2,
      deadlineSeconds: 60,
    });
    const [a, b, rogue] = sites;
    const round1 = await Promise.all(sites.map((site) => takeTask(world.url, site, federationId)));
    const global = (await downloadModel(world.url, a.token, round1[0].modelDownloadPath)).weights;
    expect((await uploadUpdate(world.url, a, round1[0], nudged(global, 0.01))).status).toBe(202);
    expect((await uploadUpdate(world.url, b, round1[1], nudged(global, 0.03))).status).toBe(202);
    const refused = await uploadUpdate(world.url, rogue, round1[2], constant(3e38));
    expect(refused.status).toBe(422);
    expect(String(refused.body.reason)).toMatch(/^NORM_EXCEEDED: .*default: 10 × .*the global model's norm/);

    const afterRound1 = await waitForFederation(world.url, federationId, (f) => f.currentRound.index === 2);
    const model1 = (
      await downloadModel(world.url, ADMIN_TOKEN, `/models/${afterRound1.federation.latestModelVersion.id}`)
    ).weights;
    // The honest mean: global + 0.02 everywhere; the model's largest |w| stays where it was, give or take.
    expect(Math.abs(largestAbs(model1) - largestAbs(global))).toBeLessThan(0.05);

    // Round 2: the bound now follows round 1's update norms (median 0.02·√n), so a tenfold one is refused too.
    const round2 = await Promise.all(sites.map((site) => takeTask(world.url, site, federationId)));
    expect((await uploadUpdate(world.url, a, round2[0], nudged(model1, 0.01))).status).toBe(202);
    expect((await uploadUpdate(world.url, b, round2[1], nudged(model1, -0.02))).status).toBe(202);
    const far = await uploadUpdate(world.url, rogue, round2[2], nudged(model1, 0.5));
    expect(far.status).toBe(422);
    expect(String(far.body.reason)).toMatch(/median update norm of the last 1 completed round/);
    await waitForFederation(world.url, federationId, (f) => f.status === 'COMPLETED');

    const view = await gqlOk<RoundsView>(world.url, READONLY_TOKEN, ROUNDS, { id: federationId });
    const first = view.rounds.items[0];
    const metric = (name: string) => first.metrics.find((m) => m.name === name)?.value;
    expect(metric('updateNormMedian')).toBeCloseTo(0.02 * Math.sqrt(global.length), 3);
    expect(first.participants.find((p) => p.siteId === rogue.id)).toMatchObject({ status: 'REJECTED' });
  });

  it.each([
    ['FEDAVG', {}],
    ['FEDADAM', { serverLearningRate: 0.01 }],
    ['FEDYOGI', {}],
    ['FEDAVG', { serverMomentum: 0.9 }],
  ])(
    '%s %j: the aggregate check fails the round, stores nothing, and the next round starts from the last good model',
    async (strategy, params) => {
      const { sites, federationId } = await startFederation(world.url, ['honest', 'rogue'], {
        name: `aggregate-check-${strategy}-${Object.keys(params).join('-') || 'plain'}`,
        strategy,
        rounds: 2,
        deadlineSeconds: 60,
        // A bound an operator set far too loose: the 3e38 update itself gets in.
        strategyParams: { maxUpdateNorm: 1e300, ...params },
      });
      const [honest, rogue] = sites;
      const round1 = await Promise.all(sites.map((site) => takeTask(world.url, site, federationId)));
      const initialVersion = round1[0].baseModelVersionId;
      const global = (await downloadModel(world.url, honest.token, round1[0].modelDownloadPath)).weights;
      expect((await uploadUpdate(world.url, honest, round1[0], nudged(global, 0.01))).status).toBe(202);
      expect((await uploadUpdate(world.url, rogue, round1[1], constant(3e38))).status).toBe(202);

      // Round 2 is published from the initial model again: round 1 left no model behind.
      const inRound2 = await waitForFederation(world.url, federationId, (f) => f.currentRound.index === 2);
      expect(inRound2.federation.latestModelVersion.id).toBe(initialVersion);
      const round2 = await Promise.all(sites.map((site) => takeTask(world.url, site, federationId)));
      expect(round2.map((t) => t.baseModelVersionId)).toEqual([initialVersion, initialVersion]);
      for (const [i, site] of sites.entries()) {
        expect((await uploadUpdate(world.url, site, round2[i], nudged(global, 0.01 * (i + 1)))).status).toBe(202);
      }
      const done = await waitForFederation(world.url, federationId, (f) => f.status === 'COMPLETED');

      const view = await gqlOk<RoundsView>(world.url, READONLY_TOKEN, ROUNDS, { id: federationId });
      const [first, second] = view.rounds.items;
      expect(first).toMatchObject({ status: 'FAILED', resultModelVersionId: null });
      expect(first.failureReason).toMatch(
        /^aggregate rejected, not stored: .*(largest \|w\||non-finite|norm is).*; the federation goes on from model version/,
      );
      expect(second).toMatchObject({ status: 'COMPLETED', baseModelVersionId: initialVersion });
      expect(view.modelVersions.items.map((v) => v.roundIndex)).toEqual([0, 2]);
      const final = await downloadModel(world.url, ADMIN_TOKEN, `/models/${done.federation.latestModelVersion.id}`);
      expect(final.weights.every((w) => Number.isFinite(w))).toBe(true);
      expect(largestAbs(final.weights)).toBeLessThan(10 * Math.max(1, largestAbs(global)));
    },
  );
});
