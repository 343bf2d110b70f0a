/**
 * Site tokens: 32 random bytes, shown once at registration, stored only as their sha256. A leaked database does
 * not leak working tokens; comparisons of secrets go through fixed-length digests and timingSafeEqual.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const SITE_TOKEN_PREFIX = 'fst_site_';

export function generateSiteToken(): string {
  return SITE_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Constant-time equality of two secrets of any length (compares their digests). */
export function secretsEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right);
}

export function hashesEqual(hexA: string, hexB: string): boolean {
  const a = Buffer.from(hexA, 'hex');
  const b = Buffer.from(hexB, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
