import { InvalidArgumentError } from './errors';

// Math's functions as module constants: hot loops then skip a global lookup per call, which is slow inside
// vm contexts (jest runs every test file in one) and free everywhere else.
const { cos, floor, imul, log, sin, sqrt, PI } = Math;
const TWO_PI = 2 * PI;
const TWO_POW_32 = 4294967296;

/**
 * A generator's whole state, plain numbers so it can be written to JSON (training checkpoints) and read back:
 * sfc32's four uint32 words, then the cached second Box–Muller normal when one is pending. Four-word states
 * (no pending normal) are what checkpoints written before the spare existed hold, and they still load.
 */
export type RandomState = [number, number, number, number] | [number, number, number, number, number];

/** splitmix32 step: expands one seed into well-mixed words, so nearby seeds give unrelated streams. */
function splitmix32(state: Uint32Array): number {
  state[0] += 0x9e3779b9;
  let z = state[0];
  z = imul(z ^ (z >>> 16), 0x85ebca6b);
  z = imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * The project's one seeded pseudo-random generator: sfc32 (Chris Doty-Humphrey's Small Fast Chaotic generator,
 * 128-bit state, passes PractRand and BigCrush) seeded through splitmix32. It uses only 32-bit integer arithmetic
 * (Math.imul, >>>), so a seed gives the same stream on every platform, and its state is small enough to save in a
 * checkpoint and resume exactly (getState / fromState). Not cryptographic: anything that must be unpredictable
 * to an adversary needs a secret seed.
 */
export class Random {
  // The words live in a typed array: a uint32 above 2^30 in a plain field would be boxed on every step.
  private readonly words = new Uint32Array(4);
  // A number field that never holds null keeps V8 from boxing every stored value.
  private spare = 0;
  private hasSpare = false;

  /** From an integer seed (only its low 32 bits count). */
  constructor(seed: number) {
    const mix = new Uint32Array([seed >>> 0]);
    for (let i = 0; i < 4; i++) this.words[i] = splitmix32(mix);
    // The first outputs of a freshly seeded sfc32 are poorly mixed; discard them as its author recommends.
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** Continues exactly where the generator that produced `state` (getState) stopped. */
  static fromState(state: Readonly<RandomState>): Random {
    if (
      (state.length !== 4 && state.length !== 5) ||
      !state.slice(0, 4).every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32) ||
      (state.length === 5 && !Number.isFinite(state[4]))
    ) {
      throw new InvalidArgumentError(
        `random state: expected 4 uint32 words and an optional finite spare normal, got ${JSON.stringify(state)}`,
      );
    }
    const random = new Random(0);
    random.words.set(state.slice(0, 4));
    random.hasSpare = state.length === 5;
    random.spare = state.length === 5 ? state[4] : 0;
    return random;
  }

  /** A copy of the whole state; fromState(getState()) draws the identical continuation. */
  getState(): RandomState {
    const [a, b, c, d] = this.words;
    return this.hasSpare ? [a, b, c, d, this.spare] : [a, b, c, d];
  }

  /** Uniform on [0, 2^32). */
  nextUint32(): number {
    const w = this.words;
    const t = w[0] + w[1] + w[3];
    w[3] += 1;
    w[0] = w[1] ^ (w[1] >>> 9);
    w[1] = w[2] + (w[2] << 3);
    w[2] = ((w[2] << 21) | (w[2] >>> 11)) + t;
    return t >>> 0;
  }

  /** Uniform on [0, 1), in steps of 2^-32. */
  uniform(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform on [low, high). */
  range(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Uniform integer in [0, n): n excluded. */
  int(n: number): number {
    return floor(this.uniform() * n);
  }

  /** Uniform integer in [low, high]: both ends included. */
  intInclusive(low: number, high: number): number {
    return low + this.int(high - low + 1);
  }

  /** True with the given probability. */
  chance(probability: number): boolean {
    return this.uniform() < probability;
  }

  /** Standard normal (Box–Muller): each pair of uniforms yields two, the second is kept for the next call. */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const radius = sqrt(-2 * log(1 - this.uniform())); // 1 - u is in (0, 1]: log never sees 0
    const angle = TWO_PI * this.uniform();
    this.spare = radius * sin(angle);
    this.hasSpare = true;
    return radius * cos(angle);
  }

  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }
}

/**
 * Hashes several integers (a seed and, e.g., a round or case index) into one 32-bit seed, so streams derived
 * for different parts never coincide. Order-sensitive: mixSeed(1, 2) !== mixSeed(2, 1).
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = imul(h ^ (part >>> 0), 0x01000193);
    h ^= h >>> 13;
    h = imul(h, 0x5bd1e995);
    h ^= h >>> 15;
  }
  return h >>> 0;
}
