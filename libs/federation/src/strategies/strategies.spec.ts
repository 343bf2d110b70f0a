import type { ClientUpdate } from '../client-update';
import { AggregationError } from '../federation.errors';
import { mixSeed } from '@fedstroke/common';
import { createStrategy, parseStrategyName } from './create-strategy';
import { FedAdamStrategy, FedYogiStrategy } from './fed-adaptive.strategy';
import { FedAvgStrategy } from './fedavg.strategy';
import { TrimmedMeanStrategy } from './robust.strategy';

const base = { localSteps: 20, learningRate: 1e-3 };
const update = (siteId: string, weights: number[], numSamples: number, metrics = {}): ClientUpdate => ({
  siteId,
  weights: Float32Array.from(weights),
  numSamples,
  metrics,
});

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe('configureRound', () => {
  it('records local training, FedProx μ and the privacy mechanism with a per-round noise seed', () => {
    const fedprox = createStrategy({
      name: 'fedprox',
      proximalMu: 0.01,
      ...base,
      privacy: { clipNorm: 5, noiseMultiplier: 0.8, seed: 42 },
    });
    const round3 = fedprox.configureRound(3, 17);
    expect(round3).toEqual({
      roundIndex: 3,
      strategy: 'fedprox',
      numParameters: 17,
      localSteps: 20,
      learningRate: 1e-3,
      proximalMu: 0.01,
      privacy: { clipNorm: 5, noiseMultiplier: 0.8, noiseSeed: mixSeed(42, 3) },
    });
    expect(fedprox.configureRound(4, 17).privacy?.noiseSeed).not.toBe(round3.privacy?.noiseSeed);
    expect(createStrategy({ name: 'fedavg', ...base }).configureRound(0, 2)).toMatchObject({
      proximalMu: 0,
      privacy: null,
    });
  });
});

describe('aggregate', () => {
  it('FedAvg returns the weighted mean and sample-weighted client metrics', () => {
    const strategy = new FedAvgStrategy(base);
    const result = strategy.aggregate(new Float32Array(2), [
      update('a', [2, 4], 1, { loss: 1, dice: 0.5 }),
      update('b', [6, 8], 3, { loss: 3 }),
    ]);
    expect(Array.from(result.weights)).toEqual([5, 7]);
    expect(result.metrics).toEqual({
      numResults: 2,
      numSamples: 4,
      clippedUpdates: 0,
      noiseStd: 0,
      client: { loss: 2.5, dice: 0.5 },
    });
  });

  it('enforces the failure policy minimum', () => {
    const strategy = new FedAvgStrategy({ ...base, failurePolicy: { minResults: 2 } });
    expect(strategy.failurePolicy).toEqual({ minResults: 2, acceptFailures: true });
    expect(() => strategy.aggregate(new Float32Array(1), [update('a', [1], 1)])).toThrow(AggregationError);
    expect(() => strategy.aggregate(new Float32Array(1), [update('a', [1], 1)])).toThrow(/needs at least 2/);
  });

  it('needs the round index when noise is configured, and reproduces the noise from it', () => {
    const strategy = new FedAvgStrategy({ ...base, privacy: { clipNorm: 1, noiseMultiplier: 1, seed: 7 } });
    const results = [update('a', [0.1, 0.2, 0.3], 1)];
    expect(() => strategy.aggregate(new Float32Array(3), results)).toThrow(/roundIndex is required/);
    const first = strategy.aggregate(new Float32Array(3), results, undefined, 5);
    const replay = strategy.aggregate(new Float32Array(3), results, undefined, 5);
    expect(sameBits(first.weights, replay.weights)).toBe(true);
    expect(first.metrics.noiseStd).toBe(1);
  });

  it('trimmed mean and median resist one wild site; noise with them is refused', () => {
    const results = [update('a', [1], 1), update('b', [2], 1), update('c', [3], 1), update('evil', [1e9], 1000)];
    const trimmed = new TrimmedMeanStrategy(base, 0.25).aggregate(new Float32Array(1), results);
    expect(Array.from(trimmed.weights)).toEqual([2.5]);
    const median = createStrategy({ name: 'median', ...base }).aggregate(new Float32Array(1), results.slice(0, 3));
    expect(Array.from(median.weights)).toEqual([2]);
    expect(() =>
      createStrategy({ name: 'median', ...base, privacy: { clipNorm: 1, noiseMultiplier: 1, seed: 1 } }),
    ).toThrow(/noise is calibrated for mean aggregation only/);
  });

  it('never mutates the global model or the updates, whichever strategy', () => {
    const global = Float32Array.from([0.5, -0.5, 0.25]);
    const results = [update('a', [1, 2, 3], 2), update('b', [-1, 0, 4], 1), update('c', [0, 0, 0], 5)];
    const snapshot = [global.slice(), ...results.map((r) => r.weights.slice())];
    for (const name of ['fedavg', 'fedadam', 'fedyogi', 'median'] as const) {
      createStrategy({ name, ...base, privacy: { clipNorm: 1, noiseMultiplier: 0, seed: 0 } }).aggregate(
        global,
        results,
      );
    }
    createStrategy({ name: 'trimmed-mean', beta: 0.2, ...base }).aggregate(global, results, new Float32Array(3));
    expect(sameBits(global, snapshot[0])).toBe(true);
    results.forEach((r, i) => expect(sameBits(r.weights, snapshot[i + 1])).toBe(true));
  });
});

