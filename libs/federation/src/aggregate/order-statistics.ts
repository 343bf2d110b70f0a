/**
 * Coordinate-wise robust aggregation (Yin, Chen, Kannan, Bartlett, "Byzantine-Robust Distributed Learning: Towards
 * Optimal Statistical Rates", ICML 2018): for every coordinate, sort the k site values and average the middle ones.
 *   median:        the middle value (k odd) or the mean of the two middle values (k even);
 *   trimmed mean:  drop the ⌊β·k⌋ smallest and largest values, average the rest.
 * Both are "mean of sorted rows lo..hi", so they share one kernel. Unweighted by sample count, as in the paper:
 * weighting would let one site claim a huge sample count and take over the statistic.
 *
 * Per chunk, each site's values are copied into one row of the SIMD scratch (clipped toward the global model if
 * asked), a sorting network sorts every column at once — each comparator is a branch-free min/max pass over two
 * rows, 4 lanes per instruction — and rows lo..hi are averaged with the weighted-sum kernel (coefficients 1/count).
 * Why a network and not a per-coordinate selection (quickselect): selection branches on the data, and site values
 * arrive in random order, so about half of its ~2k comparisons per coordinate mispredict, while the network's
 * O(k·log²k) comparators each cost a handful of instructions per 4 coordinates. Measured: the median runs at ~65% of
 * copy bandwidth at 3 sites and ~10% at 64 sites (543 comparators); selection would only win at hundreds of sites,
 * so it is not built. Nothing is allocated per element or per chunk beyond array views.
 */
import { AggregationError } from '../federation.errors';
import { DEFAULT_CHUNK_SIZE, forEachChunk, outputBuffer } from './buffers';
import { scratch, simdKernels, wholeVectors } from './simd/simd-kernels';
import { sortingNetwork } from './sorting-network';
import { sumLayout, sumStagedRows } from './weighted-sum';

/** Optional clipping: site i contributes global + scales[i] · (w_i − global). */
export interface ClippedInputs {
  global: Float32Array;
  scales: Float64Array;
}

/**
 * Bytes of staged rows per chunk (the k site rows and the global row): 4 rows of a full chunk. With more sites the
 * chunk shrinks instead, so the scratch stays a few hundred KiB (in L2 during the comparator passes) for any number
 * of sites rather than growing by 64 KiB per site. At 64 sites the comparator count, not the row size, sets the
 * speed: ~10% of copy bandwidth either way (`--sites 64 --strategy median`).
 */
const STAGED_ROWS_BYTES = 4 * DEFAULT_CHUNK_SIZE * Float32Array.BYTES_PER_ELEMENT;

/** Coordinates per chunk for k site rows: whole vectors, at least 64, at most DEFAULT_CHUNK_SIZE. */
export function chunkSizeFor(k: number): number {
  const fitting = Math.floor(STAGED_ROWS_BYTES / (4 * (k + 1)) / 4) * 4;
  return Math.max(64, Math.min(DEFAULT_CHUNK_SIZE, fitting));
}

/** out[j] = mean of the values of rank lo..hi (0-based, inclusive) among inputs[·][j]. */
export function sortedRowsMean(
  inputs: readonly Float32Array[],
  lo: number,
  hi: number,
  out: Float32Array,
  clip: ClippedInputs | null,
): void {
  const k = inputs.length;
  const kept = hi - lo + 1;
  const network = sortingNetwork(k);
  const comparators = network.length / 2;
  const chunkSize = chunkSizeFor(k);
  const rowBytes = chunkSize * Float32Array.BYTES_PER_ELEMENT;
  // Comparator pairs (row byte addresses) first, then the mean's coefficients, the k site rows, the global row.
  const layout = sumLayout(8 * comparators, kept, k + 1, rowBytes);
  const globalRow = layout.rows + k * rowBytes;
  const { f32, f64, i32 } = scratch(layout.bytes);
  for (let c = 0; c < network.length; c++) i32[c] = layout.rows + network[c] * rowBytes;
  f64.fill(1 / kept, layout.coefficients / 8, layout.coefficients / 8 + 2 * kept);
  const kernels = simdKernels();
  const visit = (start: number, end: number): void => {
    const n = wholeVectors(end - start);
    if (clip !== null) f32.set(clip.global.subarray(start, end), globalRow / 4);
    for (let i = 0; i < k; i++) {
      const row = layout.rows + i * rowBytes;
      f32.set(inputs[i].subarray(start, end), row / 4);
      if (clip !== null && clip.scales[i] !== 1) kernels.clipToward(row, globalRow, n, clip.scales[i]);
    }
    kernels.sortColumns(0, comparators, n);
    sumStagedRows(layout, lo, kept, n);
    out.set(f32.subarray(layout.result / 4, layout.result / 4 + end - start), start);
  };
  forEachChunk(out.length, visit, chunkSize);
}

function assertInputs(
  inputs: readonly Float32Array[],
  out: Float32Array | undefined,
  clip: ClippedInputs | null,
  what: string,
): Float32Array {
  if (inputs.length === 0) throw new AggregationError('NOT_ENOUGH_RESULTS', `${what} of zero client updates`);
  for (let i = 1; i < inputs.length; i++) {
    if (inputs[i].length !== inputs[0].length) {
      throw new AggregationError(
        'LENGTH_MISMATCH',
        `${what}: update ${i} has ${inputs[i].length} parameters, update 0 has ${inputs[0].length}`,
      );
    }
  }
  if (clip !== null && clip.global.length !== inputs[0].length) {
    throw new AggregationError(
      'LENGTH_MISMATCH',
      `${what}: global model has ${clip.global.length} parameters, updates have ${inputs[0].length}`,
    );
  }
  return outputBuffer(out, inputs[0].length, clip === null ? inputs : [...inputs, clip.global]);
}

/** Coordinate-wise median of the inputs. */
export function coordinateMedian(
  inputs: readonly Float32Array[],
  options: { out?: Float32Array; clip?: ClippedInputs | null } = {},
): Float32Array {
  const out = assertInputs(inputs, options.out, options.clip ?? null, 'median');
  const k = inputs.length;
  sortedRowsMean(inputs, Math.floor((k - 1) / 2), Math.floor(k / 2), out, options.clip ?? null);
  return out;
}

/** Number of values trimmed from each side: ⌊β·k⌋, with at least one value left. */
export function trimCount(k: number, beta: number): number {
  const trimmed = Math.floor(beta * k);
  if (!(beta >= 0 && beta < 0.5) || k - 2 * trimmed < 1) {
    throw new AggregationError(
      'NOT_ENOUGH_RESULTS',
      `trimmed mean with beta ${beta} over ${k} updates keeps no value; beta must be in [0, 0.5)`,
    );
  }
  return trimmed;
}

/** Coordinate-wise β-trimmed mean of the inputs. */
export function trimmedMean(
  inputs: readonly Float32Array[],
  beta: number,
  options: { out?: Float32Array; clip?: ClippedInputs | null } = {},
): Float32Array {
  const out = assertInputs(inputs, options.out, options.clip ?? null, 'trimmed mean');
  const b = trimCount(inputs.length, beta);
  sortedRowsMean(inputs, b, inputs.length - 1 - b, out, options.clip ?? null);
  return out;
}
