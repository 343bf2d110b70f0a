/**
 * Central DP-FedAvg (no secure aggregation: the coordinator clips every update and adds the noise) with adaptive
 * clipping (Andrew et al. 2021), through real rounds of a real coordinator over HTTP. Five sites send updates whose
 * deltas have fixed norms 0.1 … 1.2; what a data-protection officer and a researcher would check:
 * - the clip norm stored on each round (Round.privacy.clipNorm) is the previous round's nextClipNorm, falls while
 *   every update is within it, and ends near the target quantile of the norms (the median, 0.3) instead of at C₀ = 3;
 * - the released model is the clipped mean plus Gaussian noise of the recorded std (the residual's spread, which
 *   would be ~1e-7 without noise);
 * - ε after each round is the RDP accountant's for q = 1 and grows every round.
 * And SCAFFOLD with sample-level DP-SGD: accepted at createFederation (the correction c − c_i is fixed during a round
 * and Δc_i is computed from the DP-trained weights, so both are post-processing of DP outputs; the site side is
 * apps/site/src/training/local-round.spec.ts), the task carries both, and a round with Δc_i is accounted.
 */
import { deltaNoiseMultiplier, epsilonAfter, type ClientDpOptions } from '@fedstroke/federation';
import { UPDATE_HEADERS } from '@fedstroke/protocol';
import {
  ADMIN_TOKEN,
  bootCoordinator,
  CREATE_FEDERATION,
  gql,
  MODEL_NAME,
  registerSites,
  downloadModel,
  eventually,
  gqlOk,
  makeWorkspace,
  PARAMETER_COUNT,
  residualMeanStd,
  startFederation,
  takeTask,
  uploadUpdate,
  type Workspace,
} from './coordinator-kit';
import type { CoordinatorApp } from '@fedstroke/coordinator';

const NORMS = [0.1, 0.2, 0.3, 0.6, 1.2];
const ROUNDS = 7;
const DP: ClientDpOptions = {
  noiseMultiplier: 0.6,
  clipNorm: 3,
  adaptive: { targetQuantile: 0.5, learningRate: 0.8, countNoiseStd: 0.6 },
};
const DELTA = 1e-5;

interface RoundView {
  index: number;
  status: string;
  aggregation: { name: string; value: string }[];
  privacy: {
    secureAggregation: boolean;
    clipNorm: number | null;
    noiseMultiplier: number | null;
    epsilon: number | null;
  };
}

