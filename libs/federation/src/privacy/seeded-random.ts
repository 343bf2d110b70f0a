/**
 * A small seeded generator for the aggregation noise: xoshiro128** (Blackman & Vigna, "Scrambled linear
 * pseudorandom number generators", 2021) seeded through splitmix32, with Box–Muller normals.
 *
 * Seeded so that a round's noise is reproducible from the seed recorded on the round (audits, a coordinator that
 * re-runs an interrupted aggregation). This is not a cryptographically secure generator: deployments that need the
 * noise to be unpredictable to an adversary must supply a secret seed per federation and keep it secret.
 */
export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** Uniform on [0, 2^32). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform on the open interval (0, 1), so that log() below never sees 0. */
  nextOpenUniform(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** Standard normal; Box–Muller yields two per pair of uniforms, the second is kept for the next call. */
  nextGaussian(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const radius = Math.sqrt(-2 * Math.log(this.nextOpenUniform()));
    const angle = 2 * Math.PI * this.nextOpenUniform();
    this.spare = radius * Math.sin(angle);
    this.hasSpare = true;
    return radius * Math.cos(angle);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The per-round seed: distinct rounds of one federation never reuse a noise stream. */
export function roundNoiseSeed(federationSeed: number, roundIndex: number): number {
  let h = Math.imul((federationSeed >>> 0) ^ 0x27d4eb2d, 0x165667b1) ^ Math.imul(roundIndex + 1, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca77);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae3d);
  return (h ^ (h >>> 16)) >>> 0;
}
