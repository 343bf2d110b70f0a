import { centralPrivateSum, meanDeltaModel, type PrivateSum, privateSumRefusal } from './private-sum';

const L = 400;
const global = Float32Array.from({ length: L }, (_, j) => Math.sin(j));
const update = (siteId: string, scale: number) => ({
  siteId,
  weights: global.map((w, j) => w + scale * Math.cos(3 * j)),
  numSamples: 5,
  metrics: {},
});
const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

describe('centralPrivateSum', () => {
  it('clips each delta to C with weight 1 and counts the unclipped ones; no noise at std 0', () => {
    const small = update('a', 0.001); // ||Δ|| ≈ 0.014
    const large = update('b', 1); // ||Δ|| ≈ 14, clipped to 0.5
    const sum = centralPrivateSum(global, [small, large], 0.5, { sumStd: 0, indicatorStd: 0 });
    expect(sum).toMatchObject({ weightSum: 2, contributors: 2, indicatorSum: 1, quantisationBound: 0 });
    const clippedLarge = Array.from(
      global,
      (w, j) => (0.5 / norm(large.weights.map((x, k) => x - global[k]))) * (large.weights[j] - w),
    );
    for (let j = 0; j < L; j += 37) {
      expect(sum.deltaSum[j]).toBeCloseTo(small.weights[j] - global[j] + clippedLarge[j], 6);
    }
  });

  it('adds noise of the stated std to every coordinate', () => {
    const sum = centralPrivateSum(global, [update('a', 0)], 1, { sumStd: 2, indicatorStd: null });
    const std = norm(sum.deltaSum) / Math.sqrt(L);
    expect(std).toBeGreaterThan(1.8);
    expect(std).toBeLessThan(2.2);
    expect(sum.indicatorSum).toBeNull();
  });

  it('refuses an update of another length, naming the site', () => {
    const short = { ...update('c', 0), weights: new Float32Array(3) };
    expect(() => centralPrivateSum(global, [short], 1, { sumStd: 0, indicatorStd: null })).toThrow(
      /update from c has 3 values, the model 400/,
    );
  });
});

describe('privateSumRefusal', () => {
  const limits = { clipNorm: 1, maxWeight: 10, noiseStd: 0 };
  const sumOf = (deltaSum: Float64Array, weightSum = 6): PrivateSum => ({
    deltaSum,
    weightSum,
    indicatorSum: null,
    contributors: 3,
    quantisationBound: 0,
  });
  const ofNorm = (target: number) => {
    const v = Float64Array.from({ length: L }, (_, j) => Math.cos(j));
    const scale = target / norm(v);
    return v.map((x) => x * scale);
  };

  it('takes a sum within C times the summed weight', () => {
    expect(privateSumRefusal(sumOf(ofNorm(5.9)), limits)).toBeNull();
  });

  it('refuses a sum no clipped updates can make, a non-finite one, and an impossible weight', () => {
    expect(privateSumRefusal(sumOf(ofNorm(6.5)), limits)).toMatch(/L2 norm 6\.50000 exceeds 6\.00000/);
    const nan = ofNorm(1);
    nan[7] = Number.NaN;
    expect(privateSumRefusal(sumOf(nan), limits)).toMatch(/not finite at coordinate 7/);
    expect(privateSumRefusal(sumOf(ofNorm(1), 31), limits)).toMatch(/summed weight 31 is outside \(0, 30\]/);
  });

  it('allows for the noise it was told of: σ(√L + 8) more', () => {
    const noisy = { ...limits, noiseStd: 0.1 };
    expect(privateSumRefusal(sumOf(ofNorm(6 + 0.1 * (Math.sqrt(L) + 7))), noisy)).toBeNull();
    expect(privateSumRefusal(sumOf(ofNorm(6 + 0.1 * (Math.sqrt(L) + 9))), noisy)).toMatch(/exceeds/);
  });
});

describe('meanDeltaModel', () => {
  it('is the global model plus the sum over the denominator, and refuses a denominator ≤ 0', () => {
    const model = meanDeltaModel(
      global,
      Float64Array.from({ length: L }, () => 3),
      3,
    );
    expect(model[5]).toBeCloseTo(global[5] + 1, 6);
    expect(() => meanDeltaModel(global, new Float64Array(L), 0)).toThrow(/denominator must be > 0, got 0/);
  });
});
