/**
 * Masks as pseudo-random uint32 vectors: a 32-byte seed is the AES-256 key of a counter-mode keystream
 * (node:crypto, AES-NI where the CPU has it), read as little-endian words. Every seed is used for exactly one
 * vector (seeds are HKDF outputs bound to round and pair), so the all-zero IV is safe. Masks are added into the
 * target in chunks: no vector of the model's size is allocated per pair.
 */
import { createCipheriv } from 'node:crypto';
import { SecureAggregationError } from './secure-aggregation.errors';

const CHUNK_WORDS = 16384;
const ZERO_IV = Buffer.alloc(16);
const ZEROS = Buffer.alloc(CHUNK_WORDS * 4);

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  // Uint32Array views are host-endian; the wire format is little-endian.
  throw new Error('secure aggregation needs a little-endian host');
}

/**
 * target ← target + sign · PRG(seed) (mod 2^32), over target[0..length).
 * `sign` +1 adds the mask, −1 subtracts it; adding and subtracting the same seed cancel exactly.
 */
export function applyMask(target: Uint32Array, seed: Uint8Array, sign: 1 | -1): void {
  if (seed.length !== 32)
    throw new SecureAggregationError('BAD_MESSAGE', `mask seed must be 32 bytes, got ${seed.length}`);
  const cipher = createCipheriv('aes-256-ctr', seed, ZERO_IV);
  for (let start = 0; start < target.length; start += CHUNK_WORDS) {
    const words = Math.min(CHUNK_WORDS, target.length - start);
    const mask = wordsOf(cipher.update(ZEROS.subarray(0, words * 4)), words);
    if (sign === 1) {
      for (let i = 0; i < words; i++) target[start + i] = (target[start + i] + mask[i]) >>> 0;
    } else {
      for (let i = 0; i < words; i++) target[start + i] = (target[start + i] - mask[i]) >>> 0;
    }
  }
}

/** The bytes as uint32 words, copied only when the buffer is not 4-byte aligned. */
function wordsOf(bytes: Buffer, words: number): Uint32Array {
  if (bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, words);
  return new Uint32Array(new Uint8Array(bytes).buffer, 0, words);
}

/** One fresh mask vector (tests and benchmarks; the protocol applies masks in place). */
export function expandMask(seed: Uint8Array, length: number): Uint32Array {
  const out = new Uint32Array(length);
  applyMask(out, seed, 1);
  return out;
}

/** sum ← sum + input (mod 2^32): how the coordinator accumulates masked inputs. */
export function addInto(sum: Uint32Array, input: Uint32Array): void {
  if (sum.length !== input.length) {
    throw new SecureAggregationError('BAD_MESSAGE', `masked input has ${input.length} words, expected ${sum.length}`);
  }
  for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] + input[i]) >>> 0;
}
