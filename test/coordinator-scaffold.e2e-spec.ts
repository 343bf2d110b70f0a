/**
 * SCAFFOLD on the coordinator's side of the wire, over real HTTP against an in-process coordinator (the fake
 * 1000-parameter model): the control variate c served per model version (zeros for the initial model), updates
 * that must carry Δc_i after the weights (refused with the reason otherwise, when Δc_i is not finite, or when the
 * weights break the default norm bound), c moved by (1/N) Σ Δc_i and kept beside the version across a restart, and
 * the detection settings chosen from the sites' last-round figures recorded on the round and the model version.
 */
import { DEFAULT_DETECTION_GRID, detectionReport, gridCandidates } from '@fedstroke/metrics';
import { controlVariatePath, UPDATE_HEADERS } from '@fedstroke/protocol';
import {
  ADMIN_TOKEN,
  constant,
  downloadModel,
  gqlOk,
  PARAMETER_COUNT,
  READONLY_TOKEN,
  registerSites,
  startFederation,
  takeTask,
  uploadUpdate,
  waitForFederation,
  type SiteHandle,
  type TrainingTask,
  startCoordinatorWorld,
} from './coordinator-kit';

const world = startCoordinatorWorld({ per: 'test' });

const TASK_FIELDS = `mutation ($federationId: ID) { nextTask(federationId: $federationId, waitSeconds: 0) {
  training { participationId controlVariatePath localNorms detectionGrid { thresholds minLesionVoxels } maxUpdateBytes } } }`;

async function extraFields(site: SiteHandle, federationId: string) {
  const data = await gqlOk<{
    nextTask: {
      training: {
        controlVariatePath: string | null;
        localNorms: boolean;
        detectionGrid: { thresholds: number[]; minLesionVoxels: number[] } | null;
        maxUpdateBytes: number;
      };
    };
  }>(world.url, site.token, TASK_FIELDS, { federationId });
  return data.nextTask.training;
}

async function control(versionId: string): Promise<Float32Array> {
  const { weights, response } = await downloadModel(world.url, ADMIN_TOKEN, controlVariatePath(versionId));
  expect(response.status).toBe(200);
  return weights;
}

const join = (...parts: Float32Array[]) => {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
};

function scaffoldUpload(
  site: SiteHandle,
  task: TrainingTask,
  weights: Float32Array,
  delta: Float32Array,
  metrics = {},
) {
  return uploadUpdate(world.url, site, task, join(weights, delta), {
    metrics,
    headers: { [UPDATE_HEADERS.parts]: 'weights,control-delta' },
  });
}

