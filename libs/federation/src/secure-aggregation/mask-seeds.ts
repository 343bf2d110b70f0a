/** The two kinds of mask seed, derived the same way by the site that masks and the coordinator that unmasks. */
import { hkdf, x25519SharedSecret } from './key-agreement';

/** s_uv = HKDF(X25519(mask key of one, public mask key of the other)), the same from either side. */
export function pairMaskSeed(
  ownMaskPrivateKey: Uint8Array,
  peerMaskPublicKey: Uint8Array,
  roundId: string,
  a: string,
  b: string,
): Uint8Array {
  const [low, high] = a < b ? [a, b] : [b, a];
  return hkdf(
    x25519SharedSecret(ownMaskPrivateKey, peerMaskPublicKey),
    roundId,
    `fedstroke/secagg/pair-mask/${low}/${high}`,
  );
}

/** The AES key of a site's self-mask, from its secret seed b_u. */
export function selfMaskKey(seed: Uint8Array, roundId: string, siteId: string): Uint8Array {
  return hkdf(seed, roundId, `fedstroke/secagg/self-mask/${siteId}`);
}
