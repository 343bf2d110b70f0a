import { mixSeed, mulberry32 } from '@fedstroke/isles';

// Math's functions as module constants: hot loops then skip a global lookup per call, which is slow inside
// vm contexts (jest runs every test file in one) and free everywhere else.
const { cos, exp, floor, log, sin, sqrt, PI } = Math;
const TWO_PI = 2 * PI;

/**
 * Seeded draws for the generator. Each case gets its own stream (seed, case index), so case k is the same file
 * whether 10 or 1000 cases are generated, and cases can be drawn in any order.
 */
export class Random {
  private readonly next: () => number;
  // A number field that never holds null keeps V8 from boxing every stored value.
  private spareNormal = 0;
  private hasSpare = false;

  constructor(...seedParts: number[]) {
    this.next = mulberry32(mixSeed(...seedParts));
  }

  /** Uniform in [0, 1). */
  unit(): number {
    return this.next();
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Uniform on a log scale: right for sizes that span decades (lesion volumes). */
  logUniform(low: number, high: number): number {
    return exp(this.uniform(log(low), log(high)));
  }

  /** Integer in [low, high], both ends included. */
  int(low: number, high: number): number {
    return low + floor(this.next() * (high - low + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** Picks a key of `weights` with probability proportional to its weight. */
  weighted<K extends string>(weights: Record<K, number>): K {
    const keys = Object.keys(weights) as K[];
    const total = keys.reduce((sum, key) => sum + weights[key], 0);
    let target = this.next() * total;
    for (const key of keys) {
      target -= weights[key];
      if (target < 0) return key;
    }
    return keys[keys.length - 1];
  }

  /** Standard normal (Box–Muller, both values used). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spareNormal;
    }
    const u = 1 - this.next(); // (0, 1]: log never sees 0
    const radius = sqrt(-2 * log(u));
    const angle = TWO_PI * this.next();
    this.spareNormal = radius * sin(angle);
    this.hasSpare = true;
    return radius * cos(angle);
  }

  /** A direction uniform on the sphere. */
  unitVector(): [number, number, number] {
    const z = this.uniform(-1, 1);
    const angle = this.uniform(0, TWO_PI);
    const r = sqrt(1 - z * z);
    return [r * cos(angle), r * sin(angle), z];
  }
}