describe('SCAFFOLD on the coordinator', () => {
  it('serves c, takes Δc_i with the weights, moves c by (1/N) Σ Δc_i and keeps it across a restart', async () => {
    const { sites, federationId } = await startFederation(world.url, ['a', 'b', 'c', 'd', 'e', 'f'], {
      name: 'scaffold',
      rounds: 2,
      quorum: 2,
      minUpdatesAtDeadline: 2,
      deadlineSeconds: 60,
      strategy: 'SCAFFOLD',
      strategyParams: { detectionSelection: true },
    });
    const [a, b, c, d, e, f] = sites;
    const round1 = await Promise.all(sites.map((site) => takeTask(world.url, site, federationId)));
    const fields = await extraFields(a, federationId);
    expect(fields.controlVariatePath).toBe(controlVariatePath(round1[0].baseModelVersionId));
    expect(fields.localNorms).toBe(false);
    expect(fields.detectionGrid).toBeNull(); // round 1 of 2
    expect(fields.maxUpdateBytes).toBeGreaterThanOrEqual(2 * PARAMETER_COUNT * 4);
    expect((await control(round1[0].baseModelVersionId)).every((v) => v === 0)).toBe(true);

    // A weights-only body, and a Δc_i that is not finite, are refused with their reasons and recorded.
    const weightsOnly = await uploadUpdate(world.url, c, round1[2], constant(1));
    expect(weightsOnly.status).toBe(400);
    expect(String(weightsOnly.body.reason)).toMatch(/SCAFFOLD federation holds weights, control-delta/);
    const bad = constant(0.5);
    bad[7] = NaN;
    const notFinite = await scaffoldUpload(d, round1[3], constant(1), bad);
    expect(notFinite.status).toBe(422);
    expect(String(notFinite.body.reason)).toMatch(/control-variate delta value #7 is NaN/);
    // SCAFFOLD's weights pass the same default norm bound as every strategy's, whatever Δc_i they come with.
    const poisoned = await scaffoldUpload(e, round1[4], constant(3e38), constant(0));
    expect(poisoned.status).toBe(422);
    expect(String(poisoned.body.reason)).toMatch(/^NORM_EXCEEDED: .*default: 10 ×/);
    // A finite Δc_i that no Adam-driven site can produce (|Δc_i| ≤ 2 × 7.27 whatever its learning rate and steps).
    const beyond = await scaffoldUpload(f, round1[5], constant(1), constant(20));
    expect(beyond.status).toBe(422);
    expect(String(beyond.body.reason)).toMatch(/^NORM_EXCEEDED: control-variate delta value #0 is 20, beyond ±14\.54/);

    expect((await scaffoldUpload(a, round1[0], constant(1), constant(0.4))).status).toBe(202);
    expect((await scaffoldUpload(b, round1[1], constant(3), constant(-0.2))).status).toBe(202);
    const after1 = await waitForFederation(world.url, federationId, (f) => f.currentRound.index === 2);
    const v1 = after1.federation.latestModelVersion.id;
    const model1 = await downloadModel(world.url, ADMIN_TOKEN, `/models/${v1}`);
    expect(model1.weights[0]).toBeCloseTo(2, 6);
    // N = 6 member sites, two took part: c = (0.4 − 0.2) / 6.
    const c1 = await control(v1);
    expect(c1.every((v) => Math.abs(v - 0.2 / 6) < 1e-7)).toBe(true);

    await world.restart();
    expect(Array.from(await control(v1))).toEqual(Array.from(c1));

    // Round 2, the last: the grid is asked for; two sites report it with their updates.
    const round2 = await Promise.all([a, b].map((site) => takeTask(world.url, site, federationId)));
    expect((await extraFields(a, federationId)).detectionGrid).toEqual({
      thresholds: [...DEFAULT_DETECTION_GRID.thresholds],
      minLesionVoxels: [...DEFAULT_DETECTION_GRID.minLesionVoxels],
    });
    const report = (best: string) =>
      detectionReport(
        gridCandidates(DEFAULT_DETECTION_GRID).map((candidate) => {
          const hit = `${candidate.threshold}/${candidate.minLesionVoxels}` === best;
          return { candidate, figures: { dice: hit ? 0.8 : 0.6, lesionF1: hit ? 0.9 : 0.5, ald: hit ? 0.5 : 2 } };
        }),
        5,
      );
    await scaffoldUpload(a, round2[0], constant(2), constant(0.1), { trainLoss: 0.3, ...report('0.6/20') });
    await scaffoldUpload(b, round2[1], constant(2), constant(0.3), { trainLoss: 0.5, ...report('0.6/20') });
    const done = await waitForFederation(world.url, federationId, (f) => f.status === 'COMPLETED');
    const c2 = await control(done.federation.latestModelVersion.id);
    expect(c2.every((v) => Math.abs(v - 0.1) < 1e-6)).toBe(true); // 0.2 / 6 + (0.1 + 0.3) / 6

    const rounds = await gqlOk<{ rounds: { items: Array<{ metrics: Array<{ name: string; value: number }> }> } }>(
      world.url,
      READONLY_TOKEN,
      `query ($id: ID!) { rounds(federationId: $id, limit: 5) { items { index metrics { name value } } } }`,
      { id: federationId },
    );
    const last = Object.fromEntries(rounds.rounds.items[1].metrics.map((m) => [m.name, m.value]));
    expect(last).toMatchObject({ detectionThreshold: 0.6, detectionMinLesionVoxels: 20, detectionValCases: 10 });
    expect(last.detectionValLesionF1).toBeCloseTo(0.9, 10);
    expect(last.trainLoss).toBeCloseTo(0.4, 10);
    expect(Object.keys(last).filter((name) => name.startsWith('detect:'))).toEqual([]);
  });

  it('refuses SCAFFOLD with server momentum or local norms when the federation is created', async () => {
    const [member] = await registerSites(world.url, ['member']);
    for (const strategyParams of [{ serverMomentum: 0.5 }, { localNorms: true }]) {
      const response = await fetch(`${world.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify({
          query: 'mutation ($input: CreateFederationInput!) { createFederation(input: $input) { id } }',
          variables: {
            input: {
              name: `bad-${Object.keys(strategyParams)[0]}`,
              siteIds: [member.id],
              modelConfigName: 'tiny',
              rounds: 1,
              sitesPerRound: 1,
              deadlineSeconds: 60,
              localSteps: 1,
              learningRate: 0.01,
              strategy: 'SCAFFOLD',
              strategyParams,
            },
          },
        }),
      });
      const body = (await response.json()) as { errors?: Array<{ message: string }> };
      expect(body.errors?.[0].message).toMatch(
        /serverMomentum is not used by SCAFFOLD|cannot be combined with SCAFFOLD/,
      );
    }
  });
});
