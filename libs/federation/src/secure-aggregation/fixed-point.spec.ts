import { Random } from '@fedstroke/common';
import { fedAvg } from '../aggregate/weighted-mean';
import type { ClientUpdate } from '../client-update';
import { clipScales } from '../privacy/clip-and-noise';
import { decodeFixedPoint, encodeFixedPoint, fixedPointSegment, sumQuantisationBound } from './fixed-point';
import { runInProcessRound } from './in-process-round';
import { decodePayloadSum, encodePayload, payloadLayout } from './secagg-payload';

describe('fixed point modulo 2^32', () => {
  it('n sites all at +bound or all at −bound sum without overflow (the stated bound is the real one)', () => {
    for (const sites of [1, 3, 10, 40, 1000]) {
      const segment = fixedPointSegment(2.5, sites);
      for (const value of [2.5, -2.5]) {
        const sum = new Uint32Array(1);
        const word = new Uint32Array(1);
        for (let i = 0; i < sites; i++) {
          encodeFixedPoint([value], segment, word, 0);
          sum[0] = (sum[0] + word[0]) >>> 0;
        }
        const decoded = decodeFixedPoint(sum, 0, 1, segment)[0];
        expect(Math.abs(decoded - value * sites)).toBeLessThanOrEqual(sumQuantisationBound(segment));
      }
      // And the scale is the largest power of two that keeps the worst case below 2^31: twice it would overflow.
      expect(sites * (2.5 * segment.scale + 0.5)).toBeLessThanOrEqual(2 ** 31 - 1);
      expect(sites * (2.5 * 2 * segment.scale + 0.5)).toBeGreaterThan(2 ** 31 - 1);
    }
  });

  it('quantisation error of a random sum stays within n / (2·scale)', () => {
    const random = new Random(7);
    const segment = fixedPointSegment(1, 7);
    const values = Array.from({ length: 7 }, () => Array.from({ length: 2000 }, () => random.uniform() * 2 - 1));
    const sum = new Uint32Array(2000);
    const words = new Uint32Array(2000);
    for (const v of values) {
      encodeFixedPoint(v, segment, words, 0);
      for (let j = 0; j < 2000; j++) sum[j] = (sum[j] + words[j]) >>> 0;
    }
    const decoded = decodeFixedPoint(sum, 0, 2000, segment);
    let worst = 0;
    for (let j = 0; j < 2000; j++) worst = Math.max(worst, Math.abs(decoded[j] - values.reduce((s, v) => s + v[j], 0)));
    expect(worst).toBeLessThanOrEqual(sumQuantisationBound(segment));
    expect(worst).toBeGreaterThan(0); // it is a real rounding, not a lucky exact case
  });

  it('clamps values past the bound, refuses non-finite values and ranges that cannot fit', () => {
    const segment = fixedPointSegment(1, 2);
    const out = new Uint32Array(2);
    expect(encodeFixedPoint([3, -1], segment, out, 0).clamped).toBe(1);
    expect(decodeFixedPoint(out, 0, 1, segment)[0]).toBe(1);
    expect(() => encodeFixedPoint([Number.NaN], segment, out, 0)).toThrow(/value 0 is NaN: only finite values/);
    expect(() => fixedPointSegment(3, 2 ** 15)).toThrow(/32768 sites do not fit in 32-bit fixed point/);
    expect(fixedPointSegment(3, 2 ** 14).scale * 3).toBeGreaterThanOrEqual(2 ** 16);
    expect(() => fixedPointSegment(0, 3)).toThrow(/bound must be a finite number > 0/);
  });
});

describe('secure aggregation of clipped, sample-weighted updates equals FedAvg', () => {
  it('the unmasked, decoded sum gives the FedAvg model within the stated quantisation bound', () => {
    const random = new Random(11);
    const parameterCount = 3000;
    const clipNorm = 0.5;
    const global = Float32Array.from({ length: parameterCount }, () => random.normal() * 0.1);
    const results: ClientUpdate[] = [40, 25, 61, 12].map((numSamples, k) => ({
      siteId: `site-${k}`,
      numSamples,
      metrics: {},
      // Site 0's delta is well over the clip norm, so clipping is exercised.
      weights: Float32Array.from(global, (g) => g + random.normal() * (k === 0 ? 0.05 : 0.004)),
    }));
    const layout = payloadLayout({
      parameterCount,
      maxSites: 5,
      clipNorm,
      maxWeight: 100,
      noiseStd: 0,
      clipIndicator: null,
    });
    // Each site: clip its delta, weight it by its sample count, encode.
    const { scales, clipped } = clipScales(
      global,
      results.map((r) => r.weights),
      clipNorm,
    );
    expect(clipped).toBe(1);
    const inputs = new Map(
      results.map((r, i) => {
        const weightedDelta = Float64Array.from(r.weights, (w, j) => r.numSamples * scales[i] * (w - global[j]));
        return [r.siteId, encodePayload(layout, { weightedDelta, weight: r.numSamples }).words];
      }),
    );
    const { sum } = runInProcessRound({
      params: { roundId: 'r-fedavg', threshold: 3, degree: null, length: layout.length },
      inputs,
      dropAfterMask: ['site-2'],
    });
    const decoded = decodePayloadSum(layout, sum, results.length);
    expect(decoded.weightSum).toBe(138);
    // The reference: FedAvg's own clipped mean (../aggregate/weighted-mean.ts) in float32.
    const reference = fedAvg(global, results, { privacy: { clipNorm, noiseMultiplier: 0, noiseSeed: 0 } }).weights;
    // The mean's error is the sum's error over the weight sum, plus float32 rounding of the result.
    const bound = decoded.quantisationBound / decoded.weightSum;
    let worst = 0;
    for (let j = 0; j < parameterCount; j++) {
      const secure = global[j] + decoded.weightedDeltaSum[j] / decoded.weightSum;
      worst = Math.max(worst, Math.abs(secure - reference[j]) - 2 ** -23 * Math.abs(reference[j]));
    }
    expect(worst).toBeLessThanOrEqual(bound);
  });
});
