import { AggregationError } from '../federation.errors';
import { DEFAULT_CHUNK_SIZE } from './buffers';

/**
 * out[j] = Σ_i c_i · x_i[j] over one chunk: the inner loop of FedAvg and of the server optimizers.
 *
 * Why the staging: V8 (Node 20) runs a loop over typed arrays it knows as constants about twice as fast as the same
 * loop over typed arrays passed in as arguments (it embeds their data pointers and lengths instead of reloading
 * them every iteration). So each chunk of up to four inputs is first copied (memcpy, `set`) into four module-level
 * rows, the fused multiply-add runs over those rows into a module-level accumulator — four loads and one store per
 * coordinate, the sum kept in float64 and rounded to float32 once — and the accumulator is copied to the output.
 * With more than four inputs the later groups add onto the accumulator, still in cache. Measured by
 * `fedstroke bench aggregate`. Nothing here allocates per element; the scratch is 5 × 64 KiB for the process.
 * Synchronous and not re-entrant by construction (JS runs one call at a time), so sharing the scratch is safe.
 */
const ROW_0 = new Float32Array(DEFAULT_CHUNK_SIZE);
const ROW_1 = new Float32Array(DEFAULT_CHUNK_SIZE);
const ROW_2 = new Float32Array(DEFAULT_CHUNK_SIZE);
const ROW_3 = new Float32Array(DEFAULT_CHUNK_SIZE);
const ACC = new Float32Array(DEFAULT_CHUNK_SIZE);
const ROWS = [ROW_0, ROW_1, ROW_2, ROW_3] as const;

/** Writes Σ_i c_i · x_i[start..end) into out[start..end); end − start ≤ DEFAULT_CHUNK_SIZE. */
export function weightedSumRange(
  inputs: readonly Float32Array[],
  coefficients: ArrayLike<number>,
  out: Float32Array,
  start: number,
  end: number,
): void {
  const m = end - start;
  if (m > DEFAULT_CHUNK_SIZE) {
    throw new AggregationError(
      'LENGTH_MISMATCH',
      `weightedSumRange: ${m} coordinates exceed one chunk (${DEFAULT_CHUNK_SIZE})`,
    );
  }
  for (let first = 0; first < inputs.length; first += 4) {
    const arity = Math.min(4, inputs.length - first);
    for (let r = 0; r < arity; r++) ROWS[r].set(inputs[first + r].subarray(start, end));
    const add = first > 0;
    const c = coefficients;
    if (arity === 1) sum1(m, add, c[first]);
    else if (arity === 2) sum2(m, add, c[first], c[first + 1]);
    else if (arity === 3) sum3(m, add, c[first], c[first + 1], c[first + 2]);
    else sum4(m, add, c[first], c[first + 1], c[first + 2], c[first + 3]);
  }
  if (inputs.length === 0) ACC.fill(0, 0, m);
  out.set(m === DEFAULT_CHUNK_SIZE ? ACC : ACC.subarray(0, m), start);
}

function sum1(m: number, add: boolean, ca: number): void {
  if (add) for (let j = 0; j < m; j++) ACC[j] += ca * ROW_0[j];
  else for (let j = 0; j < m; j++) ACC[j] = ca * ROW_0[j];
}

function sum2(m: number, add: boolean, ca: number, cb: number): void {
  if (add) for (let j = 0; j < m; j++) ACC[j] += ca * ROW_0[j] + cb * ROW_1[j];
  else for (let j = 0; j < m; j++) ACC[j] = ca * ROW_0[j] + cb * ROW_1[j];
}

function sum3(m: number, add: boolean, ca: number, cb: number, cc: number): void {
  if (add) for (let j = 0; j < m; j++) ACC[j] += ca * ROW_0[j] + cb * ROW_1[j] + cc * ROW_2[j];
  else for (let j = 0; j < m; j++) ACC[j] = ca * ROW_0[j] + cb * ROW_1[j] + cc * ROW_2[j];
}

function sum4(m: number, add: boolean, ca: number, cb: number, cc: number, cd: number): void {
  if (add) for (let j = 0; j < m; j++) ACC[j] += ca * ROW_0[j] + cb * ROW_1[j] + cc * ROW_2[j] + cd * ROW_3[j];
  else for (let j = 0; j < m; j++) ACC[j] = ca * ROW_0[j] + cb * ROW_1[j] + cc * ROW_2[j] + cd * ROW_3[j];
}
