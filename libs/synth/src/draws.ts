import type { Random } from '@fedstroke/common';

// Math's functions as module constants: hot loops then skip a global lookup per call, which is slow inside
// vm contexts (jest runs every test file in one) and free everywhere else.
const { cos, exp, log, sin, sqrt, PI } = Math;

/** Uniform on a log scale in [low, high): right for sizes that span decades (lesion volumes). */
export function logUniform(random: Random, low: number, high: number): number {
  return exp(random.range(log(low), log(high)));
}

/** A direction uniform on the unit sphere (Archimedes: z uniform in [-1, 1), azimuth uniform). */
export function unitVector(random: Random): [number, number, number] {
  const z = random.range(-1, 1);
  const angle = random.range(0, 2 * PI);
  const r = sqrt(1 - z * z);
  return [r * cos(angle), r * sin(angle), z];
}

/** Picks a key of `weights` with probability proportional to its weight. */
export function weighted<K extends string>(random: Random, weights: Record<K, number>): K {
  const keys = Object.keys(weights) as K[];
  const total = keys.reduce((sum, key) => sum + weights[key], 0);
  let target = random.uniform() * total;
  for (const key of keys) {
    target -= weights[key];
    if (target < 0) return key;
  }
  return keys[keys.length - 1];
}
