import { Random } from '@fedstroke/common';
import type { ClientUpdate } from '../client-update';
import { DEFAULT_CHUNK_SIZE } from './buffers';
import { fedAvg } from './weighted-mean';
import { weightedSumRange } from './weighted-sum';

/**
 * Every path through the SIMD weighted sum — one fused kernel for 1–4 inputs, groups of four through the float64
 * accumulator for more, lengths that are not whole vectors or whole chunks, the global model as an extra input when
 * clipping — against plain scalar loops written straight from the definitions.
 */

const CHUNK = DEFAULT_CHUNK_SIZE;
const LENGTHS = [1, 6, CHUNK + 5, 2 * CHUNK + 3];
const SITE_COUNTS = [1, 2, 3, 4, 5, 8, 9];

/** Values of mixed sign and magnitude, with exact zeros and repeats, so no path gets only easy numbers. */
function randomModel(length: number, seed: number): Float32Array {
  const random = new Random(seed);
  const out = new Float32Array(length);
  for (let j = 0; j < length; j++) {
    const kind = j % 11;
    out[j] = kind === 0 ? 0 : kind === 1 ? 0.5 : random.range(-1, 1) * 10 ** Math.floor(random.range(-3, 3));
  }
  return out;
}

function sites(count: number, length: number): ClientUpdate[] {
  return Array.from({ length: count }, (_, i) => ({
    siteId: `s${i}`,
    weights: randomModel(length, 100 + i),
    numSamples: 3 + 7 * i,
    metrics: {},
  }));
}

/** f32(Σ_i (n_i / Σn) · x_i[j]), the sum in float64 from left to right. */
function referenceMean(results: readonly ClientUpdate[]): Float32Array {
  const total = results.reduce((t, r) => t + r.numSamples, 0);
  const out = new Float32Array(results[0].weights.length);
  for (let j = 0; j < out.length; j++) {
    let sum = (results[0].numSamples / total) * results[0].weights[j];
    for (let i = 1; i < results.length; i++) sum += (results[i].numSamples / total) * results[i].weights[j];
    out[j] = sum;
  }
  return out;
}

/** DP-FedAvg from its definition: g + Σ_i a_i · min(1, C / ||x_i − g||) · (x_i − g), in float64. */
function referenceClippedMean(global: Float32Array, results: readonly ClientUpdate[], clipNorm: number): Float64Array {
  const total = results.reduce((t, r) => t + r.numSamples, 0);
  const out = Float64Array.from(global);
  for (const r of results) {
    let squares = 0;
    for (let j = 0; j < global.length; j++) squares += (r.weights[j] - global[j]) ** 2;
    const scale = Math.min(1, clipNorm / Math.sqrt(squares));
    for (let j = 0; j < global.length; j++) out[j] += (r.numSamples / total) * scale * (r.weights[j] - global[j]);
  }
  return out;
}

/** Indices where two float32 arrays differ in any bit. */
function differingIndices(actual: Float32Array, expected: Float32Array): number[] {
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const b = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  const out: number[] = [];
  for (let j = 0; j < a.length && out.length < 5; j++) if (a[j] !== b[j]) out.push(j);
  return out;
}

describe('weighted sum kernels', () => {
  it.each(SITE_COUNTS.flatMap((k) => LENGTHS.map((length) => [k, length])))(
    'FedAvg of %i sites over %i coordinates equals the scalar float64 sum, bit for bit',
    (k, length) => {
      const results = sites(k, length);
      const { weights } = fedAvg(new Float32Array(length), results);
      expect(differingIndices(weights, referenceMean(results))).toEqual([]);
    },
  );

  it('handles many sites (ten groups of four, scratch grown past its first size)', () => {
    const results = sites(40, 1001);
    const { weights } = fedAvg(new Float32Array(1001), results);
    expect(differingIndices(weights, referenceMean(results))).toEqual([]);
  });

  it.each([1, 2, 3, 4, 5])('clipped FedAvg of %i sites (the global model as one more input) matches DP-FedAvg', (k) => {
    // prepare: a ragged length over a chunk boundary; C small enough that every site is clipped
    const length = CHUNK + 9;
    const global = randomModel(length, 7);
    const results = sites(k, length);
    const privacy = { clipNorm: 0.5, noiseMultiplier: 0, noiseSeed: 0 };
    // execute
    const { weights, clippedUpdates } = fedAvg(global, results, { privacy });
    // assert: two float64 evaluations of the same value, each rounded to float32 once: within one float32 step at
    // the inputs' scale (|x| ≤ 100 here)
    expect(clippedUpdates).toBe(k);
    const reference = referenceClippedMean(global, results, 0.5);
    let worst = 0;
    for (let j = 0; j < length; j++) worst = Math.max(worst, Math.abs(weights[j] - reference[j]));
    expect(worst).toBeLessThanOrEqual(100 * 2 ** -23);
  });

  it('keeps lanes past a chunk’s end out of the result (stale scratch from an earlier, larger call)', () => {
    const huge = [{ siteId: 'a', weights: new Float32Array(64).fill(3e38), numSamples: 1, metrics: {} }];
    fedAvg(new Float32Array(64), [...huge, ...huge]);
    const small = sites(3, 5);
    expect(differingIndices(fedAvg(new Float32Array(5), small).weights, referenceMean(small))).toEqual([]);
  });

  it('writes only its range, zeros for no inputs, and refuses more than one chunk', () => {
    const out = new Float32Array(10).fill(7);
    weightedSumRange([Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])], [2], out, 3, 6);
    expect(Array.from(out)).toEqual([7, 7, 7, 8, 10, 12, 7, 7, 7, 7]);
    weightedSumRange([], [], out, 0, 2);
    expect(Array.from(out.subarray(0, 3))).toEqual([0, 0, 7]);
    expect(() => weightedSumRange([], [], new Float32Array(CHUNK + 1), 0, CHUNK + 1)).toThrow(/exceed one chunk/);
  });
});
