/**
 * What sites and coordinator exchange in one secure-aggregation round, as plain JSON (base64 bytes), so the
 * coordinator can store every message and resume after a restart. The coordinator relays all of them and can
 * open none: it never holds a private key or an unsealed share.
 *
 * Rounds run in four steps (Bonawitz et al. 2017, §4): 1. each site advertises two X25519 public keys (one to seal
 * shares, one to agree masks) and a commitment to its self-mask seed; 2. each site Shamir-shares its self-mask
 * seed and its mask private key among its neighbourhood, sealed per recipient; 3. each site uploads its input
 * masked by its self-mask and one pairwise mask per neighbour that shared keys; 4. each surviving site reveals,
 * per peer, the self-mask share of a survivor or the mask-key share of a dropped site, never both.
 */
import { createHash } from 'node:crypto';
import { SecureAggregationError } from './secure-aggregation.errors';

export interface SecAggParameters {
  roundId: string;
  /** t: shares needed to reconstruct a secret; also the fewest survivors a round may unmask. */
  threshold: number;
  /** SecAgg+ neighbour count k (even); null: every site pairs with every other (SecAgg). */
  degree: number | null;
  /** Words of the masked vector. */
  length: number;
}

export interface KeyAdvertisement {
  siteId: string;
  /** X25519 public key (base64) that share envelopes are sealed with. */
  encryptionKey: string;
  /** X25519 public key (base64) that pairwise masks are agreed with. */
  maskKey: string;
  /** sha256 (hex) of the self-mask seed, checked when the coordinator reconstructs the seed. */
  selfMaskCommitment: string;
}

export interface SealedShare {
  from: string;
  to: string;
  /** AES-256-GCM envelope (base64) holding the holder's point and both shares of `from`'s secrets. */
  envelope: string;
}

/** Which sites the coordinator says survived (sent a masked input) and which dropped after sharing keys. */
export interface UnmaskRequest {
  survivors: string[];
  dropped: string[];
}

export interface RevealedShare {
  /** Whose secret this is a share of. */
  owner: string;
  x: number;
  /** base64 of the field element. */
  y: string;
}

export interface UnmaskResponse {
  from: string;
  /** Shares of survivors' self-mask seeds. */
  selfMaskShares: RevealedShare[];
  /** Shares of dropped sites' mask private keys. */
  maskKeyShares: RevealedShare[];
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function fromBase64(text: string, what: string, expectedBytes?: number): Uint8Array {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new SecureAggregationError('BAD_MESSAGE', `${what} is not base64`);
  }
  const bytes = new Uint8Array(Buffer.from(text, 'base64'));
  if (expectedBytes !== undefined && bytes.length !== expectedBytes) {
    throw new SecureAggregationError('BAD_MESSAGE', `${what} must be ${expectedBytes} bytes, got ${bytes.length}`);
  }
  return bytes;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The roster in its canonical order (by site id) with each site's share point x = position + 1. */
export function canonicalRoster(roster: readonly KeyAdvertisement[]): {
  sites: KeyAdvertisement[];
  pointOf: Map<string, number>;
} {
  const sites = [...roster].sort((a, b) => (a.siteId < b.siteId ? -1 : a.siteId > b.siteId ? 1 : 0));
  const pointOf = new Map<string, number>();
  sites.forEach((site, i) => {
    if (pointOf.has(site.siteId)) {
      throw new SecureAggregationError('BAD_MESSAGE', `site ${site.siteId} appears twice in the roster`);
    }
    pointOf.set(site.siteId, i + 1);
  });
  return { sites, pointOf };
}

/** +1 when a < b, −1 otherwise: site a adds the pair's mask, site b subtracts it, so the pair cancels in the sum. */
export function pairSign(a: string, b: string): 1 | -1 {
  return a < b ? 1 : -1;
}
