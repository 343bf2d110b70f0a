/**
 * One site's side of a secure-aggregation round. It holds the round's private keys and the shares it was sent,
 * in memory only: a site that restarts mid-round has lost them and is, for this round, a dropout (the others'
 * shares recover what it sent). Its one duty beyond masking is `answerUnmask`, which refuses any request that
 * could reveal both secrets of one site.
 */
import { randomBytes } from 'node:crypto';
import { applyMask } from './mask-stream';
import { generateX25519KeyPair, X25519_KEY_BYTES, type X25519KeyPair } from './key-agreement';
import { pairMaskSeed, selfMaskKey } from './mask-seeds';
import { assertSafeThreshold, neighbourGraph } from './neighbour-graph';
import { FIELD_BYTES } from './prime-field';
import {
  canonicalRoster,
  fromBase64,
  type KeyAdvertisement,
  pairSign,
  type RevealedShare,
  type SealedShare,
  type SecAggParameters,
  sha256Hex,
  toBase64,
  type UnmaskRequest,
  type UnmaskResponse,
} from './secagg-messages';
import { SecureAggregationError } from './secure-aggregation.errors';
import { openFromPeer, sealForPeer } from './share-envelope';
import { splitSecret } from './shamir';

const SEED_BYTES = 32;
const PLAINTEXT_BYTES = 4 + 2 * FIELD_BYTES;

interface HeldShare {
  x: number;
  selfMask: Uint8Array;
  maskKey: Uint8Array;
}

interface RosterView {
  keys: Map<string, KeyAdvertisement>;
  pointOf: Map<string, number>;
  neighbours: Set<string>;
}

export class SecureAggregationSite {
  private readonly encryption: X25519KeyPair = generateX25519KeyPair();
  private readonly mask: X25519KeyPair = generateX25519KeyPair();
  private readonly selfMaskSeed = new Uint8Array(randomBytes(SEED_BYTES));
  private roster: RosterView | null = null;
  /** Shares this site holds, by owner (its own share of its own secrets included). */
  private readonly held = new Map<string, HeldShare>();
  private sharesReceived = false;
  private masked = false;
  private answered: { survivors: Set<string>; dropped: Set<string> } | null = null;

  constructor(
    readonly siteId: string,
    readonly params: SecAggParameters,
  ) {
    if (!Number.isInteger(params.length) || params.length < 1) {
      throw new SecureAggregationError(
        'BAD_PARAMETERS',
        `masked vector length must be an integer ≥ 1, got ${params.length}`,
      );
    }
  }

  /** Step 1: the public keys and the self-mask commitment, for the coordinator to relay to every site. */
  advertise(): KeyAdvertisement {
    return {
      siteId: this.siteId,
      encryptionKey: toBase64(this.encryption.publicKey),
      maskKey: toBase64(this.mask.publicKey),
      selfMaskCommitment: sha256Hex(this.selfMaskSeed),
    };
  }

  /** Step 2: given every advertising site (U1), the sealed shares for each neighbour. */
  shareKeys(roster: readonly KeyAdvertisement[]): SealedShare[] {
    if (this.roster)
      throw new SecureAggregationError('BAD_MESSAGE', `${this.siteId} already shared its keys this round`);
    const view = this.checkRoster(roster);
    this.roster = view;
    const holders = [this.siteId, ...view.neighbours];
    const xs = holders.map((id) => view.pointOf.get(id) as number);
    const selfMaskShares = splitSecret(this.selfMaskSeed, this.params.threshold, xs);
    const maskKeyShares = splitSecret(this.mask.privateKey, this.params.threshold, xs);
    const sealed: SealedShare[] = [];
    holders.forEach((holder, i) => {
      const share = { x: xs[i], selfMask: selfMaskShares[i].y, maskKey: maskKeyShares[i].y };
      if (holder === this.siteId) {
        this.held.set(this.siteId, share);
        return;
      }
      const peer = fromBase64(
        (view.keys.get(holder) as KeyAdvertisement).encryptionKey,
        'encryption key',
        X25519_KEY_BYTES,
      );
      const address = { roundId: this.params.roundId, from: this.siteId, to: holder };
      sealed.push({
        from: this.siteId,
        to: holder,
        envelope: toBase64(sealForPeer(packShare(share), this.encryption.privateKey, peer, address)),
      });
    });
    return sealed;
  }

