/**
 * Client-level differential privacy for federated averaging: DP-FedAvg (McMahan, Ramage, Talwar & Zhang,
 * "Learning Differentially Private Recurrent Language Models", ICLR 2018) with optional adaptive clipping (Andrew,
 * Thakkar, McMahan & Ramaswamy, "Differentially Private Learning with Adaptive Clipping", NeurIPS 2021).
 *
 * Each site's delta Δ_i = w_i − w_global is clipped to L2 norm C; the clipped deltas are summed with weight 1 each
 * (sample-count weights would make the counts part of the sensitivity), N(0, (z·C)²) is added to each coordinate
 * of the sum, and the sum is divided by the fixed expected number of sites per round m (McMahan et al.'s
 * fixed-denominator estimator): one site more or less moves the noised sum by at most C, whatever it sent, so
 * each round is one application of the Gaussian mechanism with noise multiplier z, and the sampled-Gaussian RDP
 * accountant (accounting/rdp.ts) applies with q = the probability that a site takes part in a round.
 *
 * Adaptive clipping: each site also reports b_i = 1 if ||Δ_i|| ≤ C; the noised sum of b_i over m estimates the
 * fraction of unclipped updates b̄, and C ← C · exp(−η (b̄ − γ)) moves C geometrically toward the γ-quantile of
 * the update norms. Releasing the noised count costs privacy too; Andrew et al. (§3) show that releasing both is
 * the Gaussian mechanism with z = (z_Δ^−2 + (2σ_b)^−2)^−1/2, so for a stated z the delta gets the larger
 * z_Δ = (z^−2 − (2σ_b)^−2)^−1/2, which needs σ_b > z/2.
 *
 * Under secure aggregation nobody may hold the whole noise: each site adds N(0, (z·C)²/t) to its own clipped
 * delta, t being the threshold (the fewest sites a round can be unmasked with), so any round that unmasks carries
 * total variance ≥ (z·C)² while each party knows only its own share.
 */
import { InvalidArgumentError } from '@fedstroke/common';

export interface AdaptiveClippingOptions {
  /** γ: the quantile of update norms C should track, in (0, 1). */
  targetQuantile: number;
  /** η_C: the geometric step of the clip norm per round, > 0. */
  learningRate: number;
  /** σ_b: standard deviation of the noise on the count of unclipped updates. */
  countNoiseStd: number;
}

export interface ClientDpOptions {
  /** z: the noise multiplier the accountant is run with. */
  noiseMultiplier: number;
  /** C: the clip norm of the first round (fixed, unless adaptive). */
  clipNorm: number;
  adaptive: AdaptiveClippingOptions | null;
}

export function assertClientDpOptions(options: ClientDpOptions, where: string): void {
  if (!(Number.isFinite(options.noiseMultiplier) && options.noiseMultiplier > 0)) {
    throw new InvalidArgumentError(
      `${where}.noiseMultiplier must be a finite number > 0, got ${options.noiseMultiplier}`,
    );
  }
  if (!(Number.isFinite(options.clipNorm) && options.clipNorm > 0)) {
    throw new InvalidArgumentError(`${where}.clipNorm must be a finite number > 0, got ${options.clipNorm}`);
  }
  const adaptive = options.adaptive;
  if (adaptive === null) return;
  if (!(adaptive.targetQuantile > 0 && adaptive.targetQuantile < 1)) {
    throw new InvalidArgumentError(
      `${where}.adaptive.targetQuantile must be in (0, 1), got ${adaptive.targetQuantile}`,
    );
  }
  if (!(Number.isFinite(adaptive.learningRate) && adaptive.learningRate > 0)) {
    throw new InvalidArgumentError(
      `${where}.adaptive.learningRate must be a finite number > 0, got ${adaptive.learningRate}`,
    );
  }
  // (2σ_b)^−2 must stay below z^−2, or the count alone would spend the whole budget.
  const least = options.noiseMultiplier / 2;
  if (!(Number.isFinite(adaptive.countNoiseStd) && adaptive.countNoiseStd > least)) {
    throw new InvalidArgumentError(
      `${where}.adaptive.countNoiseStd must exceed noiseMultiplier / 2 = ${least} (Andrew et al. 2021, §3), got ${adaptive.countNoiseStd}`,
    );
  }
}

/** z_Δ: the noise multiplier the delta sum gets, so that delta and count together are worth z. */
export function deltaNoiseMultiplier(options: ClientDpOptions): number {
  const z = options.noiseMultiplier;
  if (options.adaptive === null) return z;
  const rest = z ** -2 - (2 * options.adaptive.countNoiseStd) ** -2;
  return rest ** -0.5;
}

/** Standard deviation of the noise on each coordinate of the round's delta sum, for clip norm C. */
export function deltaSumNoiseStd(options: ClientDpOptions, clipNorm: number): number {
  return deltaNoiseMultiplier(options) * clipNorm;
}

/** Each site's share of a noise of standard deviation `std` when at least `minContributors` sites contribute. */
export function distributedNoiseStd(std: number, minContributors: number): number {
  if (!(Number.isInteger(minContributors) && minContributors >= 1)) {
    throw new InvalidArgumentError(`minContributors must be an integer ≥ 1, got ${minContributors}`);
  }
  return std / Math.sqrt(minContributors);
}

/** The next round's clip norm from the noised count of unclipped updates (Andrew et al. 2021, Alg. 1). */
export function nextClipNorm(
  clipNorm: number,
  noisedUnclippedCount: number,
  expectedSites: number,
  adaptive: AdaptiveClippingOptions,
): number {
  const fraction = Math.min(1, Math.max(0, noisedUnclippedCount / expectedSites));
  return clipNorm * Math.exp(-adaptive.learningRate * (fraction - adaptive.targetQuantile));
}

/** The new global model from the noised sum of clipped deltas: w_global + sum / m (m fixed: see above). */
export function dpFedAvgModel(
  global: Float32Array,
  noisedDeltaSum: ArrayLike<number>,
  expectedSites: number,
  out = new Float32Array(global.length),
): Float32Array {
  if (noisedDeltaSum.length !== global.length) {
    throw new InvalidArgumentError(`delta sum has ${noisedDeltaSum.length} values, the model ${global.length}`);
  }
  if (!(Number.isInteger(expectedSites) && expectedSites >= 1)) {
    throw new InvalidArgumentError(`expected sites per round must be an integer ≥ 1, got ${expectedSites}`);
  }
  const inverse = 1 / expectedSites;
  for (let j = 0; j < global.length; j++) out[j] = global[j] + noisedDeltaSum[j] * inverse;
  return out;
}

/** s = min(1, C / ||Δ||) for one delta, and whether it was within C (the adaptive-clipping indicator). */
export function clipFactor(deltaNorm: number, clipNorm: number): { scale: number; withinClip: boolean } {
  return deltaNorm > clipNorm ? { scale: clipNorm / deltaNorm, withinClip: false } : { scale: 1, withinClip: true };
}
