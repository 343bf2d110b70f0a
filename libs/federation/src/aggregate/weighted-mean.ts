/**
 * The sample-weighted mean of FedAvg (McMahan, Moore, Ramage, Hampson, Agüera y Arcas, "Communication-Efficient
 * Learning of Deep Networks from Decentralized Data", AISTATS 2017): w = Σ_i (n_i / Σ_k n_k) · w_i.
 *
 * With clipping, site i contributes w_global + s_i · (w_i − w_global); the mean of those is
 * Σ_i a_i s_i · w_i + (1 − Σ_i a_i s_i) · w_global, i.e. still one weighted sum over the inputs, with the global
 * model as one more input. So clipped or not, aggregation is a single streaming pass and no clipped copy of any
 * update is ever made.
 */
import { Random } from '@fedstroke/common';
import type { ClientUpdate } from '../client-update';
import { AggregationError } from '../federation.errors';
import { clipScales, addGaussianNoiseRange, noiseStd } from '../privacy/clip-and-noise';
import type { PrivacyRecord } from '../privacy/clip-and-noise';
import { assertSameLength, forEachChunk, outputBuffer } from './buffers';
import { weightedSumRange } from './weighted-sum';

/** a_i = n_i / Σ n: each site's share of the training samples. */
export function sampleWeights(results: readonly ClientUpdate[]): Float64Array {
  if (results.length === 0) throw new AggregationError('NOT_ENOUGH_RESULTS', 'cannot average zero client updates');
  let total = 0;
  for (const r of results) {
    if (!(Number.isFinite(r.numSamples) && r.numSamples > 0)) {
      throw new AggregationError('BAD_SAMPLES', `site ${r.siteId}: numSamples must be > 0, got ${r.numSamples}`);
    }
    total += r.numSamples;
  }
  return Float64Array.from(results, (r) => r.numSamples / total);
}

/** The single weighted sum a (possibly clipped, possibly noised) mean reduces to. */
export interface MeanPlan {
  inputs: Float32Array[];
  coefficients: Float64Array;
  clippedUpdates: number;
  noiseStd: number;
  noiseSeed: number;
}

export function planWeightedMean(
  global: Float32Array,
  results: readonly ClientUpdate[],
  weights: Float64Array,
  privacy: PrivacyRecord | null,
): MeanPlan {
  const updates = results.map((r) => r.weights);
  assertSameLength(updates, global.length, (i) => `update from site ${results[i].siteId}`);
  if (privacy === null) {
    return { inputs: updates, coefficients: weights, clippedUpdates: 0, noiseStd: 0, noiseSeed: 0 };
  }
  const { scales, clipped } = clipScales(global, updates, privacy.clipNorm);
  const noise = {
    noiseStd: noiseStd(privacy.clipNorm, privacy.noiseMultiplier, weights),
    noiseSeed: privacy.noiseSeed,
  };
  if (clipped === 0) return { inputs: updates, coefficients: weights, clippedUpdates: 0, ...noise };
  const coefficients = new Float64Array(updates.length + 1);
  let siteShare = 0;
  for (let i = 0; i < updates.length; i++) siteShare += coefficients[i] = weights[i] * scales[i];
  coefficients[updates.length] = 1 - siteShare;
  return { inputs: [...updates, global], coefficients, clippedUpdates: clipped, ...noise };
}

/**
 * Streams the plan into out, chunk by chunk; `afterChunk` (the server optimizer) then rewrites the same range
 * while it is still in cache.
 */
export function writeWeightedMean(
  plan: MeanPlan,
  out: Float32Array,
  afterChunk?: (start: number, end: number) => void,
): void {
  const random = plan.noiseStd > 0 ? new Random(plan.noiseSeed) : null;
  forEachChunk(out.length, (start, end) => {
    weightedSumRange(plan.inputs, plan.coefficients, out, start, end);
    if (random !== null) addGaussianNoiseRange(out, start, end, plan.noiseStd, random);
    afterChunk?.(start, end);
  });
}

/** FedAvg: the new global model is the sample-weighted mean of the site models (clipped and noised if asked). */
export function fedAvg(
  global: Float32Array,
  results: readonly ClientUpdate[],
  options: { out?: Float32Array; privacy?: PrivacyRecord | null } = {},
): { weights: Float32Array; clippedUpdates: number; noiseStd: number } {
  const plan = planWeightedMean(global, results, sampleWeights(results), options.privacy ?? null);
  const out = outputBuffer(options.out, global.length, [global, ...plan.inputs]);
  writeWeightedMean(plan, out);
  return { weights: out, clippedUpdates: plan.clippedUpdates, noiseStd: plan.noiseStd };
}