  /** The shares the coordinator relayed to this site (those of the neighbours that completed step 2: U2). */
  receiveShares(shares: readonly SealedShare[]): void {
    const view = this.requireRoster();
    if (this.sharesReceived)
      throw new SecureAggregationError('BAD_MESSAGE', `${this.siteId} already received its shares`);
    const ownPoint = view.pointOf.get(this.siteId) as number;
    for (const sealed of shares) {
      if (sealed.to !== this.siteId) {
        throw new SecureAggregationError('BAD_MESSAGE', `share for ${sealed.to} was delivered to ${this.siteId}`);
      }
      if (!view.neighbours.has(sealed.from)) {
        throw new SecureAggregationError(
          'BAD_MESSAGE',
          `share from ${sealed.from}, who is not a neighbour of ${this.siteId}`,
        );
      }
      if (this.held.has(sealed.from)) {
        throw new SecureAggregationError('BAD_MESSAGE', `two shares from ${sealed.from}`);
      }
      const peer = fromBase64(
        (view.keys.get(sealed.from) as KeyAdvertisement).encryptionKey,
        'encryption key',
        X25519_KEY_BYTES,
      );
      const address = { roundId: this.params.roundId, from: sealed.from, to: this.siteId };
      const share = unpackShare(
        openFromPeer(fromBase64(sealed.envelope, 'share envelope'), this.encryption.privateKey, peer, address),
      );
      if (share.x !== ownPoint) {
        throw new SecureAggregationError(
          'BAD_SHARE',
          `share from ${sealed.from} is for point ${share.x}, this site holds ${ownPoint}`,
        );
      }
      this.held.set(sealed.from, share);
    }
    if (this.held.size < this.params.threshold) {
      throw new SecureAggregationError(
        'BELOW_THRESHOLD',
        `only ${this.held.size} sites of ${this.siteId}'s neighbourhood shared keys, fewer than the threshold ` +
          `${this.params.threshold}: this site will not send a masked input`,
      );
    }
    this.sharesReceived = true;
  }

  /** Step 3: the encoded input plus the self-mask plus one pairwise mask per neighbour that shared keys. */
  maskInput(encoded: Uint32Array): Uint32Array {
    const view = this.requireRoster();
    if (!this.sharesReceived) throw new SecureAggregationError('BAD_MESSAGE', `${this.siteId} has no shares yet`);
    if (encoded.length !== this.params.length) {
      throw new SecureAggregationError(
        'BAD_MESSAGE',
        `input has ${encoded.length} words, the round masks ${this.params.length}`,
      );
    }
    const masked = encoded.slice();
    applyMask(masked, selfMaskKey(this.selfMaskSeed, this.params.roundId, this.siteId), 1);
    for (const peer of this.held.keys()) {
      if (peer === this.siteId) continue;
      const peerKey = fromBase64((view.keys.get(peer) as KeyAdvertisement).maskKey, 'mask key', X25519_KEY_BYTES);
      const seed = pairMaskSeed(this.mask.privateKey, peerKey, this.params.roundId, this.siteId, peer);
      applyMask(masked, seed, pairSign(this.siteId, peer));
    }
    this.masked = true;
    return masked;
  }

