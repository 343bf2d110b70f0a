import { applicationsWithinBudget, epsilonAfter } from './accounting/privacy-ledger';
import { addClippedGradient, dpSgdSamplingRate, poissonBatch, privateGradient } from './dp-sgd';
import {
  assertClientDpOptions,
  deltaNoiseMultiplier,
  distributedNoiseStd,
  dpFedAvgModel,
  nextClipNorm,
  type ClientDpOptions,
} from './dp-fedavg';
import { addSecureGaussianNoise } from './secure-gaussian';

function moments(values: Float64Array): { mean: number; variance: number } {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2;
  return { mean, variance: variance / (values.length - 1) };
}

describe('Gaussian noise from the CSPRNG', () => {
  it('has mean 0 and the asked variance (200 000 draws: 5 standard errors), and differs on every call', () => {
    const a = new Float64Array(200_000);
    addSecureGaussianNoise(a, 3);
    const { mean, variance } = moments(a);
    expect(Math.abs(mean)).toBeLessThan((5 * 3) / Math.sqrt(a.length));
    // Var of the sample variance of a normal is 2σ⁴/(n − 1).
    expect(Math.abs(variance - 9)).toBeLessThan(5 * Math.sqrt((2 * 81) / a.length));
    // Tails: share beyond 2σ ≈ 4.55 %.
    const beyond = a.filter((v) => Math.abs(v) > 6).length / a.length;
    expect(Math.abs(beyond - 0.0455)).toBeLessThan(0.003);
    const b = new Float64Array(8);
    addSecureGaussianNoise(b, 1);
    const c = new Float64Array(8);
    addSecureGaussianNoise(c, 1);
    expect(Array.from(b)).not.toEqual(Array.from(c));
  });
});

describe('DP-FedAvg', () => {
  const options: ClientDpOptions = { noiseMultiplier: 1, clipNorm: 0.5, adaptive: null };

  it('divides the noised sum by the fixed expected site count (McMahan et al. 2018)', () => {
    const global = Float32Array.from([1, 2, 3]);
    expect(Array.from(dpFedAvgModel(global, [0.3, -0.6, 0], 3))).toEqual([Math.fround(1.1), Math.fround(1.8), 3]);
  });

  it('splits the noise among sites so that any t of them carry the whole variance', () => {
    const share = distributedNoiseStd(2, 4);
    expect(4 * share ** 2).toBeCloseTo(4, 12);
    expect(6 * share ** 2).toBeGreaterThan(4); // more survivors only add noise
  });

  it('adaptive clipping: the delta gets z_Δ with z_Δ^−2 + (2σ_b)^−2 = z^−2 (Andrew et al. 2021, §3)', () => {
    const adaptive = { ...options, adaptive: { targetQuantile: 0.5, learningRate: 0.2, countNoiseStd: 1 } };
    const zDelta = deltaNoiseMultiplier(adaptive);
    expect(zDelta ** -2 + (2 * 1) ** -2).toBeCloseTo(1, 12);
    expect(zDelta).toBeGreaterThan(1);
    expect(() =>
      assertClientDpOptions(
        { ...adaptive, noiseMultiplier: 3, adaptive: { ...adaptive.adaptive, countNoiseStd: 1.4 } },
        'dp',
      ),
    ).toThrow(/countNoiseStd must exceed noiseMultiplier \/ 2 = 1.5/);
    expect(() => assertClientDpOptions(adaptive, 'dp')).not.toThrow();
  });

  it('adaptive clipping moves C down when more than γ of the updates were within it, up when fewer', () => {
    const adaptive = { targetQuantile: 0.5, learningRate: 0.2, countNoiseStd: 1 };
    expect(nextClipNorm(1, 3, 3, adaptive)).toBeCloseTo(Math.exp(-0.1), 12);
    expect(nextClipNorm(1, 0, 3, adaptive)).toBeCloseTo(Math.exp(0.1), 12);
    expect(nextClipNorm(1, -5, 3, adaptive)).toBeCloseTo(Math.exp(0.1), 12); // noise past 0 is clamped
  });

  it('client-level ε grows with rounds and the budget search returns the last round within it', () => {
    const account = { noiseMultiplier: 1.2, samplingRate: 1, delta: 1e-5 };
    const rounds = applicationsWithinBudget(8, account, 200);
    expect(epsilonAfter(rounds, account)).toBeLessThanOrEqual(8);
    expect(epsilonAfter(rounds + 1, account)).toBeGreaterThan(8);
    expect(epsilonAfter(0, account)).toBe(0);
    expect(applicationsWithinBudget(0.01, account, 200)).toBe(0);
  });
});

describe('DP-SGD', () => {
  it('clips each case’s gradient to C before adding it', () => {
    const sum = new Float64Array(2);
    expect(addClippedGradient(sum, Float32Array.from([3, 4]), 1)).toBeCloseTo(5, 6);
    addClippedGradient(sum, Float32Array.from([0.1, 0]), 1);
    expect(Array.from(sum).map((v) => Number(v.toFixed(6)))).toEqual([0.7, 0.8]);
  });

  it('Poisson batches include each case with probability q', () => {
    let total = 0;
    for (let i = 0; i < 200; i++) total += poissonBatch(100, 0.1).length;
    expect(Math.abs(total / 200 - 10)).toBeLessThan(5 * Math.sqrt((100 * 0.1 * 0.9) / 200));
    expect(poissonBatch(50, 0)).toEqual([]);
    expect(poissonBatch(50, 1)).toHaveLength(50);
  });

  it('adds N(0, (zC)²) to the sum and divides by the expected batch, and needs N ≥ B', () => {
    const options = { noiseMultiplier: 2, clipNorm: 0.5, expectedBatchSize: 4 };
    const gradient = privateGradient(new Float64Array(100_000), options);
    const { variance } = moments(Float64Array.from(gradient));
    expect(Math.abs(variance - (2 * 0.5) ** 2 / 16)).toBeLessThan(0.002);
    expect(dpSgdSamplingRate(options, 20)).toBe(0.2);
    expect(() => dpSgdSamplingRate(options, 3)).toThrow(
      /needs at least expectedBatchSize = 4 training cases, the site has 3/,
    );
  });
});
