/**
 * Sample-level DP-SGD at a site (Abadi, Chu, Goodfellow, McMahan, Mironov, Talwar & Zhang, "Deep Learning with
 * Differential Privacy", CCS 2016, Alg. 1). Sampling: each of the site's N training cases joins a step's batch
 * independently with probability q = B/N (Poisson sampling, which the sampled-Gaussian accountant assumes; the
 * batch size varies around B), one patch per included case, so the protected unit is the patient's case. Each
 * included case's gradient is computed on its own (a batch of one), clipped to L2 norm C, and added to the sum;
 * the step's gradient is (sum + N(0, (z·C)²)) / B, with B the expected batch size, not the drawn one.
 * Cost: one forward/backward per case instead of one per batch (no batching of the convolutions), plus a norm
 * and an add over the parameters per case.
 */
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError } from '@fedstroke/common';
import { addSecureGaussianNoise } from './secure-gaussian';

export interface DpSgdOptions {
  /** z: noise standard deviation in units of C. */
  noiseMultiplier: number;
  /** C: the per-case gradient norm bound. */
  clipNorm: number;
  /** B: the expected batch size; q = B / N. */
  expectedBatchSize: number;
}

export function assertDpSgdOptions(options: DpSgdOptions, where: string): void {
  for (const [name, value] of [
    ['noiseMultiplier', options.noiseMultiplier],
    ['clipNorm', options.clipNorm],
    ['expectedBatchSize', options.expectedBatchSize],
  ] as const) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new InvalidArgumentError(`${where}.${name} must be a finite number > 0, got ${value}`);
    }
  }
}

/** q = B/N, refused when the site has fewer cases than the expected batch. */
/** The metric a DP-SGD site reports with its update: the Poisson rate q = B/N it trained with (the accountant's q). */
export const DP_SGD_SAMPLING_RATE_METRIC = 'dpSgdSamplingRate';

export function dpSgdSamplingRate(options: DpSgdOptions, trainingCases: number): number {
  if (!(Number.isInteger(trainingCases) && trainingCases >= options.expectedBatchSize)) {
    throw new InvalidArgumentError(
      `DP-SGD needs at least expectedBatchSize = ${options.expectedBatchSize} training cases, the site has ${trainingCases}`,
    );
  }
  return options.expectedBatchSize / trainingCases;
}

/** The case indices of one Poisson-sampled batch, from the CSPRNG (the sample must be secret to amplify). */
export function poissonBatch(cases: number, samplingRate: number): number[] {
  const draws = randomBytes(4 * cases);
  const batch: number[] = [];
  const threshold = samplingRate * 4294967296;
  for (let i = 0; i < cases; i++) if (draws.readUInt32LE(4 * i) < threshold) batch.push(i);
  return batch;
}

/** sum += min(1, C/||g||)·g; returns ||g|| (float64-accumulated) so callers can report how often it clipped. */
export function addClippedGradient(sum: Float64Array, gradient: Float32Array, clipNorm: number): number {
  if (sum.length !== gradient.length) {
    throw new InvalidArgumentError(`gradient has ${gradient.length} values, the sum ${sum.length}`);
  }
  let squares = 0;
  for (let j = 0; j < gradient.length; j++) squares += gradient[j] * gradient[j];
  const norm = Math.sqrt(squares);
  if (!Number.isFinite(norm)) throw new InvalidArgumentError(`per-case gradient norm is ${norm}: not finite`);
  const scale = norm > clipNorm ? clipNorm / norm : 1;
  for (let j = 0; j < gradient.length; j++) sum[j] += scale * gradient[j];
  return norm;
}

/** The private step gradient (sum + N(0, (zC)²)) / B into `out`. */
export function privateGradient(
  sum: Float64Array,
  options: DpSgdOptions,
  out = new Float32Array(sum.length),
): Float32Array {
  const noised = Float64Array.from(sum);
  addSecureGaussianNoise(noised, options.noiseMultiplier * options.clipNorm);
  const inverse = 1 / options.expectedBatchSize;
  for (let j = 0; j < sum.length; j++) out[j] = noised[j] * inverse;
  return out;
}
