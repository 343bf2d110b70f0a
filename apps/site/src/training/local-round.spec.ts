import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DP_SGD_SAMPLING_RATE_METRIC } from '@fedstroke/federation';
import { DETECTION_CASES_METRIC, selectDetectionSettings } from '@fedstroke/metrics';
import { TrainingSession } from '@fedstroke/runtime';
import { learningRateAt } from '@fedstroke/training';
import { writeLinearArtifacts } from '@fedstroke/runtime/testing';
import { blobCases } from '@fedstroke/training/testing';
import {
  type LocalRoundOptions,
  type LocalRoundTask,
  lossMetric,
  roundSchedule,
  trainLocalRound,
  validatesGlobalThisRound,
  validatesThisRound,
} from './local-round';

describe('roundSchedule', () => {
  it('places round r at (r−1)·localSteps of a poly schedule spanning every round of the task', () => {
    expect(roundSchedule({ roundIndex: 3, totalRounds: 10, localSteps: 25 }, 10)).toEqual({
      schedule: 'poly',
      scheduleSteps: 250,
      scheduleOffset: 50,
      warmupSteps: 10,
    });
  });

  it('keeps the warm-up below a short federation and decays to the last step of the last round', () => {
    const task = { roundIndex: 2, totalRounds: 2, localSteps: 3 };
    const placed = roundSchedule(task, 10);
    expect(placed).toEqual({ schedule: 'poly', scheduleSteps: 6, scheduleOffset: 3, warmupSteps: 5 });
    const schedule = { kind: placed.schedule, baseLr: 0.01, totalSteps: placed.scheduleSteps, warmupSteps: 5 };
    // Step 5 (the round's last) is the first after warm-up: 0.01 · (1 − 0/1)^0.9.
    expect(learningRateAt(schedule, placed.scheduleOffset + task.localSteps - 1)).toBeCloseTo(0.01, 12);
  });

  it('extends the schedule to a round beyond the announced count instead of training at rate 0', () => {
    expect(roundSchedule({ roundIndex: 12, totalRounds: 10, localSteps: 10 }, 0)).toMatchObject({
      scheduleSteps: 120,
      scheduleOffset: 110,
    });
  });
});

describe('validatesGlobalThisRound', () => {
  it('opens round 1 + k·n by scoring the aggregate of the round before, the curve of the global model', () => {
    const rounds = (every: number, total: number) =>
      Array.from({ length: total }, (_, i) => i + 1).filter((roundIndex) =>
        validatesGlobalThisRound({ roundIndex }, every),
      );
    expect(rounds(1, 4)).toEqual([2, 3, 4]);
    expect(rounds(4, 10)).toEqual([5, 9]);
  });
});

describe('validatesThisRound', () => {
  it('validates every n-th round and always the last one', () => {
    const rounds = (every: number, total: number) =>
      Array.from({ length: total }, (_, i) => i + 1).filter((roundIndex) =>
        validatesThisRound({ roundIndex, totalRounds: total }, every),
      );
    expect(rounds(1, 4)).toEqual([1, 2, 3, 4]);
    expect(rounds(4, 10)).toEqual([4, 8, 10]);
    expect(rounds(5, 10)).toEqual([5, 10]);
  });
});

