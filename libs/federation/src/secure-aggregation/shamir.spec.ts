import { randomBytes } from 'node:crypto';
import { combineShares, splitSecret } from './shamir';
import { FIELD_BYTES, FIELD_PRIME, bigIntToBytes } from './prime-field';
import { generateX25519KeyPair, x25519PublicKeyOf, x25519SharedSecret } from './key-agreement';
import { applyMask, expandMask } from './mask-stream';
import { SecureAggregationError } from './secure-aggregation.errors';

describe('Shamir sharing over GF(2^521 − 1)', () => {
  const secret = new Uint8Array(randomBytes(32));

  it('gives the secret back from every subset of t shares, and refuses t − 1', () => {
    const shares = splitSecret(secret, 3, [1, 2, 3, 4, 5]);
    const subsets = [
      [0, 1, 2],
      [0, 2, 4],
      [1, 3, 4],
      [2, 3, 4],
      [4, 0, 3],
    ];
    for (const subset of subsets) {
      expect(
        combineShares(
          subset.map((i) => shares[i]),
          3,
          32,
        ),
      ).toEqual(secret);
    }
    expect(() => combineShares(shares.slice(0, 2), 3, 32)).toThrow(SecureAggregationError);
    expect(() => combineShares(shares.slice(0, 2), 3, 32)).toThrow(/2 shares cannot reconstruct .* threshold 3/);
  });

  it('draws fresh coefficients each time: two splittings of one secret share nothing but the secret', () => {
    const first = splitSecret(secret, 3, [1, 2, 3]);
    const second = splitSecret(secret, 3, [1, 2, 3]);
    for (let i = 0; i < 3; i++) expect(Buffer.from(first[i].y).equals(Buffer.from(second[i].y))).toBe(false);
    // Mixing shares of the two splittings is not a valid set of shares of the secret.
    expect(() => combineShares([first[0], second[1], first[2]], 3, 32)).toThrow(/do not reconstruct/);
  });

  it('a corrupted share does not silently give a wrong 32-byte secret most of the time', () => {
    const shares = splitSecret(secret, 2, [1, 2, 3]);
    const bad = { x: shares[1].x, y: shares[1].y.slice() };
    bad.y[10] ^= 0xff;
    // A corrupt share interpolates to an essentially random field element, which does not fit 32 bytes.
    expect(() => combineShares([shares[0], bad], 2, 32)).toThrow(/do not reconstruct a 32-byte secret/);
  });

  it('refuses bad parameters with the constraint named', () => {
    expect(() => splitSecret(secret, 0, [1, 2])).toThrow(/threshold must be an integer in \[1, 2\]/);
    expect(() => splitSecret(secret, 3, [1, 2])).toThrow(/threshold/);
    expect(() => splitSecret(secret, 2, [1, 1])).toThrow(/point 1 appears twice/);
    expect(() => splitSecret(secret, 2, [0, 1])).toThrow(/integers ≥ 1/);
    expect(() => combineShares([{ x: 1, y: bigIntToBytes(FIELD_PRIME, FIELD_BYTES) }], 1, 32)).toThrow(
      /not a field element/,
    );
  });
});

describe('X25519 agreement and AES-CTR masks', () => {
  it('both sides of a pair derive the same secret; a private key gives back its public key', () => {
    const a = generateX25519KeyPair();
    const b = generateX25519KeyPair();
    expect(x25519SharedSecret(a.privateKey, b.publicKey)).toEqual(x25519SharedSecret(b.privateKey, a.publicKey));
    expect(x25519PublicKeyOf(a.privateKey)).toEqual(a.publicKey);
  });

  it('refuses a low-order peer key (all-zero shared secret)', () => {
    const a = generateX25519KeyPair();
    expect(() => x25519SharedSecret(a.privateKey, new Uint8Array(32))).toThrow();
  });

  it('adding then subtracting a seed’s mask restores the vector exactly, across chunk boundaries', () => {
    const seed = new Uint8Array(randomBytes(32));
    const vector = Uint32Array.from({ length: 40_000 }, (_, i) => (i * 2654435761) >>> 0);
    const work = vector.slice();
    applyMask(work, seed, 1);
    expect(sameWords(work, vector)).toBe(false);
    applyMask(work, seed, -1);
    expect(sameWords(work, vector)).toBe(true);
    // The stream is the seed's, not the vector's: two expansions agree, two seeds differ.
    expect(expandMask(seed, 100)).toEqual(expandMask(seed, 100));
    expect(expandMask(seed, 100)).not.toEqual(expandMask(new Uint8Array(randomBytes(32)), 100));
  });
});

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
