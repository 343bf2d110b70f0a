import type { ClientUpdate } from '../client-update';
import { DEFAULT_CHUNK_SIZE } from './buffers';
import { fedAdaptive, initialServerState } from './server-optimizer';
import type { AdaptiveOptimizerKind, AdaptiveOptimizerOptions } from './server-optimizer';

const update = (siteId: string, weights: Float32Array, numSamples: number): ClientUpdate => ({
  siteId,
  weights,
  numSamples,
  metrics: {},
});

/**
 * Reddi et al. 2021, Algorithm 2, written out in float64 straight from the paper, one coordinate at a time. The
 * only float32 step mirrored from the implementation is that model, m and v are stored as float32 between steps.
 */
function referenceSteps(
  global0: Float32Array,
  roundsOfResults: ClientUpdate[][],
  o: AdaptiveOptimizerOptions,
): Float32Array[] {
  const n = global0.length;
  let x = Float64Array.from(global0);
  const m = new Float64Array(n);
  const v = new Float64Array(n).fill(Math.fround(o.tau * o.tau));
  const models: Float32Array[] = [];
  roundsOfResults.forEach((results, t) => {
    const total = results.reduce((s, r) => s + r.numSamples, 0);
    const eta = o.biasCorrection ? (o.eta * Math.sqrt(1 - o.beta2 ** (t + 1))) / (1 - o.beta1 ** (t + 1)) : o.eta;
    const next = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      let mean = 0;
      for (const r of results) mean += (r.numSamples / total) * r.weights[j];
      const delta = Math.fround(mean) - x[j];
      m[j] = Math.fround(o.beta1 * m[j] + (1 - o.beta1) * delta);
      const d2 = delta * delta;
      v[j] = Math.fround(
        o.kind === 'adam' ? o.beta2 * v[j] + (1 - o.beta2) * d2 : v[j] - (1 - o.beta2) * d2 * Math.sign(v[j] - d2),
      );
      next[j] = Math.fround(x[j] + (eta * m[j]) / (Math.sqrt(v[j]) + o.tau));
    }
    x = next;
    models.push(Float32Array.from(next));
  });
  return models;
}

function options(kind: AdaptiveOptimizerKind, biasCorrection = false): AdaptiveOptimizerOptions {
  return { kind, eta: 0.1, beta1: 0.9, beta2: 0.99, tau: 1e-3, biasCorrection };
}

describe('fedAdaptive (FedAdam / FedYogi)', () => {
  it('takes the hand-computed first FedAdam step', () => {
    // prepare: one coordinate, global 0, sites at 1 (1 sample) and 3 (3 samples) → mean 2.5, Δ = 2.5
    const global = Float32Array.from([0]);
    const results = [update('a', Float32Array.from([1]), 1), update('b', Float32Array.from([3]), 3)];
    const state = initialServerState(1, 1e-3);
    // execute
    const { weights } = fedAdaptive(global, results, state, options('adam'));
    // assert: m = 0.1·2.5 = 0.25; v = 0.99·1e-6 + 0.01·6.25; x = 0.1·m / (√v + τ)
    const v = 0.99 * 1e-6 + 0.01 * 6.25;
    expect(state.m[0]).toBeCloseTo(0.25, 7);
    expect(state.v[0]).toBeCloseTo(v, 7);
    expect(weights[0]).toBeCloseTo((0.1 * 0.25) / (Math.sqrt(v) + 1e-3), 6);
    expect(state.step).toBe(1);
  });

  it.each([
    ['adam', false],
    ['yogi', false],
    ['adam', true],
  ] as const)('matches the float64 reference over two steps (%s, bias correction %s)', (kind, biasCorrection) => {
    // prepare: ragged length across a chunk boundary; round 2 starts from round 1's model
    const length = DEFAULT_CHUNK_SIZE + 11;
    const global0 = new Float32Array(length).map((_, j) => Math.sin(j * 0.01));
    const site = (shift: number, scale: number) => global0.map((g, j) => g + scale * Math.cos(j * 0.37 + shift));
    const round1 = [update('a', site(0, 0.3), 10), update('b', site(1, 0.1), 30), update('c', site(2, 0.5), 5)];
    const o = options(kind, biasCorrection);
    const state = initialServerState(length, o.tau);
    // execute
    const model1 = fedAdaptive(global0, round1, state, o).weights;
    const round2 = round1.map((r, i) =>
      update(
        r.siteId,
        model1.map((g, j) => g + 0.2 * Math.sin(j + i)),
        r.numSamples,
      ),
    );
    const model2 = fedAdaptive(model1, round2, state, o).weights;
    // assert
    const [ref1, ref2] = referenceSteps(global0, [round1, round2], o);
    let worst = 0;
    for (let j = 0; j < length; j++)
      worst = Math.max(worst, Math.abs(model1[j] - ref1[j]), Math.abs(model2[j] - ref2[j]));
    expect(worst).toBeLessThan(1e-5);
  });

  it('FedYogi grows v by at most (1 − β2)·Δ² where FedAdam would decay it', () => {
    // v starts large (after a big first step); a small second delta: Adam shrinks v by β2, Yogi by (1 − β2)·Δ² only
    const global = Float32Array.from([0]);
    const adam = { m: Float32Array.from([0]), v: Float32Array.from([1]), step: 1 };
    const yogi = { m: Float32Array.from([0]), v: Float32Array.from([1]), step: 1 };
    const results = [update('a', Float32Array.from([0.1]), 1)];
    fedAdaptive(global, results, adam, options('adam'));
    fedAdaptive(global, results, yogi, options('yogi'));
    expect(adam.v[0]).toBeCloseTo(0.99 + 0.01 * 0.01, 7);
    expect(yogi.v[0]).toBeCloseTo(1 - 0.01 * 0.01, 7);
  });
});
