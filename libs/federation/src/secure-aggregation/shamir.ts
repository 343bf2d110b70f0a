/**
 * t-of-n Shamir secret sharing (Shamir, "How to share a secret", CACM 1979) over GF(2^521 − 1): the secret is the
 * constant term of a random polynomial of degree t − 1, each holder gets its value at its own non-zero x, and any
 * t shares give the secret back by Lagrange interpolation at 0, while t − 1 shares say nothing about it.
 */
import {
  bigIntToBytes,
  bytesToBigInt,
  FIELD_BYTES,
  FIELD_PRIME,
  fieldInverse,
  fieldMod,
  fieldMul,
  randomFieldElement,
} from './prime-field';
import { SecureAggregationError } from './secure-aggregation.errors';

export interface Share {
  /** The holder's evaluation point, an integer ≥ 1. */
  x: number;
  /** The polynomial's value there, FIELD_BYTES bytes big-endian. */
  y: Uint8Array;
}

/** Secrets up to 64 bytes fit below the prime with room to spare. */
const MAX_SECRET_BYTES = 64;

export function splitSecret(secret: Uint8Array, threshold: number, xs: readonly number[]): Share[] {
  if (secret.length === 0 || secret.length > MAX_SECRET_BYTES) {
    throw new SecureAggregationError(
      'BAD_PARAMETERS',
      `secret must be 1–${MAX_SECRET_BYTES} bytes, got ${secret.length}`,
    );
  }
  assertPoints(xs);
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > xs.length) {
    throw new SecureAggregationError(
      'BAD_PARAMETERS',
      `threshold must be an integer in [1, ${xs.length}] (the number of holders), got ${threshold}`,
    );
  }
  const coefficients = [bytesToBigInt(secret)];
  for (let i = 1; i < threshold; i++) coefficients.push(randomFieldElement());
  return xs.map((x) => ({ x, y: bigIntToBytes(evaluate(coefficients, BigInt(x)), FIELD_BYTES) }));
}

/**
 * The secret from at least `threshold` shares (the first `threshold` by x are used). `secretLength` is the byte
 * length it was split with; a reconstruction that does not fit it means the shares are inconsistent.
 */
export function combineShares(shares: readonly Share[], threshold: number, secretLength: number): Uint8Array {
  if (shares.length < threshold) {
    throw new SecureAggregationError(
      'BELOW_THRESHOLD',
      `${shares.length} shares cannot reconstruct a secret shared with threshold ${threshold}`,
    );
  }
  const used = [...shares].sort((a, b) => a.x - b.x).slice(0, threshold);
  assertPoints(used.map((s) => s.x));
  const xs = used.map((s) => BigInt(s.x));
  let secret = 0n;
  for (let i = 0; i < used.length; i++) {
    if (used[i].y.length !== FIELD_BYTES) {
      throw new SecureAggregationError(
        'BAD_MESSAGE',
        `share at x=${used[i].x} has ${used[i].y.length} bytes, expected ${FIELD_BYTES}`,
      );
    }
    const yi = bytesToBigInt(used[i].y);
    if (yi >= FIELD_PRIME)
      throw new SecureAggregationError('BAD_MESSAGE', `share at x=${used[i].x} is not a field element`);
    // Lagrange basis at 0: Π_{j≠i} x_j / (x_j − x_i).
    let numerator = 1n;
    let denominator = 1n;
    for (let j = 0; j < used.length; j++) {
      if (j === i) continue;
      numerator = fieldMul(numerator, xs[j]);
      denominator = fieldMul(denominator, fieldMod(xs[j] - xs[i]));
    }
    secret = fieldMod(secret + fieldMul(yi, fieldMul(numerator, fieldInverse(denominator))));
  }
  try {
    return bigIntToBytes(secret, secretLength);
  } catch {
    throw new SecureAggregationError(
      'RECONSTRUCTION_FAILED',
      `the shares at x=${used.map((s) => s.x).join(',')} do not reconstruct a ${secretLength}-byte secret (inconsistent shares)`,
    );
  }
}

function evaluate(coefficients: readonly bigint[], x: bigint): bigint {
  let value = 0n;
  for (let i = coefficients.length - 1; i >= 0; i--) value = fieldMod(value * x + coefficients[i]);
  return value;
}

function assertPoints(xs: readonly number[]): void {
  const seen = new Set<number>();
  for (const x of xs) {
    if (!Number.isSafeInteger(x) || x < 1) {
      throw new SecureAggregationError('BAD_PARAMETERS', `share points must be integers ≥ 1, got ${x}`);
    }
    if (seen.has(x)) throw new SecureAggregationError('BAD_PARAMETERS', `share point ${x} appears twice`);
    seen.add(x);
  }
}
