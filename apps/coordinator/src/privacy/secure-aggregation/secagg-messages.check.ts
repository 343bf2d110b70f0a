/**
 * What the coordinator checks of a relayed message before storing it: that it comes from the site it names, in
 * the step that takes it, addressed inside the round's roster, and of the sizes the protocol uses. It cannot check
 * more: the contents are sealed for the recipients.
 */
import { BadRequestException } from '@nestjs/common';
import {
  fromBase64,
  type KeyAdvertisement,
  type SealedShare,
  type UnmaskResponse,
  X25519_KEY_BYTES,
} from '@fedstroke/federation';

const MAX_ENVELOPE_BYTES = 512;
const MAX_SHARE_Y_BYTES = 66;

export function checkAdvertisement(keys: KeyAdvertisement, siteId: string): void {
  if (keys.siteId !== siteId)
    throw new BadRequestException(`keys name site ${keys.siteId}, but the caller is ${siteId}`);
  decode(keys.encryptionKey, 'encryptionKey', X25519_KEY_BYTES);
  decode(keys.maskKey, 'maskKey', X25519_KEY_BYTES);
  if (!/^[0-9a-f]{64}$/.test(keys.selfMaskCommitment)) {
    throw new BadRequestException('selfMaskCommitment must be 64 lowercase hex digits (sha256)');
  }
}

export function checkShares(shares: readonly SealedShare[], siteId: string, roster: ReadonlySet<string>): void {
  const seen = new Set<string>();
  for (const share of shares) {
    if (share.from !== siteId) throw new BadRequestException(`a share from ${share.from} sent by ${siteId}`);
    if (!roster.has(share.to) || share.to === siteId) {
      throw new BadRequestException(`a share for ${share.to}, who is not another site of the round's roster`);
    }
    if (seen.has(share.to)) throw new BadRequestException(`two shares for ${share.to}`);
    seen.add(share.to);
    if (decode(share.envelope, 'envelope').length > MAX_ENVELOPE_BYTES) {
      throw new BadRequestException(`the envelope for ${share.to} exceeds ${MAX_ENVELOPE_BYTES} bytes`);
    }
  }
}

export function checkUnmaskResponse(response: UnmaskResponse, siteId: string, roster: ReadonlySet<string>): void {
  if (response.from !== siteId)
    throw new BadRequestException(`an unmasking answer from ${response.from} sent by ${siteId}`);
  const owners = new Set<string>();
  for (const share of [...response.selfMaskShares, ...response.maskKeyShares]) {
    if (!roster.has(share.owner)) throw new BadRequestException(`a share of ${share.owner}, who is not in the roster`);
    if (owners.has(share.owner)) throw new BadRequestException(`two shares of ${share.owner} in one answer`);
    owners.add(share.owner);
    if (!Number.isSafeInteger(share.x) || share.x < 1)
      throw new BadRequestException(`share point ${share.x} is not an integer ≥ 1`);
    if (decode(share.y, 'share').length > MAX_SHARE_Y_BYTES) throw new BadRequestException('a share value is too long');
  }
}

function decode(text: string, what: string, bytes?: number): Uint8Array {
  try {
    return fromBase64(text, what, bytes);
  } catch (error) {
    throw new BadRequestException((error as Error).message);
  }
}