describe('trainLocalRound', () => {
  let dir: string;
  let artifacts: string;
  const dataset = { train: blobCases(4, [12, 12, 8], 1), val: blobCases(2, [12, 12, 8], 2), splitSource: 'test' };
  const config = {
    batchSize: 2,
    patchSize: [4, 4, 8] as [number, number, number],
    seed: 3,
    warmupSteps: 0,
    validateGlobal: false,
    curveModel: 'local' as const,
    validateEveryRounds: 1,
    keepOptimizerState: false,
    checkpointEvery: 0,
  };
  const task = { roundIndex: 1, totalRounds: 2, localSteps: 6, learningRate: 0.05, proximalMu: 0 };
  const global = Float32Array.from([0.2, -0.1, 0.05]);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedstroke-local-round-'));
    artifacts = join(dir, 'linear');
    await writeLinearArtifacts(artifacts, { inChannels: 2, spatialMultiple: 4 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const round = async (extra: Partial<LocalRoundOptions>, roundTask: LocalRoundTask = task) =>
    trainLocalRound({
      task: roundTask,
      globalWeights: global,
      session: await TrainingSession.create(artifacts, { intraOpNumThreads: 1 }),
      dataset,
      config,
      checkpointDir: join(dir, `checkpoint-${Math.random()}`),
      ...extra,
    });

  it('SCAFFOLD: sends Δc_i = (x − y)/Σ lr − c and keeps c_i⁺ = c_i + Δc_i for when the update is accepted', async () => {
    const serverControl = Float32Array.from([0.01, -0.02, 0.03]);
    const siteControl = Float32Array.from([0.05, 0, -0.01]);
    const { update, commit } = await round({ scaffold: { serverControl, siteControl } });
    const plain = await round({});
    expect(update.weights).not.toEqual(plain.update.weights); // the correction steered the steps
    // Σ lr of the round: the poly schedule over 2 × 6 steps, first 6 of them (learningRateAt is tested elsewhere).
    const rates = Array.from({ length: 6 }, (_, k) =>
      learningRateAt({ kind: 'poly', baseLr: 0.05, totalSteps: 12, warmupSteps: 0 }, k),
    );
    const stepSizeSum = rates.reduce((a, b) => a + b);
    global.forEach((x, j) => {
      const delta = (x - update.weights[j]) / stepSizeSum - serverControl[j];
      expect(update.controlDelta?.[j]).toBeCloseTo(delta, 5);
      expect(commit['scaffold-control']?.[j]).toBeCloseTo(siteControl[j] + delta, 5);
    });
    expect(plain.update.controlDelta).toBeUndefined();
    expect(plain.commit).toEqual({});
  });

  it('SCAFFOLD with DP-SGD: the correction steers the private steps and Δc_i is computed from the DP-trained weights', async () => {
    // c − c_i far larger than any clipped, noised gradient of this model: every Adam step then moves against it.
    const serverControl = Float32Array.from([5, -5, 5]);
    const siteControl = new Float32Array(3);
    const dpSgd = { noiseMultiplier: 0.5, clipNorm: 0.01, expectedBatchSize: 2 };
    const { update, commit } = await round(
      { scaffold: { serverControl, siteControl } },
      { ...task, privacy: { dpSgd } },
    );
    const rates = Array.from({ length: 6 }, (_, k) =>
      learningRateAt({ kind: 'poly', baseLr: 0.05, totalSteps: 12, warmupSteps: 0 }, k),
    );
    const stepSizeSum = rates.reduce((a, b) => a + b);
    global.forEach((x, j) => {
      const moved = update.weights[j] - x;
      expect(Math.sign(moved)).toBe(-Math.sign(serverControl[j]));
      expect(Math.abs(moved)).toBeGreaterThan(0.5 * stepSizeSum);
      // The control variate is post-processing of the DP-SGD iterates: no further privacy cost.
      const delta = (x - update.weights[j]) / stepSizeSum - serverControl[j];
      expect(update.controlDelta?.[j]).toBeCloseTo(delta, 5);
      expect(commit['scaffold-control']?.[j]).toBeCloseTo(siteControl[j] + delta, 5);
    });
    // The accountant's q = B/N is reported as with DP-SGD alone.
    expect(update.metrics[DP_SGD_SAMPLING_RATE_METRIC]).toBe(2 / dataset.train.length);
    // The opposite correction moves every weight the other way (the data's own gradient would not flip).
    const flipped = await round(
      { scaffold: { serverControl: serverControl.map((c) => -c), siteControl } },
      { ...task, privacy: { dpSgd } },
    );
    global.forEach((x, j) => expect(Math.sign(flipped.update.weights[j] - x)).toBe(Math.sign(serverControl[j])));
  });

  it('FedBN: trains from the site’s own values of the local ranges and keeps what they became', async () => {
    const ranges = [{ offset: 2, size: 1 }]; // the bias of the linear model stands in for an InstanceNorm's β
    const first = await round({ localNorms: { ranges, values: null } });
    expect(first.commit['local-norms']).toEqual(Float32Array.from([first.update.weights[2]]));
    const own = Float32Array.from([-3]);
    const second = await round({ localNorms: { ranges, values: own } });
    // Starting from β = −3 instead of the global 0.05, a few small steps stay near −3.
    expect(second.update.weights[2]).toBeLessThan(-2.5);
    expect(second.commit['local-norms']?.[0]).toBe(second.update.weights[2]);
  });

  it('curveModel: the local model (local), the received global one (global, the local only last), or both', async () => {
    const second = { ...task, roundIndex: 2, totalRounds: 3 };
    const last = { ...task, roundIndex: 3, totalRounds: 3 };
    const reported = async (curveModel: 'local' | 'global' | 'both', roundTask: LocalRoundTask) => {
      const { update } = await trainLocalRound({
        task: roundTask,
        globalWeights: global,
        session: await TrainingSession.create(artifacts, { intraOpNumThreads: 1 }),
        dataset,
        config: { ...config, curveModel },
        checkpointDir: join(dir, `checkpoint-${Math.random()}`),
      });
      return ['valDice', 'valDiceGlobal'].filter((name) => update.metrics[name] !== undefined);
    };
    expect(await reported('local', second)).toEqual(['valDice']);
    expect(await reported('global', second)).toEqual(['valDiceGlobal']);
    expect(await reported('global', last)).toEqual(['valDice', 'valDiceGlobal']);
    expect(await reported('both', second)).toEqual(['valDice', 'valDiceGlobal']);
  });

  it('reports the patch it trained on, for the model version to record', async () => {
    const { update } = await round({});
    expect(update.metrics).toMatchObject({ trainPatchD: 4, trainPatchH: 4, trainPatchW: 8 });
  });

  it('the last round of a selecting federation scores the global model on the grid, as update metrics', async () => {
    const grid = { thresholds: [0.4, 0.6], minLesionVoxels: [0, 5] };
    const { update } = await round({}, { ...task, detectionGrid: grid });
    expect(update.metrics[DETECTION_CASES_METRIC]).toBe(2);
    const chosen = selectDetectionSettings([update.metrics], grid);
    expect(chosen).not.toBeNull();
    expect(Object.keys(update.metrics).filter((name) => name.startsWith('detect:t'))).toHaveLength(12);
  });
});

describe('lossMetric', () => {
  it('reports the loss, and nothing for a round whose DP-SGD steps all sampled no case', () => {
    expect(lossMetric(0.25)).toEqual({ trainLoss: 0.25 });
    expect(lossMetric(Number.NaN)).toEqual({});
  });
});
