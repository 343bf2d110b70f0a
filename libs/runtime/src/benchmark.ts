/**
 * The benchmark workloads of `fedstroke bench`, the same as ../shared/bench/torch_unet3d.py so the two can be
 * compared side by side: a fixed synthetic batch (standard-normal noise image, one ball of radius min(shape)/6 per
 * sample, centre uniform in [0.25, 0.75] of the shape), untimed warm-up steps, then timed steps.
 * Train step = lazyResetGrad + trainStep (forward, loss, backward) + optimizerStep, like torch's
 * zero_grad + forward + loss + backward + Adam step. Infer = one forward pass over a whole volume (batch 1).
 */
import { performance } from 'node:perf_hooks';
import { Random } from '@fedstroke/common';
import type { Tensor5D } from './input-shape';
import { InferenceModel } from './inference-model';
import { defaultThreadCount, type ProviderOptions } from './providers';
import { TrainingSession } from './training-session';

export interface StepTimes {
  medianMs: number;
  minMs: number;
  meanMs: number;
  stepsMs: number[];
}

export interface BenchmarkResult {
  kind: 'train' | 'infer';
  config: string;
  provider: string;
  threads: number;
  input: number[];
  parameterCount: number;
  warmup: number;
  steps: number;
  time: StepTimes;
  /** Median split of a train step: ORT forward + backward, and the TypeScript optimizer. */
  split?: { trainStepMs: number; optimizerStepMs: number };
  lastLoss?: number;
  /** Peak resident set of this process, MiB (process.resourceUsage().maxRSS). */
  peakRssMiB: number;
}

export interface BenchmarkOptions extends ProviderOptions {
  warmup: number;
  steps: number;
  seed?: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export function summarizeTimes(stepsMs: number[]): StepTimes {
  return {
    medianMs: stepsMs.length ? median(stepsMs) : Number.NaN,
    minMs: stepsMs.length ? Math.min(...stepsMs) : Number.NaN,
    meanMs: stepsMs.length ? stepsMs.reduce((a, b) => a + b, 0) / stepsMs.length : Number.NaN,
    stepsMs,
  };
}

/** torch_unet3d.py's synthetic_batch: noise image [N,C,D,H,W] and one ball per sample as the label [N,1,D,H,W]. */
export function syntheticBatch(
  samples: number,
  channels: number,
  shape: readonly [number, number, number],
  seed = 0,
): { image: Tensor5D; label: Tensor5D } {
  const random = new Random(seed + 1);
  const [d, h, w] = shape;
  const voxels = d * h * w;
  const image = new Float32Array(samples * channels * voxels);
  for (let i = 0; i < image.length; i++) image[i] = random.normal();
  const label = new Float32Array(samples * voxels);
  const radius = Math.min(d, h, w) / 6;
  for (let b = 0; b < samples; b++) {
    const centre = shape.map((s) => (0.25 + 0.5 * random.uniform()) * s);
    for (let z = 0, i = 0; z < d; z++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++, i++) {
          const r2 = (z - centre[0]) ** 2 + (y - centre[1]) ** 2 + (x - centre[2]) ** 2;
          label[b * voxels + i] = r2 <= radius * radius ? 1 : 0;
        }
  }
  return {
    image: { data: image, shape: [samples, channels, d, h, w] },
    label: { data: label, shape: [samples, 1, d, h, w] },
  };
}

const peakRssMiB = (): number => process.resourceUsage().maxRSS / 1024; // maxRSS is KiB

export async function benchmarkTraining(
  artifactsDir: string,
  patch: readonly [number, number, number],
  batch: number,
  options: BenchmarkOptions,
  onStep?: (step: number, loss: number, ms: number, warmup: boolean) => void,
): Promise<BenchmarkResult> {
  const session = await TrainingSession.create(artifactsDir, options);
  try {
    const { image, label } = syntheticBatch(batch, session.manifest.config.inChannels, patch, options.seed);
    const total: number[] = [];
    const forwardBackward: number[] = [];
    const optimizer: number[] = [];
    let loss = Number.NaN;
    for (let step = 0; step < options.warmup + options.steps; step++) {
      const t0 = performance.now();
      session.lazyResetGrad();
      loss = await session.trainStep(image, label);
      const t1 = performance.now();
      session.optimizerStep();
      const t2 = performance.now();
      const warmup = step < options.warmup;
      if (!warmup) {
        total.push(t2 - t0);
        forwardBackward.push(t1 - t0);
        optimizer.push(t2 - t1);
      }
      onStep?.(step, loss, t2 - t0, warmup);
    }
    return {
      kind: 'train',
      config: session.manifest.config.name,
      provider: session.provider,
      threads: options.intraOpNumThreads ?? defaultThreadCount(),
      input: [...image.shape],
      parameterCount: session.getParametersSize(),
      warmup: options.warmup,
      steps: options.steps,
      time: summarizeTimes(total),
      split: { trainStepMs: median(forwardBackward), optimizerStepMs: median(optimizer) },
      lastLoss: loss,
      peakRssMiB: peakRssMiB(),
    };
  } finally {
    await session.release();
  }
}

export async function benchmarkInference(
  artifactsDir: string,
  volume: readonly [number, number, number],
  options: BenchmarkOptions,
  onStep?: (step: number, ms: number, warmup: boolean) => void,
): Promise<BenchmarkResult> {
  const model = await InferenceModel.create(artifactsDir, options);
  try {
    const { image } = syntheticBatch(1, model.manifest.config.inChannels, volume, options.seed);
    const times: number[] = [];
    for (let step = 0; step < options.warmup + options.steps; step++) {
      const t0 = performance.now();
      await model.infer(image);
      const ms = performance.now() - t0;
      if (step >= options.warmup) times.push(ms);
      onStep?.(step, ms, step < options.warmup);
    }
    return {
      kind: 'infer',
      config: model.manifest.config.name,
      provider: model.provider,
      threads: options.intraOpNumThreads ?? defaultThreadCount(),
      input: [...image.shape],
      parameterCount: model.manifest.parameterCount,
      warmup: options.warmup,
      steps: options.steps,
      time: summarizeTimes(times),
      peakRssMiB: peakRssMiB(),
    };
  } finally {
    await model.release();
  }
}
