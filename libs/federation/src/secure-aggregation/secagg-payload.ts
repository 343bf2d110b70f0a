/**
 * What a site feeds into secure aggregation, and how the coordinator reads the sum: the site's clipped delta
 * times its aggregation weight (plus its share of DP noise, when the federation adds noise at the sites), then
 * the weight itself, then, with adaptive clipping, the site's "my update was within the clip norm" indicator.
 * Each part is its own fixed-point segment (fixed-point.ts), sized for the round's largest site count, so the
 * summed weight gives the FedAvg denominator and the summed indicator the adaptive-clipping estimate, both without
 * any one site's value being seen.
 */
import { SecureAggregationError } from './secure-aggregation.errors';
import {
  decodeFixedPoint,
  encodeFixedPoint,
  type FixedPointSegment,
  fixedPointSegment,
  sumQuantisationBound,
} from './fixed-point';

/** Gaussian noise beyond this many standard deviations is clamped (probability < 1.3e-15 per coordinate). */
export const NOISE_MARGIN_STDS = 8;

export interface PayloadPlan {
  parameterCount: number;
  /** The most sites whose inputs one round may sum (the overflow bound is sized for it). */
  maxSites: number;
  /** C: every site's delta has L2 norm ≤ C, hence every coordinate |Δ_j| ≤ C. */
  clipNorm: number;
  /** The largest aggregation weight a site may use (its capped sample count; 1 for uniform weights). */
  maxWeight: number;
  /** Standard deviation of the noise each site adds to each delta coordinate (0: none). */
  noiseStd: number;
  /** Whether the payload ends with the adaptive-clipping indicator, and the noise each site adds to it. */
  clipIndicator: { noiseStd: number } | null;
}

export interface PayloadLayout {
  plan: PayloadPlan;
  /** Words of the masked vector: the delta, the weight, and the indicator when there is one. */
  length: number;
  delta: FixedPointSegment;
  weight: FixedPointSegment;
  indicator: FixedPointSegment | null;
}

export function payloadLayout(plan: PayloadPlan): PayloadLayout {
  if (!Number.isInteger(plan.parameterCount) || plan.parameterCount < 1) {
    throw new SecureAggregationError(
      'BAD_PARAMETERS',
      `parameterCount must be an integer ≥ 1, got ${plan.parameterCount}`,
    );
  }
  if (!(Number.isFinite(plan.maxWeight) && plan.maxWeight >= 1)) {
    throw new SecureAggregationError('BAD_PARAMETERS', `maxWeight must be a finite number ≥ 1, got ${plan.maxWeight}`);
  }
  if (!(Number.isFinite(plan.noiseStd) && plan.noiseStd >= 0)) {
    throw new SecureAggregationError('BAD_PARAMETERS', `noiseStd must be finite and ≥ 0, got ${plan.noiseStd}`);
  }
  const delta = fixedPointSegment(plan.maxWeight * plan.clipNorm + NOISE_MARGIN_STDS * plan.noiseStd, plan.maxSites);
  const weight = fixedPointSegment(plan.maxWeight, plan.maxSites);
  const indicator = plan.clipIndicator
    ? fixedPointSegment(1 + NOISE_MARGIN_STDS * plan.clipIndicator.noiseStd, plan.maxSites)
    : null;
  return { plan, length: plan.parameterCount + 1 + (indicator ? 1 : 0), delta, weight, indicator };
}

export interface SitePayload {
  /** weight · clip(Δ) (+ noise), parameterCount values. */
  weightedDelta: ArrayLike<number>;
  weight: number;
  /** 1 if the unclipped delta was within the clip norm, else 0 (+ noise); only with adaptive clipping. */
  indicator?: number;
}

/** The site's payload as uint32 words, ready to be masked. */
export function encodePayload(layout: PayloadLayout, payload: SitePayload): { words: Uint32Array; clamped: number } {
  const { plan } = layout;
  if (payload.weightedDelta.length !== plan.parameterCount) {
    throw new SecureAggregationError(
      'BAD_MESSAGE',
      `delta has ${payload.weightedDelta.length} values, expected ${plan.parameterCount}`,
    );
  }
  if (!(payload.weight > 0 && payload.weight <= plan.maxWeight)) {
    throw new SecureAggregationError('BAD_MESSAGE', `weight must be in (0, ${plan.maxWeight}], got ${payload.weight}`);
  }
  if ((layout.indicator === null) !== (payload.indicator === undefined)) {
    throw new SecureAggregationError(
      'BAD_MESSAGE',
      'the clip indicator must be sent exactly when adaptive clipping is on',
    );
  }
  const words = new Uint32Array(layout.length);
  let { clamped } = encodeFixedPoint(payload.weightedDelta, layout.delta, words, 0);
  encodeFixedPoint([payload.weight], layout.weight, words, plan.parameterCount);
  if (layout.indicator && payload.indicator !== undefined) {
    clamped += encodeFixedPoint([payload.indicator], layout.indicator, words, plan.parameterCount + 1).clamped;
  }
  return { words, clamped };
}

export interface DecodedSum {
  /** Σ weight · clip(Δ) (+ noise) over the survivors. */
  weightedDeltaSum: Float64Array;
  weightSum: number;
  indicatorSum: number | null;
  /** |decoded − exact| per delta coordinate, at most, for this many survivors. */
  quantisationBound: number;
}

export function decodePayloadSum(layout: PayloadLayout, sum: Uint32Array, survivors: number): DecodedSum {
  if (sum.length !== layout.length) {
    throw new SecureAggregationError('BAD_MESSAGE', `sum has ${sum.length} words, the layout has ${layout.length}`);
  }
  if (survivors > layout.plan.maxSites) {
    throw new SecureAggregationError(
      'ENCODING_RANGE',
      `${survivors} survivors exceed the ${layout.plan.maxSites} the encoding is sized for`,
    );
  }
  const { parameterCount } = layout.plan;
  const weightedDeltaSum = decodeFixedPoint(sum, 0, parameterCount, layout.delta) as Float64Array;
  const weightSum = decodeFixedPoint(sum, parameterCount, 1, layout.weight)[0];
  const indicatorSum = layout.indicator ? decodeFixedPoint(sum, parameterCount + 1, 1, layout.indicator)[0] : null;
  return {
    weightedDeltaSum,
    weightSum,
    indicatorSum,
    quantisationBound: sumQuantisationBound(layout.delta, survivors),
  };
}
