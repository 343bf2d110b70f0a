import type { ClientUpdate } from '../client-update';
import { AggregationError } from '../federation.errors';
import { createStrategy } from './create-strategy';
import { SCAFFOLD_CONTROL_TENSOR, ScaffoldStrategy } from './scaffold.strategy';

const base = { localSteps: 5, learningRate: 0.01 };
const update = (siteId: string, weights: number[], numSamples: number, controlDelta?: number[]): ClientUpdate => ({
  siteId,
  weights: Float32Array.from(weights),
  numSamples,
  metrics: { trainLoss: 1 },
  ...(controlDelta && { controlDelta: Float32Array.from(controlDelta) }),
});
const results = [update('a', [0.228, 0.418], 1, [-1.24, -1.89]), update('b', [1, 1], 3, [0.5, 0.3])];

describe('ScaffoldStrategy', () => {
  it('takes FedAvg’s weighted mean (with η_g) and moves c by (1/N) Σ Δc_i; c starts at 0', () => {
    const strategy = createStrategy({ name: 'scaffold', totalSites: 3, serverLearningRate: 2, ...base });
    expect(strategy).toBeInstanceOf(ScaffoldStrategy);
    const scaffold = strategy as ScaffoldStrategy;
    expect(Array.from(scaffold.serverControl(2))).toEqual([0, 0]);
    expect(scaffold.getState()).toBeNull();
    const result = strategy.aggregate(new Float32Array(2), results);
    // mean = ¼·[0.228, 0.418] + ¾·[1, 1] = [0.807, 0.8545]; x + 2·(mean − x)
    expect(result.weights[0]).toBeCloseTo(1.614, 5);
    expect(result.weights[1]).toBeCloseTo(1.709, 5);
    const control = scaffold.serverControl(2);
    expect(control[0]).toBeCloseTo(-0.74 / 3, 6);
    expect(control[1]).toBeCloseTo(-1.59 / 3, 6);
    expect(result.metrics).toMatchObject({ numResults: 2, numSamples: 4, client: { trainLoss: 1 } });
  });

  it('continues bit for bit from its saved state (a coordinator restart)', () => {
    const first = new ScaffoldStrategy(base, { totalSites: 2 });
    first.aggregate(new Float32Array(2), results);
    const saved = first.getState();
    expect(saved?.step).toBe(1);
    expect(Object.keys(saved?.tensors ?? {})).toEqual([SCAFFOLD_CONTROL_TENSOR]);
    const resumed = new ScaffoldStrategy(base, { totalSites: 2 });
    resumed.setState(saved);
    const global = Float32Array.from([0.5, 0.5]);
    const next = [update('a', [0.6, 0.4], 1, [0.01, -0.02]), update('b', [0.4, 0.7], 1, [0.03, 0.04])];
    const a = first.aggregate(global, next);
    const b = resumed.aggregate(global, next);
    expect(Buffer.from(a.weights.buffer).equals(Buffer.from(b.weights.buffer))).toBe(true);
    expect(Buffer.from(first.serverControl(2).buffer).equals(Buffer.from(resumed.serverControl(2).buffer))).toBe(true);
    expect(resumed.getState()?.step).toBe(2);
  });

  it('refuses an update without its control delta, privacy options and more results than sites', () => {
    const strategy = new ScaffoldStrategy(base, { totalSites: 3 });
    expect(() => strategy.aggregate(new Float32Array(2), [update('a', [1, 1], 1)])).toThrow(AggregationError);
    expect(() => strategy.aggregate(new Float32Array(2), [update('a', [1, 1], 1)])).toThrow(
      /site a: a SCAFFOLD update must carry its control-variate delta/,
    );
    expect(() => new ScaffoldStrategy(base, { totalSites: 1 }).aggregate(new Float32Array(2), results)).toThrow(
      /federation has only 1 site/,
    );
    expect(
      () => new ScaffoldStrategy({ ...base, privacy: { clipNorm: 1, noiseMultiplier: 0, seed: 0 } }, { totalSites: 3 }),
    ).toThrow(/clipping and noise are not supported/);
    expect(() => new ScaffoldStrategy(base, { totalSites: 0 })).toThrow(/totalSites must be an integer ≥ 1/);
    expect(() => strategy.setState({ tensors: {}, step: 1 })).toThrow(/lacks the float32 tensor "control"/);
  });

  it('passes the aggregate check like every strategy, and refuses a Δc_i beyond the bound before it reaches c', () => {
    const global = Float32Array.from([0.5, 0.5]);
    const poisoned = [update('a', [5e3, 0.5], 1, [0, 0]), update('b', [0.5, 0.5], 1, [0, 0])];
    expect(() => new ScaffoldStrategy(base, { totalSites: 2 }).aggregate(global, poisoned)).toThrow(
      /AGGREGATE_REJECTED|largest \|w\|/,
    );
    // A finite Δc_i of 3e38 would overflow c on the second round; the bound refuses it on the first, c untouched.
    const strategy = new ScaffoldStrategy(base, { totalSites: 1 });
    strategy.aggregate(global, [update('a', [0.5, 0.5], 1, [14, -14])]);
    expect(Array.from(strategy.serverControl(2))).toEqual([14, -14]);
    expect(() => strategy.aggregate(global, [update('a', [0.5, 0.5], 1, [3e38, 0])])).toThrow(
      /value #0 is 3\.0+\d*e\+38, beyond ±14\.54/,
    );
    expect(Array.from(strategy.serverControl(2))).toEqual([14, -14]);
  });
});