/** A fixed unit direction per site, so that site s's delta has norm exactly NORMS[s] before float32 rounding. */
function direction(s: number): Float64Array {
  const v = Float64Array.from({ length: PARAMETER_COUNT }, (_, j) => Math.sin(j * (s + 3) + 0.5 * s));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

describe('central DP-FedAvg with adaptive clipping through real rounds', () => {
  let workspace: Workspace;
  let coordinator: CoordinatorApp;

  beforeAll(async () => {
    workspace = makeWorkspace();
    coordinator = await bootCoordinator(workspace);
  });

  afterAll(async () => {
    await coordinator?.close();
    workspace?.cleanup();
  });

  it('C adapts toward the median update norm, the noise is in the model, ε grows as the accountant says', async () => {
    const { url } = coordinator;
    const { sites, federationId } = await startFederation(
      url,
      NORMS.map((_, s) => `dp-site-${s}`),
      {
        name: 'central-dp',
        strategy: 'FEDAVG',
        rounds: ROUNDS,
        quorum: NORMS.length,
        deadlineSeconds: 60,
        localSteps: 1,
        differentialPrivacy: {
          delta: DELTA,
          clientLevel: {
            noiseMultiplier: DP.noiseMultiplier,
            clipNorm: DP.clipNorm,
            adaptiveClipping: DP.adaptive,
          },
        },
      },
    );
    const directions = NORMS.map((_, s) => direction(s));
    const roundsQuery = `query ($id: ID!) { rounds(federationId: $id) { items {
      index status aggregation { name value } privacy { secureAggregation clipNorm noiseMultiplier epsilon }
    } } }`;
    const completed = (index: number) =>
      eventually(
        async () => {
          const data = await gqlOk<{ rounds: { items: RoundView[] } }>(url, ADMIN_TOKEN, roundsQuery, {
            id: federationId,
          });
          const round = data.rounds.items.find((r) => r.index === index);
          return round && round.status !== 'OPEN' && round.status !== 'AGGREGATING' ? round : undefined;
        },
        30_000,
        50,
      );
    const value = (round: RoundView, name: string) =>
      Number(round.aggregation.find((a) => a.name === name)?.value ?? Number.NaN);

    let previous: RoundView | null = null;
    let expectedNext: Float64Array | null = null;
    const clipNorms: number[] = [];
    for (let index = 1; index <= ROUNDS; index++) {
      const tasks = await Promise.all(sites.map((site) => takeTask(url, site, federationId, 5)));
      const { weights: global } = await downloadModel(url, sites[0].token, tasks[0].modelDownloadPath);
      if (expectedNext) checkNoise(global, expectedNext, previous as RoundView);
      const updates = NORMS.map((norm, s) => global.map((w, j) => w + norm * directions[s][j]));
      await Promise.all(sites.map((site, s) => uploadUpdate(url, site, tasks[s], updates[s], { numSamples: 10 + s })));
      const round = await completed(index);
      expect(round.status).toBe('COMPLETED');
      expect(round.privacy).toMatchObject({ secureAggregation: false, noiseMultiplier: DP.noiseMultiplier });
      const clipNorm = round.privacy.clipNorm as number;
      clipNorms.push(clipNorm);

      // The clip norm this round applied is the one the previous round chose from its noised count.
      if (previous) expect(clipNorm).toBeCloseTo(value(previous, 'nextClipNorm'), 12);
      else expect(clipNorm).toBe(DP.clipNorm);
      const fraction = value(round, 'unclippedFraction');
      expect(value(round, 'nextClipNorm')).toBeCloseTo(
        clipNorm * Math.exp(-(DP.adaptive?.learningRate ?? 0) * (fraction - 0.5)),
        10,
      );
      // ε after this round: the sampled Gaussian accountant with q = 1 (every round asks every site).
      const epsilon = epsilonAfter(index, { noiseMultiplier: DP.noiseMultiplier, samplingRate: 1, delta: DELTA });
      expect(round.privacy.epsilon).toBeCloseTo(epsilon, 6);
      if (index > 1)
        expect(epsilon).toBeGreaterThan(
          epsilonAfter(index - 1, { noiseMultiplier: 0.6, samplingRate: 1, delta: DELTA }),
        );

      // What the coordinator should have released before noise: the mean (over the fixed 5) of the clipped deltas.
      expectedNext = Float64Array.from(global);
      for (let s = 0; s < NORMS.length; s++) {
        let squares = 0;
        for (let j = 0; j < PARAMETER_COUNT; j++) squares += (updates[s][j] - global[j]) ** 2;
        const scale = Math.min(1, clipNorm / Math.sqrt(squares));
        for (let j = 0; j < PARAMETER_COUNT; j++)
          expectedNext[j] += (scale * (updates[s][j] - global[j])) / NORMS.length;
      }
      previous = round;
    }
    const federation = await gqlOk<{ federation: { status: string; latestModelVersion: { id: string } } }>(
      url,
      ADMIN_TOKEN,
      'query ($id: ID!) { federation(id: $id) { status latestModelVersion { id } } }',
      { id: federationId },
    );
    expect(federation.federation.status).toBe('COMPLETED');
    const { weights: final } = await downloadModel(
      url,
      ADMIN_TOKEN,
      `/models/${federation.federation.latestModelVersion.id}`,
    );
    checkNoise(final, expectedNext as Float64Array, previous as RoundView);

    // While every update is within C (C > 1.2), the noised unclipped fraction is ~1 > 0.5 and C shrinks.
    for (let r = 1; r < clipNorms.length; r++) {
      if (clipNorms[r - 1] > NORMS[NORMS.length - 1]) expect(clipNorms[r]).toBeLessThan(clipNorms[r - 1]);
    }
    // From C₀ = 3 toward the median norm 0.3 (a simulation of this noise puts it in [0.26, 0.80] 99.98% of the time).
    const last = value(previous as RoundView, 'nextClipNorm');
    expect(last).toBeGreaterThan(NORMS[1]);
    expect(last).toBeLessThan(1);
  }, 90_000);

  it('SCAFFOLD with DP-SGD: accepted, the task carries both, a round with Δc_i completes with sample-level ε', async () => {
    const { url } = coordinator;
    const sampleLevel = { noiseMultiplier: 1.1, clipNorm: 1, expectedBatchSize: 2 };
    const { sites, federationId } = await startFederation(url, ['scaffold-dp-a', 'scaffold-dp-b'], {
      name: 'scaffold-dp-sgd',
      strategy: 'SCAFFOLD',
      rounds: 1,
      quorum: 2,
      deadlineSeconds: 60,
      localSteps: 4,
      differentialPrivacy: { delta: DELTA, sampleLevel },
    });
    const taskQuery = `mutation ($id: ID, $wait: Int) { nextTask(federationId: $id, waitSeconds: $wait) { kind
      training { roundId baseModelVersionId updateUploadPath parameterLayoutSha256 modelDownloadPath controlVariatePath
        privacy { dpSgd { noiseMultiplier clipNorm expectedBatchSize } } } } }`;
    type Task = Parameters<typeof uploadUpdate>[2] & {
      controlVariatePath: string | null;
      privacy: { dpSgd: typeof sampleLevel | null };
    };
    const tasks = await Promise.all(
      sites.map(async (site) => {
        const data = await gqlOk<{ nextTask: { kind: string; training: Task } }>(url, site.token, taskQuery, {
          id: federationId,
          wait: 5,
        });
        expect(data.nextTask.kind).toBe('TRAIN');
        return data.nextTask.training;
      }),
    );
    for (const task of tasks) {
      expect(task.privacy.dpSgd).toEqual(sampleLevel);
      expect(task.controlVariatePath).toMatch(/^\/models\/.+/);
    }
    const { weights: global } = await downloadModel(url, sites[0].token, tasks[0].modelDownloadPath);
    const rates = [0.25, 0.5];
    const uploads = await Promise.all(
      sites.map((site, s) => {
        const body = new Float32Array(2 * PARAMETER_COUNT);
        body.set(global.map((w) => w + 0.01 * (s + 1)));
        body.fill(0.001 * (s + 1), PARAMETER_COUNT);
        return uploadUpdate(url, site, tasks[s], body, {
          metrics: { loss: 0.5, localSteps: 4, dpSgdSamplingRate: rates[s] },
          headers: { [UPDATE_HEADERS.parts]: 'weights,control-delta' },
        });
      }),
    );
    expect(uploads.map((u) => u.status)).toEqual([202, 202]);
    const federation = await eventually(async () => {
      const data = await gqlOk<{
        federation: { status: string; privacy: { sampleEpsilon: number | null; roundsAccounted: number } };
      }>(
        url,
        ADMIN_TOKEN,
        'query ($id: ID!) { federation(id: $id) { status privacy { sampleEpsilon roundsAccounted } } }',
        {
          id: federationId,
        },
      );
      return data.federation.status === 'COMPLETED' ? data.federation : undefined;
    }, 30_000);
    // The most exposed site: 4 DP-SGD steps at the larger q.
    const worst = epsilonAfter(4, { noiseMultiplier: sampleLevel.noiseMultiplier, samplingRate: 0.5, delta: DELTA });
    expect(federation.privacy).toEqual({ sampleEpsilon: expect.closeTo(worst, 6), roundsAccounted: 1 });
  }, 60_000);

  it('refuses SCAFFOLD with client-level DP or secure aggregation: its Δc_i would leave each site unclipped, unnoised, unmasked', async () => {
    const { url } = coordinator;
    const refusedSites = await registerSites(url, ['refused-a', 'refused-b', 'refused-c']);
    const base = {
      name: 'refused',
      strategy: 'SCAFFOLD',
      siteIds: refusedSites.map((site) => site.id),
      sitesPerRound: 3,
      quorum: 3,
      rounds: 1,
      deadlineSeconds: 60,
    };
    const refusal = async (input: Record<string, unknown>) => {
      const result = await gql(url, ADMIN_TOKEN, CREATE_FEDERATION, {
        input: { modelConfigName: MODEL_NAME, localSteps: 1, learningRate: 0.001, ...base, ...input },
      });
      return result.errors?.map((e) => e.message).join('; ') ?? '';
    };
    expect(await refusal({ differentialPrivacy: { clientLevel: { noiseMultiplier: 1, clipNorm: 1 } } })).toMatch(
      /strategy SCAFFOLD sends each site's control-variate delta .* differentialPrivacy\.clientLevel/,
    );
    expect(await refusal({ secureAggregation: { threshold: 2, clipNorm: 1 } })).toMatch(
      /strategy SCAFFOLD sends each site's control-variate delta .* secureAggregation/,
    );
  });
});

/**
 * The released model minus the noiseless clipped mean: Gaussian with the std the round recorded (noiseStd on the
 * sum, over the fixed denominator), z_Δ·C with z_Δ ≥ z as adaptive clipping asks.
 */
function checkNoise(released: Float32Array, expected: Float64Array, round: RoundView): void {
  const clipNorm = round.privacy.clipNorm as number;
  const recorded = Number(round.aggregation.find((a) => a.name === 'noiseStd')?.value);
  expect(recorded).toBeCloseTo(deltaNoiseMultiplier(DP) * clipNorm, 10);
  expect(recorded).toBeGreaterThan(DP.noiseMultiplier * clipNorm);
  const { mean, std } = residualMeanStd(released, expected);
  const perCoordinate = recorded / NORMS.length;
  expect(std).toBeGreaterThan(perCoordinate * 0.85);
  expect(std).toBeLessThan(perCoordinate * 1.15);
  expect(Math.abs(mean)).toBeLessThan((5 * perCoordinate) / Math.sqrt(expected.length));
}
