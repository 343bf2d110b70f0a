/**
 * The sum a privacy-preserving round aggregates, however it was obtained: unmasked from secure aggregation (the
 * sites clipped, weighted and noised their own deltas) or built here by the coordinator from the updates it saw
 * (central DP-FedAvg). Either way the coordinator checks it before it becomes a model (finite; within the bound
 * clipping implies, n·C, plus what noise and rounding can add) and turns it into the mean delta.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import type { ClientUpdate } from '../client-update';
import { deltaNorm } from './clip-and-noise';
import { addSecureGaussianNoise } from './secure-gaussian';

export interface PrivateSum {
  /** Σ weight_i · clip(Δ_i) (+ noise), float64. */
  deltaSum: Float64Array;
  /** Σ weight_i (the FedAvg denominator of unweighted-by-DP rounds). */
  weightSum: number;
  /** Σ 1[||Δ_i|| ≤ C] (+ noise), with adaptive clipping; null without. */
  indicatorSum: number | null;
  /** How many sites the sum holds. */
  contributors: number;
  /** |decoded − exact| per coordinate from fixed-point rounding (0 for a sum built here). */
  quantisationBound: number;
}

/** Central DP-FedAvg: Σ clip(w_i − global, C) with weight 1 each, the unclipped count, then the noise. */
export function centralPrivateSum(
  global: Float32Array,
  updates: readonly ClientUpdate[],
  clipNorm: number,
  noise: { sumStd: number; indicatorStd: number | null },
): PrivateSum {
  const deltaSum = new Float64Array(global.length);
  let unclipped = 0;
  for (const update of updates) {
    if (update.weights.length !== global.length) {
      throw new InvalidArgumentError(
        `update from ${update.siteId} has ${update.weights.length} values, the model ${global.length}`,
      );
    }
    const norm = deltaNorm(update.weights, global);
    const scale = norm > clipNorm ? clipNorm / norm : 1;
    if (norm <= clipNorm) unclipped++;
    for (let j = 0; j < global.length; j++) deltaSum[j] += scale * (update.weights[j] - global[j]);
  }
  addSecureGaussianNoise(deltaSum, noise.sumStd);
  let indicatorSum: number | null = null;
  if (noise.indicatorStd !== null) {
    const count = Float64Array.of(unclipped);
    addSecureGaussianNoise(count, noise.indicatorStd);
    indicatorSum = count[0];
  }
  return { deltaSum, weightSum: updates.length, indicatorSum, contributors: updates.length, quantisationBound: 0 };
}

/**
 * Why the sum cannot be a model, or null. Clipping bounds ||Σ w_i clip(Δ_i)|| by C·Σ w_i; Gaussian noise of std σ
 * per coordinate adds at most σ(√L + 8) in norm but for a probability below 1e−14 (χ tail), and rounding adds at
 * most the quantisation bound per coordinate. A sum beyond that was not built from clipped updates (a site that
 * skipped its clip, or a corrupt masked input turning into noise across the whole range).
 */
export function privateSumRefusal(
  sum: PrivateSum,
  limits: { clipNorm: number; maxWeight: number; noiseStd: number },
): string | null {
  let squares = 0;
  for (let j = 0; j < sum.deltaSum.length; j++) {
    const v = sum.deltaSum[j];
    if (!Number.isFinite(v)) return `the sum is not finite at coordinate ${j} (${v})`;
    squares += v * v;
  }
  const L = sum.deltaSum.length;
  const weightBound = sum.contributors * limits.maxWeight;
  if (!(sum.weightSum > 0 && sum.weightSum <= weightBound + 0.5)) {
    return `the summed weight ${sum.weightSum} is outside (0, ${weightBound}] for ${sum.contributors} sites`;
  }
  const norm = Math.sqrt(squares);
  const bound =
    limits.clipNorm * Math.min(sum.weightSum, weightBound) +
    limits.noiseStd * (Math.sqrt(L) + 8) +
    sum.quantisationBound * Math.sqrt(L);
  if (norm > bound * (1 + 1e-9)) {
    return `the sum's L2 norm ${norm.toPrecision(6)} exceeds ${bound.toPrecision(6)} (n·C = ${sum.contributors}·${limits.clipNorm} at the summed weight, plus noise and rounding)`;
  }
  return null;
}

/** w_global + Σ / denominator, in float32. */
export function meanDeltaModel(global: Float32Array, deltaSum: Float64Array, denominator: number): Float32Array {
  if (!(denominator > 0)) throw new InvalidArgumentError(`the mean's denominator must be > 0, got ${denominator}`);
  const out = new Float32Array(global.length);
  for (let j = 0; j < global.length; j++) out[j] = global[j] + deltaSum[j] / denominator;
  return out;
}
