import { Random } from '@fedstroke/common';
import { DEFAULT_CHUNK_SIZE } from './buffers';
import { coordinateMedian, trimCount, trimmedMean } from './order-statistics';
import type { ClippedInputs } from './order-statistics';
import { sortingNetwork } from './sorting-network';

const rows = (...values: number[][]): Float32Array[] => values.map((v) => Float32Array.from(v));

/** Per-coordinate reference: a plain sort, then the mean of the kept middle values, in float64. */
function referenceSortedMean(inputs: Float32Array[], lo: number, hi: number): Float64Array {
  const out = new Float64Array(inputs[0].length);
  for (let j = 0; j < out.length; j++) {
    const column = inputs.map((x) => x[j]).sort((a, b) => a - b);
    out[j] = column.slice(lo, hi + 1).reduce((s, v) => s + v, 0) / (hi - lo + 1);
  }
  return out;
}

function randomRows(k: number, length: number, seed: number): Float32Array[] {
  const random = new Random(seed);
  return Array.from({ length: k }, () => {
    const row = new Float32Array(length);
    for (let j = 0; j < length; j++) row[j] = random.range(-5, 5);
    return row;
  });
}

describe('sortingNetwork', () => {
  it('sorts every 0/1 input for n = 1..10, hence every input (the 0-1 principle)', () => {
    const unsorted: string[] = [];
    for (let n = 1; n <= 10; n++) {
      const network = sortingNetwork(n);
      for (let mask = 0; mask < 1 << n; mask++) {
        const values = Array.from({ length: n }, (_, i) => (mask >> i) & 1);
        for (let c = 0; c < network.length; c += 2) {
          const [a, b] = [values[network[c]], values[network[c + 1]]];
          [values[network[c]], values[network[c + 1]]] = [Math.min(a, b), Math.max(a, b)];
        }
        if (values.some((v, i) => i > 0 && values[i - 1] > v)) unsorted.push(`n=${n} mask=${mask}`);
      }
    }
    expect(unsorted).toEqual([]);
  });

  it('uses the optimal comparator counts for small n', () => {
    expect([2, 3, 4, 5, 6, 7, 8].map((n) => sortingNetwork(n).length / 2)).toEqual([1, 3, 5, 9, 12, 16, 19]);
  });
});

describe('coordinateMedian', () => {
  it('takes the middle value for odd k (hand-computed)', () => {
    const inputs = rows([1, 9, -3], [5, 2, -1], [3, 7, 100]);
    expect(Array.from(coordinateMedian(inputs))).toEqual([3, 7, -1]);
  });

  it('averages the two middle values for even k (hand-computed)', () => {
    const inputs = rows([1, 10], [4, 20], [2, -30], [100, 0]);
    // column 0 sorted 1 2 4 100 → (2 + 4) / 2; column 1 sorted -30 0 10 20 → (0 + 10) / 2
    expect(Array.from(coordinateMedian(inputs))).toEqual([3, 5]);
  });

  it('matches a plain sort across a chunk boundary and never mutates its inputs', () => {
    // prepare
    const inputs = randomRows(5, DEFAULT_CHUNK_SIZE + 37, 7);
    const snapshots = inputs.map((x) => x.slice());
    const out = new Float32Array(inputs[0].length);
    // execute
    const median = coordinateMedian(inputs, { out });
    // assert
    expect(median).toBe(out);
    const reference = referenceSortedMean(inputs, 2, 2);
    for (let j = 0; j < out.length; j++) if (out[j] !== reference[j]) throw new Error(`median differs at ${j}`);
    inputs.forEach((x, i) => expect(Buffer.from(x.buffer).equals(Buffer.from(snapshots[i].buffer))).toBe(true));
  });

  it('ignores one wild site where the mean would follow it', () => {
    const inputs = rows([1, 1], [1.2, 0.8], [1e30, -1e30]);
    expect(Array.from(coordinateMedian(inputs))).toEqual([Math.fround(1.2), 0.8].map(Math.fround));
  });

  it('clips site deltas towards the global model before taking the median', () => {
    // the three deltas from global (0, 0) are (10, 0), (0, 1), (-3, 4); with C = 1 they become (1, 0), (0, 1), (-0.6, 0.8)
    const global = Float32Array.from([0, 0]);
    const inputs = rows([10, 0], [0, 1], [-3, 4]);
    const scales = Float64Array.from([0.1, 1, 0.2]);
    const median = coordinateMedian(inputs, { clip: { global, scales } });
    expect(median[0]).toBeCloseTo(0, 6);
    expect(median[1]).toBeCloseTo(0.8, 6);
  });
});

describe('trimmedMean', () => {
  it('drops ⌊β·k⌋ values from each side and averages the rest (hand-computed)', () => {
    // k = 5, β = 0.2 → drop 1 each side: column 0 sorted 0 1 2 3 1000 → mean(1, 2, 3) = 2;
    // column 1 sorted -100 -5 5 6 7 → mean(-5, 5, 6) = 2
    const inputs = rows([1, -5], [0, 5], [1000, 6], [3, 7], [2, -100]);
    expect(Array.from(trimmedMean(inputs, 0.2))).toEqual([2, 2]);
  });

  it('is the plain mean with β = 0 and matches a plain sort across chunk boundaries', () => {
    expect(Array.from(trimmedMean(rows([1], [2], [6]), 0))).toEqual([3]);
    const inputs = randomRows(7, DEFAULT_CHUNK_SIZE + 5, 3);
    const out = trimmedMean(inputs, 0.3); // ⌊2.1⌋ = 2 trimmed each side, rows 2..4 kept
    const reference = referenceSortedMean(inputs, 2, 4);
    let worst = 0;
    for (let j = 0; j < out.length; j++) worst = Math.max(worst, Math.abs(out[j] - reference[j]));
    expect(worst).toBeLessThan(1e-6);
  });

  it('refuses a β that trims everything', () => {
    expect(trimCount(3, 0.34)).toBe(1);
    expect(() => trimCount(4, 0.5)).toThrow(/beta must be in \[0, 0.5\)/);
  });
});

