/**
 * Gaussian noise for differential privacy, drawn from the operating system's CSPRNG. Never from a seeded
 * generator: whoever knows the seed can regenerate the noise and subtract it, which voids the guarantee. Box–Muller
 * on 53-bit uniforms; the floating-point sampler's own leakage (Mironov, CCS 2012, for the Laplace case) is not
 * addressed here, as in the DP-SGD implementations this follows.
 */
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError } from '@fedstroke/common';

const WORDS_PER_DRAW = 4096;

/** out[start..end) += N(0, std²), independently per coordinate. */
export function addSecureGaussianNoise(
  out: Float32Array | Float64Array,
  std: number,
  start = 0,
  end = out.length,
): void {
  if (!(Number.isFinite(std) && std >= 0)) {
    throw new InvalidArgumentError(`noise standard deviation must be finite and ≥ 0, got ${std}`);
  }
  if (std === 0) return;
  let words = new Uint32Array(0);
  let next = 0;
  const uniform = (): number => {
    if (next + 2 > words.length) {
      const bytes = randomBytes(WORDS_PER_DRAW * 4);
      words =
        bytes.byteOffset % 4 === 0
          ? new Uint32Array(bytes.buffer, bytes.byteOffset, WORDS_PER_DRAW)
          : new Uint32Array(new Uint8Array(bytes).buffer);
      next = 0;
    }
    const high = words[next++] >>> 5;
    const low = words[next++] >>> 6;
    return (high * 67108864 + low + 1) / 9007199254740992; // (0, 1]
  };
  for (let j = start; j < end; j += 2) {
    const radius = std * Math.sqrt(-2 * Math.log(uniform()));
    const angle = 2 * Math.PI * uniform();
    out[j] += radius * Math.cos(angle);
    if (j + 1 < end) out[j + 1] += radius * Math.sin(angle);
  }
}
