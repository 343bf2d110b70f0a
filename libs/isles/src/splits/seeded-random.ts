// Math's functions as module constants: hot loops then skip a global lookup per call, which is slow inside
// vm contexts (jest runs every test file in one) and free everywhere else.
const { floor, imul } = Math;

/**
 * mulberry32: a 32-bit seeded generator, small and fast, with a 2^32 period — plenty for shuffling case lists and
 * drawing synthetic anatomy. Not cryptographic. The same seed yields the same sequence on every platform because
 * it only uses 32-bit integer arithmetic (Math.imul, >>>).
 */
export function mulberry32(seed: number): () => number {
  // The state lives in a typed array: a uint32 above 2^30 in a closure variable would be boxed on every step.
  const state = new Uint32Array([seed >>> 0]);
  return () => {
    state[0] += 0x6d2b79f5;
    let t = state[0];
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes several integers (a seed and, e.g., a case index) into one 32-bit seed, so sub-streams do not overlap. */
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

/** Fisher–Yates shuffle of a copy, driven by `random` (uniform in [0, 1)). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = floor(random() * (i + 1));
    const tmp = out[i];
    out[i] = out[j];
    out[j] = tmp;
  }
  return out;
}