/**
 * Every path through the SIMD sort: networks for 1 to 40 rows, the mean of one, two, several and more than four kept
 * rows (the last through the float64 accumulator), clipping toward the global model, lengths that are not whole
 * vectors or whole chunks. The reference clips each site value in float64 and stores it as float32 (a clipped site
 * model is a float32 model), sorts each column with Array.prototype.sort and averages the kept values in float64.
 */
describe('order statistics on every kernel path', () => {
  const LENGTHS = [1, 6, DEFAULT_CHUNK_SIZE + 5];

  /** Rows with ties (every 5th coordinate equal across sites) and mixed magnitudes. */
  function tiedRows(k: number, length: number, seed: number): Float32Array[] {
    return randomRows(k, length, seed).map((row, i) =>
      row.map((v, j) => (j % 5 === 0 ? 1.25 : v * 10 ** ((i + j) % 4))),
    );
  }

  function referenceClipped(inputs: Float32Array[], clip: ClippedInputs | null): Float32Array[] {
    if (clip === null) return inputs;
    return inputs.map((x, i) => x.map((v, j) => clip.global[j] + clip.scales[i] * (v - clip.global[j])));
  }

  /** Largest |actual − reference| in units of the float32 spacing at the inputs' largest magnitude. */
  function worstSteps(actual: Float32Array, reference: Float64Array, inputs: Float32Array[]): number {
    let largest = 0;
    for (const x of inputs) for (const v of x) largest = Math.max(largest, Math.abs(v));
    const step = 2 ** (Math.floor(Math.log2(largest)) - 23);
    let worst = 0;
    for (let j = 0; j < actual.length; j++) worst = Math.max(worst, Math.abs(actual[j] - Math.fround(reference[j])));
    return worst / step;
  }

  const cases = [1, 2, 3, 4, 5, 8, 9].flatMap((k) => LENGTHS.map((length) => [k, length]));

  it.each(cases)('median of %i sites over %i coordinates equals a plain sort', (k, length) => {
    const inputs = tiedRows(k, length, k);
    const out = coordinateMedian(inputs);
    const reference = referenceSortedMean(inputs, Math.floor((k - 1) / 2), Math.floor(k / 2));
    // one middle value is copied exactly; two are averaged as 0.5·a + 0.5·b = (a + b) / 2 exactly in float64
    expect(worstSteps(out, reference, inputs)).toBe(0);
  });

  it.each(cases)('trimmed mean (β = 0.2) of %i sites over %i coordinates equals a plain sort', (k, length) => {
    const inputs = tiedRows(k, length, 50 + k);
    const b = trimCount(k, 0.2);
    const out = trimmedMean(inputs, 0.2);
    // Σ (1/m)·x vs (Σ x)/m: both float64, each rounded to float32 once
    expect(worstSteps(out, referenceSortedMean(inputs, b, k - 1 - b), inputs)).toBeLessThanOrEqual(1);
  });

  it.each([2, 3, 4, 5])('clips %i sites toward the global model before sorting', (k) => {
    const length = DEFAULT_CHUNK_SIZE + 5;
    const inputs = tiedRows(k, length, 90 + k);
    const global = randomRows(1, length, 89)[0];
    const clip = { global, scales: Float64Array.from({ length: k }, (_, i) => (i % 2 === 0 ? 0.3 / (i + 1) : 1)) };
    const snapshots = inputs.map((x) => x.slice());
    const clipped = referenceClipped(inputs, clip);
    expect(worstSteps(coordinateMedian(inputs, { clip }), referenceSortedMean(clipped, ...middle(k)), clipped)).toBe(0);
    const b = trimCount(k, 0.25);
    const trimmed = trimmedMean(inputs, 0.25, { clip });
    expect(worstSteps(trimmed, referenceSortedMean(clipped, b, k - 1 - b), clipped)).toBeLessThanOrEqual(1);
    inputs.forEach((x, i) => expect(Buffer.from(x.buffer).equals(Buffer.from(snapshots[i].buffer))).toBe(true));
  });

  it('sorts 40 sites (a 40-row network, 30 kept rows summed in groups of four)', () => {
    const inputs = tiedRows(40, 3 * 1596 + 7, 4); // three chunks of 1596 (chunkSizeFor(40)) and a ragged one
    expect(worstSteps(coordinateMedian(inputs), referenceSortedMean(inputs, 19, 20), inputs)).toBe(0);
    expect(worstSteps(trimmedMean(inputs, 0.125), referenceSortedMean(inputs, 5, 34), inputs)).toBeLessThanOrEqual(1);
  });

  function middle(k: number): [number, number] {
    return [Math.floor((k - 1) / 2), Math.floor(k / 2)];
  }
});
