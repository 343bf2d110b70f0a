import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrainingSession } from '@fedstroke/runtime';
import { writeLinearArtifacts } from '@fedstroke/runtime/testing';
import { NO_AUGMENT } from './augment';
import { TrainingAbortedError } from './errors';
import { ResumeStateError } from './errors';
import { blobCases } from './testing/blob-cases';
import { BEST_CHECKPOINT, LAST_CHECKPOINT, trainLocal } from './train-local';
import type { TrainLocalOptions } from './training-options';

/**
 * The loop's mechanics on the smallest real model (a per-voxel logistic regression run by ONNX Runtime through the
 * real TrainingSession): resume exactness, abort, FedProx, accumulation. The U-Net learning check is in
 * train-local.unet.spec.ts.
 */
describe('trainLocal (linear model)', () => {
  let dir: string;
  let artifacts: string;
  const train = blobCases(4, [12, 10, 9], 1);
  const base: TrainLocalOptions = {
    steps: 8,
    batchSize: 2,
    patchSize: [4, 4, 8],
    learningRate: 0.05,
    seed: 5,
    progress: { silent: true },
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedstroke-train-'));
    artifacts = join(dir, 'linear');
    await writeLinearArtifacts(artifacts, { inChannels: 2, spatialMultiple: 4 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const session = () => TrainingSession.create(artifacts, { intraOpNumThreads: 1 });

  it('lowers the loss and reports steps, samples and the per-step history', async () => {
    const result = await trainLocal(await session(), { train }, { ...base, steps: 30, learningRate: 0.1 });
    expect(result.stepsDone).toBe(30);
    expect(result.losses).toHaveLength(30);
    expect(result.samplesSeen).toBe(60);
    expect(result.numSamples).toBe(4);
    const early = result.losses.slice(0, 5).reduce((a, b) => a + b) / 5;
    expect(result.finalLoss).toBeLessThan(0.7 * early);
    // poly schedule: decreasing learning rates from lr0.
    expect(result.learningRates[0]).toBeCloseTo(0.1, 10);
    expect(result.learningRates[29]).toBeLessThan(result.learningRates[10]);
  });

  it('validates on whole volumes every valEvery steps and keeps the best checkpoint', async () => {
    const out = join(dir, 'validate');
    const val = blobCases(2, [12, 10, 9], 2);
    const seen: number[] = [];
    const result = await trainLocal(
      await session(),
      { train, val },
      {
        ...base,
        steps: 30,
        learningRate: 0.1,
        valEvery: 10,
        checkpointDir: out,
        onValidation: (entry) => seen.push(entry.step),
      },
    );
    expect(seen).toEqual([10, 20, 30]);
    expect(result.valHistory.map((v) => v.caseDice.length)).toEqual([2, 2, 2]);
    const bestEntry = result.valHistory.reduce((a, b) => (b.meanDice > a.meanDice ? b : a));
    expect(result.best).toEqual({ step: bestEntry.step, dice: bestEntry.meanDice });
    // Lesions are bright in channel 0: even a per-voxel classifier segments them well.
    expect(result.best!.dice).toBeGreaterThan(0.8);
    expect(result.checkpoints.best).toBe(join(out, BEST_CHECKPOINT));
    expect((await stat(join(out, BEST_CHECKPOINT))).size).toBeGreaterThan(0);
  });

  it('resumes exactly: the same losses and weights as an uninterrupted run', async () => {
    const out = join(dir, 'resume');
    const full = await trainLocal(await session(), { train }, base);
    const firstHalf = await trainLocal(
      await session(),
      { train },
      { ...base, steps: 4, scheduleSteps: 8, checkpointDir: out },
    );
    expect(firstHalf.checkpoints.last).toBe(join(out, LAST_CHECKPOINT));
    const resumed = await trainLocal(await session(), { train }, { ...base, resumeFrom: join(out, LAST_CHECKPOINT) });
    expect(resumed.stepsDone).toBe(8);
    expect(resumed.losses).toEqual(full.losses);
    expect(resumed.weights).toEqual(full.weights);
    expect(resumed.samplesSeen).toBe(full.samplesSeen);
  });

  it('refuses to resume with a different seed or batch, or from a checkpoint without loop state', async () => {
    const out = join(dir, 'mismatch');
    await trainLocal(await session(), { train }, { ...base, steps: 2, scheduleSteps: 8, checkpointDir: out });
    await expect(
      trainLocal(await session(), { train }, { ...base, seed: 6, resumeFrom: join(out, LAST_CHECKPOINT) }),
    ).rejects.toThrow(ResumeStateError);
    await expect(
      trainLocal(await session(), { train }, { ...base, batchSize: 1, resumeFrom: join(out, LAST_CHECKPOINT) }),
    ).rejects.toThrow(/batchSize 2, this run has 1/);
    await expect(
      trainLocal(await session(), { train }, { ...base, resumeFrom: join(artifacts, 'checkpoint.safetensors') }),
    ).rejects.toThrow(/carries no training state/);
  });

  it('stops on abort after writing the last checkpoint', async () => {
    const out = join(dir, 'abort');
    const controller = new AbortController();
    const run = trainLocal(
      await session(),
      { train },
      {
        ...base,
        checkpointDir: out,
        signal: controller.signal,
        onStep: ({ step }) => step === 3 && controller.abort(),
      },
    );
    await expect(run).rejects.toThrow(TrainingAbortedError);
    await expect(run).rejects.toThrow(/after step 3 of 8/);
    expect((await stat(join(out, LAST_CHECKPOINT))).size).toBeGreaterThan(0);
    await expect(stat(join(out, BEST_CHECKPOINT))).rejects.toThrow();
  });

  it('serves a federated round: starts from the given weights, FedProx keeps them closer', async () => {
    const global = Float32Array.from([0.5, -0.5, 0.1]);
    const options = { ...base, steps: 10, learningRate: 0.2, augment: NO_AUGMENT, initialWeights: global };
    const plain = await trainLocal(await session(), { train }, options);
    const prox = await trainLocal(await session(), { train }, { ...options, proximalMu: 50 });
    const distance = (w: Float32Array) => Math.hypot(...w.map((v, i) => v - global[i]));
    expect(distance(plain.weights)).toBeGreaterThan(0);
    expect(distance(prox.weights)).toBeLessThan(distance(plain.weights));
    expect(plain.numSamples).toBe(train.length);
  });

  it('serves a SCAFFOLD round: the correction steers every step, Σ lr is reported, and the next call drops it', async () => {
    const global = Float32Array.from([0.5, -0.5, 0.1]);
    const options = { ...base, steps: 10, learningRate: 0.05, augment: NO_AUGMENT, initialWeights: global };
    const plain = await trainLocal(await session(), { train }, options);
    expect(plain.stepSizeSum).toBeCloseTo(
      plain.learningRates.reduce((a, b) => a + b),
      12,
    );
    const zero = await trainLocal(await session(), { train }, { ...options, stepCorrection: new Float32Array(3) });
    expect(zero.weights).toEqual(plain.weights);
    const correction = Float32Array.from([2, -2, 0]);
    const reused = await session();
    const corrected = await trainLocal(reused, { train }, { ...options, stepCorrection: correction });
    // Each step moves lr · s further: against s, by about Σ lr · ‖s‖² (the gradients change a little on the way).
    const along = corrected.weights.reduce((sum, w, i) => sum + (w - plain.weights[i]) * correction[i], 0);
    expect(along).toBeLessThan(-0.5 * corrected.stepSizeSum * 8);
    const again = await trainLocal(reused, { train }, options);
    expect(again.weights).toEqual(plain.weights);
  });

  it('accumulates gradients over micro-batches', async () => {
    const result = await trainLocal(await session(), { train }, { ...base, steps: 3, gradientAccumulation: 3 });
    expect(result.samplesSeen).toBe(3 * 2 * 3);
    expect(result.losses).toHaveLength(3);
  });

  it('rejects a patch the network cannot take and cases with the wrong channel count, before any step', async () => {
    await expect(trainLocal(await session(), { train }, { ...base, patchSize: [4, 4, 6] })).rejects.toThrow(
      /multiple of the network's spatial multiple 4/,
    );
    await expect(trainLocal(await session(), { train: blobCases(1, [8, 8, 8], 2, 3) }, base)).rejects.toThrow(
      /3 channels, model "linear-fixture" takes 2/,
    );
  });
});
