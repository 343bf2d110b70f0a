/**
 * The coordinator's side of a secure-aggregation round, as pure functions over the messages it relayed and
 * stored: what to ask the survivors, and the sum once enough of them answered. The coordinator learns the sum of
 * the survivors' inputs and nothing else: each survivor's self-mask is removed only as part of the sum, and a
 * dropped site's mask key is reconstructed only when that site sent no masked input.
 */
import { addInto, applyMask } from './mask-stream';
import { X25519_KEY_BYTES, x25519PublicKeyOf } from './key-agreement';
import { pairMaskSeed, selfMaskKey } from './mask-seeds';
import { neighbourGraph } from './neighbour-graph';
import { FIELD_BYTES } from './prime-field';
import {
  canonicalRoster,
  fromBase64,
  type KeyAdvertisement,
  pairSign,
  type SecAggParameters,
  sha256Hex,
  toBase64,
  type UnmaskRequest,
  type UnmaskResponse,
} from './secagg-messages';
import { SecureAggregationError } from './secure-aggregation.errors';
import { combineShares, type Share } from './shamir';

export interface RoundTranscript {
  params: SecAggParameters;
  /** U1: every site that advertised keys. */
  roster: readonly KeyAdvertisement[];
  /** U2: the sites whose sealed shares were relayed (the others are out of the round). */
  sharedKeys: readonly string[];
  /** U3: the sites whose masked input was received; their inputs are summed. */
  survivors: readonly string[];
}

/** Refuses, before anything is asked of anyone, a round whose survivors are fewer than the threshold. */
export function assertEnoughSurvivors(params: SecAggParameters, survivors: readonly string[]): void {
  if (survivors.length < params.threshold) {
    throw new SecureAggregationError(
      'BELOW_THRESHOLD',
      `round ${params.roundId}: ${survivors.length} sites sent a masked input, fewer than the threshold ` +
        `${params.threshold}; the round fails and nothing is unmasked`,
    );
  }
}

/** The one request every survivor is asked (the same for all: the honesty check compares them). */
export function unmaskRequest(transcript: RoundTranscript): UnmaskRequest {
  assertEnoughSurvivors(transcript.params, transcript.survivors);
  const survivors = new Set(transcript.survivors);
  for (const id of survivors) {
    if (!transcript.sharedKeys.includes(id)) {
      throw new SecureAggregationError('BAD_MESSAGE', `survivor ${id} never shared its keys this round`);
    }
  }
  return {
    survivors: [...survivors].sort(),
    dropped: transcript.sharedKeys.filter((id) => !survivors.has(id)).sort(),
  };
}

/** Σ of the masked inputs mod 2^32 (streamable: call addInto as each arrives). */
export function sumMaskedInputs(inputs: readonly Uint32Array[], length: number): Uint32Array {
  const sum = new Uint32Array(length);
  for (const input of inputs) addInto(sum, input);
  return sum;
}

/**
 * Removes every mask left in the survivors' summed inputs, in place, and returns the sum: the survivors'
 * self-masks from their reconstructed seeds, and the masks survivors shared with sites that dropped after
 * sharing keys, from the dropped sites' reconstructed mask keys. Needs `threshold` answers per secret; every
 * reconstruction is checked against what its owner advertised (the seed's commitment, the key's public half).
 */
export function unmaskSum(
  transcript: RoundTranscript,
  maskedSum: Uint32Array,
  responses: readonly UnmaskResponse[],
): Uint32Array {
  const { params } = transcript;
  const request = unmaskRequest(transcript);
  if (maskedSum.length !== params.length) {
    throw new SecureAggregationError(
      'BAD_MESSAGE',
      `masked sum has ${maskedSum.length} words, the round masks ${params.length}`,
    );
  }
  const { sites, pointOf } = canonicalRoster(transcript.roster);
  const keys = new Map(sites.map((site) => [site.siteId, site]));
  const graph = neighbourGraph([...keys.keys()], params.degree, params.roundId);
  const survivors = new Set(request.survivors);
  const shares = collectShares(responses, survivors, pointOf, graph);
  for (const owner of request.survivors) {
    const seed = combineShares(shares.selfMask.get(owner) ?? [], params.threshold, 32);
    const site = keys.get(owner) as KeyAdvertisement;
    if (sha256Hex(seed) !== site.selfMaskCommitment) {
      throw new SecureAggregationError(
        'RECONSTRUCTION_FAILED',
        `the self-mask seed rebuilt for ${owner} does not match its commitment`,
      );
    }
    applyMask(maskedSum, selfMaskKey(seed, params.roundId, owner), -1);
  }
  for (const owner of request.dropped) {
    const privateKey = combineShares(shares.maskKey.get(owner) ?? [], params.threshold, X25519_KEY_BYTES);
    const site = keys.get(owner) as KeyAdvertisement;
    if (toBase64(x25519PublicKeyOf(privateKey)) !== site.maskKey) {
      throw new SecureAggregationError(
        'RECONSTRUCTION_FAILED',
        `the mask key rebuilt for ${owner} does not match its public key`,
      );
    }
    for (const peer of graph.get(owner) ?? []) {
      if (!survivors.has(peer)) continue;
      const peerKey = fromBase64((keys.get(peer) as KeyAdvertisement).maskKey, 'mask key', X25519_KEY_BYTES);
      // The survivor applied pairSign(peer, owner) · PRG(s); take exactly that back out.
      applyMask(
        maskedSum,
        pairMaskSeed(privateKey, peerKey, params.roundId, owner, peer),
        pairSign(peer, owner) === 1 ? -1 : 1,
      );
    }
  }
  return maskedSum;
}

function collectShares(
  responses: readonly UnmaskResponse[],
  survivors: Set<string>,
  pointOf: Map<string, number>,
  graph: Map<string, Set<string>>,
): { selfMask: Map<string, Share[]>; maskKey: Map<string, Share[]> } {
  const selfMask = new Map<string, Share[]>();
  const maskKey = new Map<string, Share[]>();
  const answered = new Set<string>();
  for (const response of responses) {
    if (!survivors.has(response.from)) {
      throw new SecureAggregationError('BAD_MESSAGE', `unmask answer from ${response.from}, who is not a survivor`);
    }
    if (answered.has(response.from)) continue;
    answered.add(response.from);
    const point = pointOf.get(response.from) as number;
    const revealed = new Set<string>();
    for (const [kind, list, target] of [
      ['self-mask', response.selfMaskShares, selfMask],
      ['mask-key', response.maskKeyShares, maskKey],
    ] as const) {
      for (const share of list) {
        const holds = share.owner === response.from || graph.get(share.owner)?.has(response.from);
        if (!holds || share.x !== point) {
          throw new SecureAggregationError(
            'BAD_MESSAGE',
            `${response.from} sent a ${kind} share of ${share.owner} it cannot hold`,
          );
        }
        if (revealed.has(share.owner)) {
          throw new SecureAggregationError('BAD_MESSAGE', `${response.from} revealed two shares of ${share.owner}`);
        }
        revealed.add(share.owner);
        const y = fromBase64(share.y, `${kind} share`, FIELD_BYTES);
        target.set(share.owner, [...(target.get(share.owner) ?? []), { x: share.x, y }]);
      }
    }
  }
  return { selfMask, maskKey };
}
