import { InvalidArgumentError } from './errors';
import { mixSeed, Random, RandomState } from './random';

const draws = (random: Random, count: number): number[] => Array.from({ length: count }, () => random.nextUint32());

function meanAndVariance(values: readonly number[]): { mean: number; variance: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return { mean, variance };
}

describe('Random', () => {
  it('gives the same sequence for the same seed', () => {
    expect(draws(new Random(42), 100)).toEqual(draws(new Random(42), 100));
  });

  it('gives unrelated sequences for different (even adjacent) seeds', () => {
    const a = draws(new Random(1), 100);
    const b = draws(new Random(2), 100);
    const equalAtSamePosition = a.filter((v, i) => v === b[i]).length;
    expect(equalAtSamePosition).toBe(0);
  });

  it('draws uint32 values', () => {
    for (const v of draws(new Random(3), 1000)) {
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(2 ** 32);
    }
  });

  it('resumes the identical sequence from a saved state, through JSON and a pending normal', () => {
    const a = new Random(123);
    for (let i = 0; i < 10; i++) a.uniform();
    a.normal(); // leaves the second normal of the pair pending
    const saved = JSON.parse(JSON.stringify(a.getState())) as RandomState;
    expect(saved).toHaveLength(5);
    const b = Random.fromState(saved);
    const continuation = (r: Random): number[] => [r.normal(), r.normal(), r.uniform(), ...draws(r, 20)];
    expect(continuation(b)).toEqual(continuation(a));
  });

  it('loads a four-word state (no pending normal) and does not share it with the caller', () => {
    const a = new Random(9);
    const state = a.getState();
    expect(state).toHaveLength(4);
    const b = Random.fromState(state);
    state[0] = 0;
    expect(draws(b, 10)).toEqual(draws(a, 10));
  });

  it('rejects malformed states, naming what it expected', () => {
    const bad = [
      [1, 2, 3],
      [1, 2, 3, -1],
      [1, 2, 3, 2 ** 32],
      [1, 2, 3, 0.5],
      [1, 2, 3, 4, NaN],
    ];
    for (const state of bad) {
      expect(() => Random.fromState(state as RandomState)).toThrow(InvalidArgumentError);
      expect(() => Random.fromState(state as RandomState)).toThrow(/4 uint32 words/);
    }
  });

  it('draws uniforms in [0, 1) with mean 1/2 and variance 1/12', () => {
    const random = new Random(1);
    const values = Array.from({ length: 50000 }, () => random.uniform());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const { mean, variance } = meanAndVariance(values);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(variance).toBeCloseTo(1 / 12, 2);
  });

  it('draws range(low, high) within [low, high)', () => {
    const random = new Random(8);
    const values = Array.from({ length: 10000 }, () => random.range(-3, 5));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...values)).toBeLessThan(5);
    expect(meanAndVariance(values).mean).toBeCloseTo(1, 1);
  });

  it('draws int(n) in [0, n) and intInclusive(low, high) in [low, high], every value reached', () => {
    const random = new Random(5);
    const exclusive = new Set(Array.from({ length: 2000 }, () => random.int(6)));
    expect([...exclusive].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const inclusive = new Set(Array.from({ length: 2000 }, () => random.intInclusive(-2, 3)));
    expect([...inclusive].sort((x, y) => x - y)).toEqual([-2, -1, 0, 1, 2, 3]);
  });

  it('returns true from chance(p) about p of the time', () => {
    const random = new Random(6);
    const hits = Array.from({ length: 20000 }, () => random.chance(0.3)).filter(Boolean).length;
    expect(hits / 20000).toBeCloseTo(0.3, 1);
    expect(Array.from({ length: 100 }, () => random.chance(0)).some(Boolean)).toBe(false);
  });

  it('draws standard normals with mean 0, sd 1 and symmetric tails', () => {
    const random = new Random(7);
    const values = Array.from({ length: 50001 }, () => random.normal());
    const { mean, variance } = meanAndVariance(values);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.sqrt(variance)).toBeGreaterThan(0.98);
    expect(Math.sqrt(variance)).toBeLessThan(1.02);
    // P(|z| > 1.96) = 5%.
    const tail = values.filter((v) => Math.abs(v) > 1.96).length / values.length;
    expect(tail).toBeGreaterThan(0.045);
    expect(tail).toBeLessThan(0.055);
  });

  it('shuffles in place to a permutation, deterministically per seed, reaching every order', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const shuffled = new Random(11).shuffle(items.slice());
    expect(shuffled.slice().sort()).toEqual(items);
    expect(new Random(11).shuffle(items.slice())).toEqual(shuffled);
    const target = [1, 2, 3];
    expect(new Random(1).shuffle(target)).toBe(target);
    const random = new Random(12);
    const orders = new Set(Array.from({ length: 600 }, () => random.shuffle([1, 2, 3]).join('')));
    expect(orders.size).toBe(6);
  });
});

describe('mixSeed', () => {
  it('is stable (a pure function of its parts) and a uint32', () => {
    expect(mixSeed(42, 3)).toBe(mixSeed(42, 3));
    for (const parts of [[0], [1, 2], [2 ** 32 - 1, 7, 9], [-1]]) {
      const h = mixSeed(...parts);
      expect(Number.isInteger(h)).toBe(true);
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThan(2 ** 32);
    }
  });

  it('is order-sensitive and separates nearby parts', () => {
    expect(mixSeed(1, 2)).not.toBe(mixSeed(2, 1));
    const seeds = new Set<number>();
    for (let a = 0; a < 20; a++) for (let b = 0; b < 20; b++) seeds.add(mixSeed(a, b));
    expect(seeds.size).toBe(400);
    expect(mixSeed(5)).not.toBe(mixSeed(5, 0));
  });
});
