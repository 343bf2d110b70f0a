/**
 * What this site feeds into a secure round: its delta to the global model, clipped to the round's C before
 * anything leaves the site (the coordinator cannot check one masked input, only the sum), times its aggregation
 * weight, plus its share of the DP noise, encoded in the round's fixed-point layout (@fedstroke/federation).
 */
import {
  addSecureGaussianNoise,
  clipFactor,
  deltaNorm,
  encodePayload,
  type PayloadLayout,
  type PayloadPlan,
  payloadLayout,
} from '@fedstroke/federation';
import type { TrainingTask } from '../transport/site-task';

export interface SecureInput {
  words: Uint32Array;
  layout: PayloadLayout;
  /** ||Δ|| before clipping, and whether it was within C (reported as the adaptive-clipping indicator). */
  deltaNorm: number;
  clipped: boolean;
  /** Values clamped to the encoding's range (noise past 8 σ): expected 0. */
  clamped: number;
}

export function payloadPlanOf(task: TrainingTask): PayloadPlan {
  const secure = task.privacy.secureAggregation;
  if (!secure) throw new Error(`round ${task.roundIndex} is not a secure round`);
  return {
    parameterCount: task.parameterCount,
    maxSites: secure.maxSites,
    clipNorm: secure.clipNorm,
    maxWeight: secure.maxWeight,
    noiseStd: secure.noiseStd,
    clipIndicator: secure.clipIndicatorNoiseStd === null ? null : { noiseStd: secure.clipIndicatorNoiseStd },
  };
}

export function secureInput(
  task: TrainingTask,
  global: Float32Array,
  weights: Float32Array,
  numSamples: number,
): SecureInput {
  const plan = payloadPlanOf(task);
  const layout = payloadLayout(plan);
  if (layout.length !== task.privacy.secureAggregation?.length) {
    throw new Error(
      `the round masks ${task.privacy.secureAggregation?.length} words, this site's layout has ${layout.length}`,
    );
  }
  const norm = deltaNorm(weights, global);
  const { scale, withinClip } = clipFactor(norm, plan.clipNorm);
  // Uniform weights under DP (maxWeight 1); else the sample count, capped.
  const weight = Math.min(numSamples, plan.maxWeight);
  const weightedDelta = new Float64Array(weights.length);
  for (let j = 0; j < weights.length; j++) weightedDelta[j] = weight * scale * (weights[j] - global[j]);
  addSecureGaussianNoise(weightedDelta, plan.noiseStd);
  let indicator: number | undefined;
  if (plan.clipIndicator) {
    const bit = Float64Array.of(withinClip ? 1 : 0);
    addSecureGaussianNoise(bit, plan.clipIndicator.noiseStd);
    indicator = bit[0];
  }
  const { words, clamped } = encodePayload(layout, { weightedDelta, weight, indicator });
  return { words, layout, deltaNorm: norm, clipped: !withinClip, clamped };
}
