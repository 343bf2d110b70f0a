import { createHash } from 'node:crypto';

const HEX64 = /^[0-9a-f]{64}$/;

/** sha256 of the bytes as 64 lower-case hex characters (the form every header and database field uses). */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function isSha256Hex(value: string): boolean {
  return HEX64.test(value);
}
