/**
 * Norms of parameter buffers, accumulated in float64: squares of finite float32 values (|w| < 3.5e38) sum to at most
 * ~1.2e77 per element, far inside float64's range, so a finite buffer always has a finite norm and a non-finite
 * value shows up as a non-finite sum.
 */

/** Σ (a − b)² over the buffers (Σ a² when `b` is omitted). */
export function squaredDistance(a: Float32Array, b?: Float32Array): number {
  let sum = 0;
  if (b === undefined) {
    for (let j = 0; j < a.length; j++) sum += a[j] * a[j];
  } else {
    for (let j = 0; j < a.length; j++) {
      const d = a[j] - b[j];
      sum += d * d;
    }
  }
  return sum;
}

/** ||a − b||₂ (||a||₂ when `b` is omitted). */
export function l2Distance(a: Float32Array, b?: Float32Array): number {
  return Math.sqrt(squaredDistance(a, b));
}

/** max_j |a_j| of a finite buffer (check with firstNonFinite first: NaN is skipped here). */
export function largestAbs(a: Float32Array): number {
  let largest = 0;
  for (let j = 0; j < a.length; j++) {
    const v = Math.abs(a[j]);
    if (v > largest) largest = v;
  }
  return largest;
}

/** Index of the first NaN or ±∞, or −1. */
export function firstNonFinite(a: Float32Array): number {
  for (let j = 0; j < a.length; j++) if (a[j] - a[j] !== 0) return j;
  return -1;
}

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
