/**
 * A small seeded PRNG (sfc32: 128-bit state, passes PractRand/BigCrush) whose whole state is four uint32s, so a
 * training run can save it in a checkpoint and resume drawing exactly where it stopped. Math.random is never used
 * in training: every draw (patch position, augmentation, noise) comes from one of these.
 */
export type RandomState = [number, number, number, number];

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** From an integer seed (expanded with splitmix32 so nearby seeds give unrelated streams) or a saved state. */
  constructor(seedOrState: number | RandomState) {
    if (typeof seedOrState === 'number') {
      let s = seedOrState >>> 0;
      const next = (): number => {
        s = (s + 0x9e3779b9) >>> 0;
        let z = s;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
        return (z ^ (z >>> 16)) >>> 0;
      };
      [this.a, this.b, this.c, this.d] = [next(), next(), next(), next()];
      // The first outputs of a freshly seeded sfc32 are poorly mixed; discard them as its author recommends.
      for (let i = 0; i < 15; i++) this.nextUint32();
    } else {
      [this.a, this.b, this.c, this.d] = seedOrState.map((v) => v >>> 0) as RandomState;
    }
  }

  getState(): RandomState {
    return [this.a, this.b, this.c, this.d];
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [low, high). */
  range(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Uniform integer in [low, high] (both inclusive). */
  intInclusive(low: number, high: number): number {
    return low + this.int(high - low + 1);
  }

  chance(probability: number): boolean {
    return this.uniform() < probability;
  }

  /** Adds N(0, sd²) noise to data[offset .. offset+length), two values per Box–Muller draw. */
  addGaussianNoise(data: Float32Array, offset: number, length: number, sd: number): void {
    const end = offset + length;
    for (let i = offset; i < end; i += 2) {
      // 1 - u keeps the logarithm's argument in (0, 1].
      const radius = sd * Math.sqrt(-2 * Math.log(1 - this.uniform()));
      const angle = 2 * Math.PI * this.uniform();
      data[i] += radius * Math.cos(angle);
      if (i + 1 < end) data[i + 1] += radius * Math.sin(angle);
    }
  }
}