  /**
   * Step 4. An honest site answers only a request that names each peer it holds shares of as exactly one of
   * survivor or dropped, counts itself a survivor, has at least t survivors in its neighbourhood, and agrees with
   * any request it already answered this round. Anything else could reveal both secrets of one site and unmask its
   * update, so it is refused.
   */
  answerUnmask(request: UnmaskRequest): UnmaskResponse {
    if (!this.masked) {
      throw new SecureAggregationError(
        'UNSAFE_UNMASK_REQUEST',
        `${this.siteId} sent no masked input this round and reveals nothing`,
      );
    }
    const survivors = new Set(request.survivors);
    const dropped = new Set(request.dropped);
    for (const id of survivors) {
      if (dropped.has(id)) {
        throw new SecureAggregationError(
          'UNSAFE_UNMASK_REQUEST',
          `site ${id} is named both survivor and dropped: revealing both its shares would unmask its update`,
        );
      }
    }
    if (!survivors.has(this.siteId)) {
      throw new SecureAggregationError(
        'UNSAFE_UNMASK_REQUEST',
        `${this.siteId} sent its masked input but is not named a survivor`,
      );
    }
    for (const owner of this.held.keys()) {
      if (!survivors.has(owner) && !dropped.has(owner)) {
        throw new SecureAggregationError(
          'UNSAFE_UNMASK_REQUEST',
          `the request does not say whether ${owner} survived or dropped`,
        );
      }
    }
    const heldSurvivors = [...this.held.keys()].filter((owner) => survivors.has(owner));
    if (heldSurvivors.length < this.params.threshold) {
      throw new SecureAggregationError(
        'BELOW_THRESHOLD',
        `only ${heldSurvivors.length} survivors in ${this.siteId}'s neighbourhood, fewer than the threshold ${this.params.threshold}: nothing is unmasked`,
      );
    }
    if (this.answered) {
      for (const owner of this.held.keys()) {
        if (this.answered.survivors.has(owner) !== survivors.has(owner)) {
          throw new SecureAggregationError(
            'UNSAFE_UNMASK_REQUEST',
            `asked again with ${owner} as ${survivors.has(owner) ? 'survivor' : 'dropped'} after it was answered as ` +
              `${this.answered.survivors.has(owner) ? 'survivor' : 'dropped'}: that would reveal both of its secrets`,
          );
        }
      }
    } else {
      this.answered = { survivors, dropped };
    }
    const selfMaskShares: RevealedShare[] = [];
    const maskKeyShares: RevealedShare[] = [];
    for (const [owner, share] of this.held) {
      const target = survivors.has(owner) ? selfMaskShares : maskKeyShares;
      target.push({ owner, x: share.x, y: toBase64(survivors.has(owner) ? share.selfMask : share.maskKey) });
    }
    return { from: this.siteId, selfMaskShares, maskKeyShares };
  }

  private checkRoster(roster: readonly KeyAdvertisement[]): RosterView {
    const { sites, pointOf } = canonicalRoster(roster);
    const keys = new Map(sites.map((site) => [site.siteId, site]));
    const own = keys.get(this.siteId);
    const mine = this.advertise();
    if (
      !own ||
      own.encryptionKey !== mine.encryptionKey ||
      own.maskKey !== mine.maskKey ||
      own.selfMaskCommitment !== mine.selfMaskCommitment
    ) {
      throw new SecureAggregationError('BAD_MESSAGE', `the roster does not carry ${this.siteId}'s own advertised keys`);
    }
    for (const site of sites) {
      fromBase64(site.encryptionKey, `${site.siteId}'s encryption key`, X25519_KEY_BYTES);
      fromBase64(site.maskKey, `${site.siteId}'s mask key`, X25519_KEY_BYTES);
      if (site.encryptionKey === site.maskKey) {
        throw new SecureAggregationError('BAD_MESSAGE', `${site.siteId} advertised one key for both purposes`);
      }
    }
    const neighbours = neighbourGraph([...keys.keys()], this.params.degree, this.params.roundId).get(
      this.siteId,
    ) as Set<string>;
    assertSafeThreshold(this.params.threshold, neighbours.size + 1);
    if (neighbours.size + 1 < this.params.threshold) {
      throw new SecureAggregationError(
        'BELOW_THRESHOLD',
        `${this.siteId}'s neighbourhood has ${neighbours.size + 1} sites, fewer than the threshold ${this.params.threshold}`,
      );
    }
    return { keys, pointOf, neighbours };
  }

  private requireRoster(): RosterView {
    if (!this.roster) throw new SecureAggregationError('BAD_MESSAGE', `${this.siteId} has not seen the roster yet`);
    return this.roster;
  }
}

function packShare(share: HeldShare): Uint8Array {
  const out = new Uint8Array(PLAINTEXT_BYTES);
  new DataView(out.buffer).setUint32(0, share.x);
  out.set(share.selfMask, 4);
  out.set(share.maskKey, 4 + FIELD_BYTES);
  return out;
}

function unpackShare(bytes: Uint8Array): HeldShare {
  if (bytes.length !== PLAINTEXT_BYTES) {
    throw new SecureAggregationError(
      'BAD_SHARE',
      `share plaintext is ${bytes.length} bytes, expected ${PLAINTEXT_BYTES}`,
    );
  }
  return {
    x: new DataView(bytes.buffer, bytes.byteOffset).getUint32(0),
    selfMask: bytes.slice(4, 4 + FIELD_BYTES),
    maskKey: bytes.slice(4 + FIELD_BYTES),
  };
}