describe('arrival order and site ids', () => {
  // Coordinate 0 cancels: summed as a, b, c the float64 sum (1e20 + 1 − 1e20) / 3 is 0, as c, a, b it is 1/3. Sites
  // finish in any order and get new ids in every deployment: two runs of one seeded federation send the same updates
  // in other orders under other ids.
  const arrived = (ids: readonly string[]) => [
    { ...update(ids[0], [1e20, 0.5], 1), controlDelta: Float32Array.from([0.1, 0.1]) },
    { ...update(ids[1], [1, 0.25], 1), controlDelta: Float32Array.from([0.2, 0.2]) },
    { ...update(ids[2], [-1e20, 0.75], 1), controlDelta: Float32Array.from([0.3, 0.3]) },
  ];
  const first = arrived(['site-a', 'site-b', 'site-c']);
  const second = arrived(['1c07', '9f2e', '5b3a']);
  const orders = [first, [first[2], first[0], first[1]], [second[1], second[2], second[0]], second];

  it.each([
    ['fedavg', {}],
    ['fedprox', { proximalMu: 0.01 }],
    ['fedavg', { serverMomentum: 0.9 }],
    ['fedadam', {}],
    ['fedyogi', {}],
    ['trimmed-mean', { beta: 0 }],
    ['median', {}],
    ['scaffold', { totalSites: 3 }],
  ] as const)('%s %j aggregates the same bits whichever site arrived first, under any ids', (name, extra) => {
    const config = { name, ...base, ...extra } as Parameters<typeof createStrategy>[0];
    const results = orders.map((order) => createStrategy(config).aggregate(new Float32Array(2), order));
    for (const result of results.slice(1)) {
      expect(sameBits(result.weights, results[0].weights)).toBe(true);
      expect(result.metrics).toEqual(results[0].metrics);
    }
  });
});

describe('the aggregate check (one site sends 3e38 everywhere)', () => {
  const global = Float32Array.from([1.46, -0.5, 0.25]);
  const honest = (siteId: string) => update(siteId, [1.4, -0.45, 0.3], 10);
  const poison = update('evil', [3e38, 3e38, 3e38], 10);

  it.each([
    ['fedavg', {}],
    ['fedprox', { proximalMu: 0.01 }],
    ['fedavg', { serverMomentum: 0.9 }],
    ['fedavg', { serverLearningRate: 2 }],
    ['fedadam', {}],
    ['fedyogi', {}],
    ['trimmed-mean', { beta: 0 }],
    ['median', {}],
  ] as const)('%s %j refuses to hand back the poisoned model', (name, extra) => {
    const strategy = createStrategy({ name, ...base, ...extra } as Parameters<typeof createStrategy>[0]);
    // Two sites: the median of two is their mean, so even the robust strategies take the poison in.
    const aggregate = () => strategy.aggregate(global, [honest('a'), poison]);
    expect(aggregate).toThrow(AggregationError);
    expect(aggregate).toThrow(/AGGREGATE_REJECTED|non-finite|largest \|w\|/);
    try {
      strategy.aggregate(global, [honest('a'), poison]);
    } catch (error) {
      expect((error as AggregationError).code).toBe('AGGREGATE_REJECTED');
      expect((error as Error).message).toMatch(new RegExp(`^${name}: `));
    }
  });

  it('lets a robust strategy outvote the poison when it can (median of three)', () => {
    const result = createStrategy({ name: 'median', ...base }).aggregate(global, [honest('a'), honest('b'), poison]);
    expect(Array.from(result.weights)).toEqual(Array.from(Float32Array.from([1.4, -0.45, 0.3])));
  });
});

describe('server optimizer state', () => {
  it('resumes exactly after getState → setState on a fresh strategy (a coordinator restart)', () => {
    // prepare: three rounds of updates around a moving model
    const rounds = [0, 1, 2].map((t) => [
      update('a', [0.1 * t, 0.2, -0.3], 10),
      update('b', [0.3, -0.1 * t, 0.05], 20),
    ]);
    const global0 = Float32Array.from([0, 0, 0]);
    // execute: uninterrupted run vs. a run restarted after round 1
    const run = new FedYogiStrategy(base, { biasCorrection: true });
    let model: Float32Array = global0;
    for (const results of rounds) model = run.aggregate(model, results).weights;
    const before = new FedYogiStrategy(base, { biasCorrection: true });
    const afterRound1 = before.aggregate(global0, rounds[0]).weights;
    const saved = before.getState();
    const restarted = new FedYogiStrategy(base, { biasCorrection: true });
    restarted.setState(saved);
    let resumed: Float32Array = afterRound1;
    for (const results of rounds.slice(1)) resumed = restarted.aggregate(resumed, results).weights;
    // assert
    expect(saved?.step).toBe(1);
    expect(sameBits(resumed, model)).toBe(true);
    expect(restarted.getState()?.step).toBe(3);
  });

  it('starts empty, and refuses inconsistent state', () => {
    const strategy = new FedAdamStrategy(base);
    expect(strategy.getState()).toBeNull();
    expect(() => strategy.setState({ tensors: { m: new Float32Array(2), v: new Float32Array(3) }, step: 0 })).toThrow(
      /equal lengths/,
    );
    expect(() => strategy.setState({ tensors: { m: new Float32Array(2) }, step: 0 })).toThrow(/lacks .*"v"/);
  });
});

