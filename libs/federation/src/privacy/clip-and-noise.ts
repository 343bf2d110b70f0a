/**
 * Update clipping and Gaussian noise in the style of DP-FedAvg (McMahan, Ramage, Talwar, Zhang, "Learning
 * Differentially Private Recurrent Language Models", ICLR 2018): each site's delta Δ_i = w_i − w_global is scaled
 * to L2 norm at most C, the deltas are averaged, and N(0, σ²) noise is added to every coordinate of the average,
 * with σ = z · C · max_i a_i where a_i are the aggregation weights. With equal weights that is the familiar
 * σ = z · C / n: one site can move the average by at most C · a_i, so σ scales with the largest a_i.
 *
 * Honest scope: this is the mechanism, not a privacy guarantee. A formal (ε, δ) statement needs an accountant over
 * all rounds (moments / RDP accounting), client sampling, and sample counts that are themselves not sensitive;
 * none of that is done here. The parameters are recorded on every round so an accountant can be run afterwards.
 */
import { InvalidArgumentError, type Random } from '@fedstroke/common';

export interface PrivacyOptions {
  /** C: the bound on each update's delta norm ||w_i − w_global||₂. */
  clipNorm: number;
  /** z: noise standard deviation in units of the per-site sensitivity; 0 clips without adding noise. */
  noiseMultiplier: number;
  /** Federation-level seed; each round derives its noise stream from it as mixSeed(seed, roundIndex). */
  seed: number;
}

/** What a round records about the mechanism it applied. */
export interface PrivacyRecord {
  clipNorm: number;
  noiseMultiplier: number;
  noiseSeed: number;
}

export function assertPrivacyOptions(options: PrivacyOptions, where: string): void {
  if (!(Number.isFinite(options.clipNorm) && options.clipNorm > 0)) {
    throw new InvalidArgumentError(`${where}.clipNorm must be a finite number > 0, got ${options.clipNorm}`);
  }
  if (!(Number.isFinite(options.noiseMultiplier) && options.noiseMultiplier >= 0)) {
    throw new InvalidArgumentError(
      `${where}.noiseMultiplier must be a finite number ≥ 0, got ${options.noiseMultiplier}`,
    );
  }
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) {
    throw new InvalidArgumentError(`${where}.seed must be an integer in [0, 2^32), got ${options.seed}`);
  }
}

/** ||w − global||₂, accumulated in float64. */
export function deltaNorm(weights: Float32Array, global: Float32Array): number {
  let sum = 0;
  for (let j = 0; j < global.length; j++) {
    const d = weights[j] - global[j];
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/** Per-update factor s_i = min(1, C / ||Δ_i||) that brings each delta within the bound, and how many were scaled. */
export function clipScales(
  global: Float32Array,
  inputs: readonly Float32Array[],
  clipNorm: number,
): { scales: Float64Array; clipped: number } {
  const scales = new Float64Array(inputs.length);
  let clipped = 0;
  for (let i = 0; i < inputs.length; i++) {
    const norm = deltaNorm(inputs[i], global);
    scales[i] = norm > clipNorm ? clipNorm / norm : 1;
    if (norm > clipNorm) clipped++;
  }
  return { scales, clipped };
}

/** σ = z · C · max_i a_i for aggregation weights a_i (summing to 1). */
export function noiseStd(clipNorm: number, noiseMultiplier: number, weights: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < weights.length; i++) largest = Math.max(largest, weights[i]);
  return noiseMultiplier * clipNorm * largest;
}

/** Adds N(0, std²) to out[start..end), continuing the generator's stream (chunks in order give one stream). */
export function addGaussianNoiseRange(
  out: Float32Array,
  start: number,
  end: number,
  std: number,
  random: Random,
): void {
  if (std === 0) return;
  for (let j = start; j < end; j++) out[j] += std * random.normal();
}
