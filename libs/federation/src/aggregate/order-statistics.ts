/**
 * Coordinate-wise robust aggregation (Yin, Chen, Kannan, Bartlett, "Byzantine-Robust Distributed Learning: Towards
 * Optimal Statistical Rates", ICML 2018): for every coordinate, sort the k site values and average the middle ones.
 *   median:        the middle value (k odd) or the mean of the two middle values (k even);
 *   trimmed mean:  drop the ⌊β·k⌋ smallest and largest values, average the rest.
 * Both are "mean of sorted rows lo..hi", so they share one kernel. Unweighted by sample count, as in the paper:
 * weighting would let one site claim a huge sample count and take over the statistic.
 *
 * Per chunk, each site's values are copied into one row of a k × chunk scratch, the rows are sorted column-wise by
 * a sorting network (each comparator is one branch-free pass over two contiguous rows), and rows lo..hi are
 * averaged into the output. Scratch is allocated once per call; nothing is allocated per element.
 */
import { AggregationError } from '../federation.errors';
import { DEFAULT_CHUNK_SIZE, forEachChunk, outputBuffer } from './buffers';
import { sortingNetwork } from './sorting-network';

/** Optional clipping: site i contributes global + scales[i] · (w_i − global). */
export interface ClippedInputs {
  global: Float32Array;
  scales: Float64Array;
}

export function sortedRowsMean(
  inputs: readonly Float32Array[],
  lo: number,
  hi: number,
  out: Float32Array,
  clip: ClippedInputs | null,
): void {
  const k = inputs.length;
  const network = sortingNetwork(k);
  const rows = new Float32Array(k * Math.min(DEFAULT_CHUNK_SIZE, out.length));
  const inverseCount = 1 / (hi - lo + 1);
  forEachChunk(out.length, (start, end) => {
    const m = end - start;
    for (let i = 0; i < k; i++) gatherRow(rows, i * m, inputs[i], start, end, clip, i);
    for (let c = 0; c < network.length; c += 2) compareExchangeRows(rows, network[c] * m, network[c + 1] * m, m);
    for (let j = 0; j < m; j++) {
      let sum = 0;
      for (let r = lo; r <= hi; r++) sum += rows[r * m + j];
      out[start + j] = sum * inverseCount;
    }
  });
}

function gatherRow(
  rows: Float32Array,
  offset: number,
  input: Float32Array,
  start: number,
  end: number,
  clip: ClippedInputs | null,
  i: number,
): void {
  const scale = clip === null ? 1 : clip.scales[i];
  if (scale === 1) {
    rows.set(input.subarray(start, end), offset);
    return;
  }
  const global = (clip as ClippedInputs).global;
  for (let j = start; j < end; j++) rows[offset + j - start] = global[j] + scale * (input[j] - global[j]);
}

function compareExchangeRows(rows: Float32Array, a: number, b: number, m: number): void {
  for (let j = 0; j < m; j++) {
    const x = rows[a + j];
    const y = rows[b + j];
    rows[a + j] = x < y ? x : y;
    rows[b + j] = x < y ? y : x;
  }
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
