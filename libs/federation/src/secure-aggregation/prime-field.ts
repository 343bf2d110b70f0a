/**
 * Arithmetic in GF(p) for p = 2^521 − 1, the Mersenne prime M521: one field element holds a whole 256-bit secret
 * (an X25519 private key or a self-mask seed), so each secret is one Shamir polynomial and one 66-byte share per
 * recipient. Shamir sharing needs only addition, multiplication and inversion, all on BigInt; the sizes involved
 * (tens to hundreds of sites) make this far from any hot path.
 */
import { randomBytes } from 'node:crypto';
import { SecureAggregationError } from './secure-aggregation.errors';

export const FIELD_PRIME = (1n << 521n) - 1n;
/** Bytes of one field element, big-endian: ceil(521 / 8). */
export const FIELD_BYTES = 66;

export function fieldMod(a: bigint): bigint {
  const r = a % FIELD_PRIME;
  return r < 0n ? r + FIELD_PRIME : r;
}

export function fieldMul(a: bigint, b: bigint): bigint {
  return (a * b) % FIELD_PRIME;
}

/** a^(p−2) = a^−1 (Fermat); a must be non-zero. */
export function fieldInverse(a: bigint): bigint {
  const value = fieldMod(a);
  if (value === 0n) throw new SecureAggregationError('BAD_PARAMETERS', 'field inverse of zero');
  let result = 1n;
  let base = value;
  let exponent = FIELD_PRIME - 2n;
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % FIELD_PRIME;
    base = (base * base) % FIELD_PRIME;
    exponent >>= 1n;
  }
  return result;
}

/** A uniform element of GF(p) from the operating system's CSPRNG (rejection sampling on 521-bit draws). */
export function randomFieldElement(): bigint {
  for (;;) {
    const bytes = randomBytes(FIELD_BYTES);
    bytes[0] &= 0x01; // keep 521 bits
    const value = bytesToBigInt(bytes);
    if (value < FIELD_PRIME) return value;
  }
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** Big-endian, left-padded to `length` bytes; throws if the value does not fit. */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  if (value < 0n || value >= 1n << BigInt(8 * length)) {
    throw new SecureAggregationError('ENCODING_RANGE', `value does not fit in ${length} bytes`);
  }
  const out = new Uint8Array(length);
  let rest = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}