describe('FedAvg with a server step size and momentum (FedAvgM)', () => {
  // Two sites with equal samples around global (0, 0): the mean delta is their average.
  const global = Float32Array.from([0, 1]);
  const round = (a: number[], b: number[]) => [update('a', a, 10), update('b', b, 10)];

  it('is exactly the weighted mean with the defaults, and keeps no state', () => {
    const strategy = new FedAvgStrategy(base);
    const weights = strategy.aggregate(global, round([1, 2], [3, 4])).weights;
    expect(Array.from(weights)).toEqual([2, 3]);
    expect(strategy.getState()).toBeNull();
  });

  it('scales the mean delta by η_s (by hand: 0 + 2·(2 − 0) = 4, 1 + 2·(3 − 1) = 5)', () => {
    const strategy = createStrategy({ name: 'fedavg', serverLearningRate: 2, ...base });
    expect(Array.from(strategy.aggregate(global, round([1, 2], [3, 4])).weights)).toEqual([4, 5]);
  });

  it('accumulates momentum over rounds (by hand, β = 0.5, η_s = 1)', () => {
    const strategy = new FedAvgStrategy(base, { serverMomentum: 0.5 });
    // round 1: Δ = (2, 2) → u = (2, 2), w = (2, 3)
    const w1 = strategy.aggregate(global, round([1, 2], [3, 4])).weights;
    expect(Array.from(w1)).toEqual([2, 3]);
    // round 2: sites return w1 + (1, −1) → Δ = (1, −1), u = 0.5·(2, 2) + (1, −1) = (2, 0), w = w1 + u = (4, 3)
    const w2 = strategy.aggregate(w1, round([3, 2], [3, 2])).weights;
    expect(Array.from(w2)).toEqual([4, 3]);
    expect(strategy.getState()?.step).toBe(2);
    expect(Array.from(strategy.getState()?.tensors.velocity ?? [])).toEqual([2, 0]);
  });

  it('resumes bit for bit from saved momentum, and FedProx takes the same server options', () => {
    const rounds = [0, 1, 2].map((t) => round([0.1 * t, 0.3], [-0.2, 0.05 * t]));
    const run = createStrategy({
      name: 'fedprox',
      proximalMu: 0.1,
      serverMomentum: 0.9,
      serverLearningRate: 0.7,
      ...base,
    });
    let model: Float32Array = global;
    for (const results of rounds) model = run.aggregate(model, results).weights;
    const first = new FedAvgStrategy(base, { serverMomentum: 0.9, serverLearningRate: 0.7 });
    const afterRound1 = first.aggregate(global, rounds[0]).weights;
    const restarted = new FedAvgStrategy(base, { serverMomentum: 0.9, serverLearningRate: 0.7 });
    restarted.setState(first.getState());
    let resumed: Float32Array = afterRound1;
    for (const results of rounds.slice(1)) resumed = restarted.aggregate(resumed, results).weights;
    expect(sameBits(resumed, model)).toBe(true);
    expect(run.configureRound(0, global.length).proximalMu).toBe(0.1);
  });

  it('refuses momentum outside [0, 1) and a non-positive step size, naming the option', () => {
    expect(() => new FedAvgStrategy(base, { serverMomentum: 1 })).toThrow(/fedavg.serverMomentum must be in \[0, 1\)/);
    expect(() => new FedAvgStrategy(base, { serverLearningRate: 0 })).toThrow(/fedavg.serverLearningRate/);
  });
});

describe('options', () => {
  it('names the argument, the constraint and the valid values', () => {
    expect(() => new FedAvgStrategy({ ...base, localSteps: 0 })).toThrow(
      'fedavg.localSteps must be an integer ≥ 1, got 0',
    );
    expect(() => new FedAdamStrategy(base, { beta1: 1 })).toThrow('fedadam.beta1 must be in [0, 1), got 1');
    expect(() => new TrimmedMeanStrategy(base, 0.5)).toThrow('trimmed-mean.beta must be in [0, 0.5), got 0.5');
    expect(() => parseStrategyName('fedsgd', '--strategy')).toThrow(
      "--strategy 'fedsgd' is not one of fedavg, fedprox, fedadam, fedyogi, median, trimmed-mean",
    );
  });
});
