import { AggregationError } from '../federation.errors';
import { DEFAULT_CHUNK_SIZE } from './buffers';
import { ROWS_PER_KERNEL, scratch, simdKernels, wholeVectors } from './simd/simd-kernels';

/**
 * out[j] = Σ_i c_i · x_i[j] over one chunk: the inner loop of FedAvg, the server optimizers and the trimmed mean.
 *
 * Inputs are copied (memcpy, `set`) four at a time into rows of the SIMD scratch and summed by the float64 kernels of
 * simd/simd-kernels.ts; with more than four inputs each group adds onto a float64 accumulator row, and the last
 * group writes the float32 result row, which is copied to out. Per coordinate that is one read of every input from
 * memory and one write of the output, with all arithmetic on rows already in L2, and a scratch of the same size for
 * any number of sites. The result is the float32 rounding of Σ_i c_i·x_i evaluated in float64 from left to right,
 * bit for bit.
 */

/** Byte addresses of one weighted sum's parts in the scratch; rows start on a cache line. */
export interface SumLayout {
  coefficients: number;
  rows: number;
  /** Bytes from one staged row to the next: the chunk size × 4. */
  rowBytes: number;
  result: number;
  accumulator: number;
  bytes: number;
}

const alignTo64 = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/**
 * From byte `start` on: `coefficients` coefficient pairs, `rows` staged rows of `rowBytes`, the float32 result row
 * and the float64 accumulator row.
 */
export function sumLayout(start: number, coefficients: number, rows: number, rowBytes: number): SumLayout {
  const coefficientsAt = alignTo64(start);
  const rowsAt = alignTo64(coefficientsAt + 16 * coefficients);
  const result = rowsAt + rows * rowBytes;
  const accumulator = result + rowBytes;
  return {
    coefficients: coefficientsAt,
    rows: rowsAt,
    rowBytes,
    result,
    accumulator,
    bytes: accumulator + 2 * rowBytes,
  };
}

/** Stores coefficients[first + i] as the f64x2 pair (c, c) the kernels load splatted, for i < count. */
export function writeCoefficients(
  f64: Float64Array,
  at: number,
  coefficients: ArrayLike<number>,
  first = 0,
  count = coefficients.length,
): void {
  for (let i = 0; i < count; i++) {
    f64[at / 8 + 2 * i] = coefficients[first + i];
    f64[at / 8 + 2 * i + 1] = coefficients[first + i];
  }
}

/**
 * Σ_r c_r · row_r for `count` rows already staged from row `firstRow` on, coefficient r at pair r, into the result
 * row; n elements (whole vectors). Groups of four after the first add onto the float64 accumulator.
 */
export function sumStagedRows(layout: SumLayout, firstRow: number, count: number, n: number): void {
  const kernels = simdKernels();
  for (let first = 0; first < count; first += ROWS_PER_KERNEL) {
    const rows = Math.min(ROWS_PER_KERNEL, count - first);
    const kernel = kernels.weightedSum(rows, first > 0, first + rows === count);
    const rowsAt = layout.rows + (firstRow + first) * layout.rowBytes;
    kernel(layout.result, layout.accumulator, rowsAt, layout.rowBytes, layout.coefficients + 16 * first, n);
  }
}

const ROW_BYTES = DEFAULT_CHUNK_SIZE * Float32Array.BYTES_PER_ELEMENT;
const GROUP_LAYOUT = sumLayout(0, ROWS_PER_KERNEL, ROWS_PER_KERNEL, ROW_BYTES);

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
  if (inputs.length === 0) {
    out.fill(0, start, end);
    return;
  }
  const layout = GROUP_LAYOUT;
  const { f32, f64 } = scratch(layout.bytes);
  const kernels = simdKernels();
  for (let first = 0; first < inputs.length; first += ROWS_PER_KERNEL) {
    const rows = Math.min(ROWS_PER_KERNEL, inputs.length - first);
    writeCoefficients(f64, layout.coefficients, coefficients, first, rows);
    for (let r = 0; r < rows; r++) f32.set(inputs[first + r].subarray(start, end), (layout.rows + r * ROW_BYTES) / 4);
    const kernel = kernels.weightedSum(rows, first > 0, first + rows === inputs.length);
    kernel(layout.result, layout.accumulator, layout.rows, ROW_BYTES, layout.coefficients, wholeVectors(m));
  }
  out.set(f32.subarray(layout.result / 4, layout.result / 4 + m), start);
}
