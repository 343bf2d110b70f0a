import type { ClientUpdate } from '../client-update';
import { AggregationError } from '../federation.errors';
import { deltaNorm } from '../privacy/clip-and-noise';
import { Random } from '@fedstroke/common';
import { DEFAULT_CHUNK_SIZE } from './buffers';
import { fedAvg, sampleWeights } from './weighted-mean';

function update(siteId: string, weights: ArrayLike<number>, numSamples: number): ClientUpdate {
  return { siteId, weights: Float32Array.from(weights), numSamples, metrics: {} };
}

/** Cheap deterministic test data (a uniform draw per coordinate). */
function randomVector(length: number, seed: number): Float32Array {
  const random = new Random(seed);
  const out = new Float32Array(length);
  for (let j = 0; j < length; j++) out[j] = random.range(-1, 1);
  return out;
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** The sample-weighted mean in float64, one coordinate at a time: the reference the streaming kernel must match. */
function referenceMean(results: ClientUpdate[]): Float64Array {
  const total = results.reduce((t, r) => t + r.numSamples, 0);
  const out = new Float64Array(results[0].weights.length);
  for (const r of results) for (let j = 0; j < out.length; j++) out[j] += (r.numSamples / total) * r.weights[j];
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - b[j]));
  return worst;
}

describe('fedAvg', () => {
  it('weights each site by its sample count (hand-computed)', () => {
    // prepare: samples 1, 3 → weights 1/4, 3/4
    const global = new Float32Array(3);
    const results = [update('a', [4, 0, -8], 1), update('b', [0, 8, 8], 3)];
    // execute
    const { weights } = fedAvg(global, results);
    // assert: [1, 6, 4]
    expect(Array.from(weights)).toEqual([1, 6, 4]);
  });

  it('matches a float64 reference across chunk boundaries, with more inputs than one fused group', () => {
    // prepare: ragged length (a full chunk + 123) and 6 sites (a group of 4, then a group of 2)
    const length = DEFAULT_CHUNK_SIZE + 123;
    const results = [1, 2, 3, 5, 8, 13].map((n, i) => update(`s${i}`, randomVector(length, i + 1), n));
    const global = randomVector(length, 99);
    // execute
    const { weights } = fedAvg(global, results);
    // assert: the float32 rounding of the float64 mean, exactly (the groups meet in a float64 accumulator)
    expect(maxAbsDiff(weights, Float32Array.from(referenceMean(results)))).toBe(0);
  });

  it('never mutates its inputs and writes into the caller-provided buffer', () => {
    // prepare
    const length = DEFAULT_CHUNK_SIZE + 7;
    const global = randomVector(length, 1);
    const results = [update('a', randomVector(length, 2), 10), update('b', randomVector(length, 3), 30)];
    const snapshots = [global.slice(), ...results.map((r) => r.weights.slice())];
    const out = new Float32Array(length);
    // execute
    const { weights } = fedAvg(global, results, { out, privacy: { clipNorm: 1, noiseMultiplier: 0.5, noiseSeed: 4 } });
    // assert
    expect(weights).toBe(out);
    expect(sameBits(global, snapshots[0])).toBe(true);
    results.forEach((r, i) => expect(sameBits(r.weights, snapshots[i + 1])).toBe(true));
  });

  it('refuses an output buffer that overlaps an input', () => {
    const global = new Float32Array(8);
    const results = [update('a', [1, 2, 3, 4, 5, 6, 7, 8], 1)];
    expect(() => fedAvg(global, results, { out: global })).toThrow(AggregationError);
    expect(() => fedAvg(global, results, { out: new Float32Array(global.buffer, 4, 8 - 1) })).toThrow(
      /output buffer has 7 elements/,
    );
  });

  it('refuses zero samples, no results and mismatched lengths', () => {
    const global = new Float32Array(2);
    expect(() => sampleWeights([update('a', [1, 1], 0)])).toThrow(/numSamples must be > 0/);
    expect(() => fedAvg(global, [])).toThrow(/zero client updates/);
    expect(() => fedAvg(global, [update('a', [1, 1, 1], 1)])).toThrow(/site a has 3 parameters, expected 2/);
  });

  it('clips each delta to exactly the bound C before averaging', () => {
    // prepare: one site moves by 10 (norm), the other by 0.5; C = 2
    const global = Float32Array.from([1, 1, 1, 1]);
    const far = update('far', [7, 9, 1, 1], 1); // delta (6, 8, 0, 0), norm 10
    const near = update('near', [1.5, 1, 1, 1], 1); // delta (0.5, 0, 0, 0), norm 0.5
    // execute: each site alone, then both
    const farOnly = fedAvg(global, [far], { privacy: { clipNorm: 2, noiseMultiplier: 0, noiseSeed: 0 } });
    const both = fedAvg(global, [far, near], { privacy: { clipNorm: 2, noiseMultiplier: 0, noiseSeed: 0 } });
    // assert: the far delta is scaled by 2/10 → (1.2, 1.6), norm exactly 2; the near one untouched
    expect(farOnly.clippedUpdates).toBe(1);
    expect(deltaNorm(farOnly.weights, global)).toBeCloseTo(2, 6);
    expect(Array.from(farOnly.weights)).toEqual(Array.from(Float32Array.from([2.2, 2.6, 1, 1])));
    expect(both.weights[0]).toBeCloseTo(1 + (1.2 + 0.5) / 2, 6);
    expect(both.weights[1]).toBeCloseTo(1 + 1.6 / 2, 6);
  });

  it('adds seeded Gaussian noise with σ = z·C/n over many coordinates', () => {
    // prepare: two identical sites at the global model, so the output is pure noise around it
    const length = 60_000;
    const global = new Float32Array(length).fill(0.25);
    const results = [update('a', global, 5), update('b', global, 5)];
    const privacy = { clipNorm: 0.1, noiseMultiplier: 1.5, noiseSeed: 1234 };
    // execute
    const first = fedAvg(global, results, { privacy });
    const again = fedAvg(global, results, { privacy });
    const otherSeed = fedAvg(global, results, { privacy: { ...privacy, noiseSeed: 1235 } });
    // assert: σ = 1.5 · 0.1 / 2, the sample sd within 1.5% (its standard error here is 0.3%), mean ≈ 0,
    // reproducible, seed-dependent
    expect(first.noiseStd).toBeCloseTo(0.075, 12);
    let sum = 0;
    let sumSquares = 0;
    for (let j = 0; j < length; j++) {
      const noise = first.weights[j] - 0.25;
      sum += noise;
      sumSquares += noise * noise;
    }
    const mean = sum / length;
    expect(Math.abs(mean)).toBeLessThan((4 * 0.075) / Math.sqrt(length));
    expect(Math.abs(Math.sqrt(sumSquares / length - mean * mean) / 0.075 - 1)).toBeLessThan(0.015);
    expect(sameBits(again.weights, first.weights)).toBe(true);
    expect(sameBits(otherSeed.weights, first.weights)).toBe(false);
  });
});
