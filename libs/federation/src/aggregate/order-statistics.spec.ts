import { Random } from '@fedstroke/common';
import { DEFAULT_CHUNK_SIZE } from './buffers';
import { coordinateMedian, trimCount, trimmedMean } from './order-statistics';
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
