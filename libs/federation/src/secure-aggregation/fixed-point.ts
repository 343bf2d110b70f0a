/**
 * Fixed-point encoding of real vectors in integers modulo 2^32, so that masked vectors add exactly.
 *
 * A segment of the payload carries values with |v| ≤ bound at every site. Each site rounds v·scale to the nearest
 * integer and stores it in two's complement modulo 2^32. With n sites the integer sum is at most
 * n·(bound·scale + 1/2) in magnitude; choosing scale so that this stays ≤ 2^31 − 1 means the sum modulo 2^32,
 * read back as a signed 32-bit integer, is the exact integer sum: no overflow for up to n sites. The scale is the
 * largest power of two that satisfies this (powers of two encode and decode without extra rounding).
 *
 * Quantisation error: each site's value is off by at most 1/(2·scale) after rounding, so the decoded sum of n
 * sites is within n/(2·scale) of the real sum, coordinate by coordinate (`sumQuantisationBound`).
 */
import { SecureAggregationError } from './secure-aggregation.errors';

const INT32_MAX = 2 ** 31 - 1;
/** Fewest fixed-point steps between 0 and the bound: below this the rounding would swamp the values. */
const MIN_LEVELS = 2 ** 16;

export interface FixedPointSegment {
  /** The largest |value| any one site may contribute to a coordinate of this segment. */
  bound: number;
  /** The most sites whose values may be summed. */
  sites: number;
  /** 2^k with sites·(bound·scale + 1/2) ≤ 2^31 − 1. */
  scale: number;
}

/** The segment for values bounded by `bound` summed over at most `sites` sites; refuses a range that cannot fit. */
export function fixedPointSegment(bound: number, sites: number): FixedPointSegment {
  if (!(Number.isFinite(bound) && bound > 0)) {
    throw new SecureAggregationError('BAD_PARAMETERS', `fixed-point bound must be a finite number > 0, got ${bound}`);
  }
  if (!Number.isSafeInteger(sites) || sites < 1) {
    throw new SecureAggregationError('BAD_PARAMETERS', `fixed-point site count must be an integer ≥ 1, got ${sites}`);
  }
  const largest = (INT32_MAX / sites - 0.5) / bound;
  let scale = 2 ** Math.floor(Math.log2(largest));
  while (scale > largest) scale /= 2; // log2 may round up just below a power of two
  if (!(bound * scale >= MIN_LEVELS)) {
    throw new SecureAggregationError(
      'BAD_PARAMETERS',
      `${sites} sites do not fit in 32-bit fixed point: each site's values would get fewer than ${MIN_LEVELS} ` +
        'levels between 0 and the bound (the sum must stay below 2^31)',
    );
  }
  return { bound, sites, scale };
}

/** |decoded sum − real sum| per coordinate, at most, for the segment's site count. */
export function sumQuantisationBound(segment: FixedPointSegment, sites = segment.sites): number {
  return sites / (2 * segment.scale);
}

/**
 * Writes round(clamp(v, ±bound)·scale) mod 2^32 for each value into out[offset..]. A value beyond the bound is
 * clamped (it can only be float rounding at the clip norm, or DP noise past many standard deviations); a
 * non-finite value is refused, since it would decode as garbage inside everyone's sum.
 */
export function encodeFixedPoint(
  values: ArrayLike<number>,
  segment: FixedPointSegment,
  out: Uint32Array,
  offset: number,
): { clamped: number } {
  if (offset + values.length > out.length) {
    throw new SecureAggregationError(
      'BAD_PARAMETERS',
      `encoding ${values.length} values at ${offset} overruns ${out.length}`,
    );
  }
  const { bound, scale } = segment;
  let clamped = 0;
  for (let i = 0; i < values.length; i++) {
    let v = values[i];
    if (!Number.isFinite(v)) {
      throw new SecureAggregationError('ENCODING_RANGE', `value ${i} is ${v}: only finite values can be encoded`);
    }
    if (v > bound || v < -bound) {
      v = v > 0 ? bound : -bound;
      clamped++;
    }
    out[offset + i] = Math.round(v * scale) >>> 0;
  }
  return { clamped };
}

/** The signed sums in sum[start..start+length), divided by the scale, into `out`. */
export function decodeFixedPoint(
  sum: Uint32Array,
  start: number,
  length: number,
  segment: FixedPointSegment,
  out: Float64Array | Float32Array = new Float64Array(length),
): Float64Array | Float32Array {
  const inverse = 1 / segment.scale;
  for (let i = 0; i < length; i++) out[i] = (sum[start + i] | 0) * inverse;
  return out;
}
