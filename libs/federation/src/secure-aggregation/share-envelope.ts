/**
 * Shares travel through the coordinator, so each is sealed for its one recipient: AES-256-GCM under a key that
 * only the two sites can derive (HKDF of their X25519 agreement on the round's encryption keys). The round and
 * both site ids are the associated data, so an envelope replayed into another round or redirected to another
 * site fails to open instead of being accepted.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { hkdf, x25519SharedSecret } from './key-agreement';
import { SecureAggregationError } from './secure-aggregation.errors';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface EnvelopeAddress {
  roundId: string;
  from: string;
  to: string;
}

export function sealForPeer(
  plaintext: Uint8Array,
  ownEncryptionPrivateKey: Uint8Array,
  peerEncryptionPublicKey: Uint8Array,
  address: EnvelopeAddress,
): Uint8Array {
  const key = envelopeKey(ownEncryptionPrivateKey, peerEncryptionPublicKey, address);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(associatedData(address));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return new Uint8Array(Buffer.concat([nonce, body, cipher.getAuthTag()]));
}

export function openFromPeer(
  envelope: Uint8Array,
  ownEncryptionPrivateKey: Uint8Array,
  peerEncryptionPublicKey: Uint8Array,
  address: EnvelopeAddress,
): Uint8Array {
  if (envelope.length < NONCE_BYTES + TAG_BYTES) {
    throw new SecureAggregationError(
      'BAD_SHARE',
      `share envelope from ${address.from} is ${envelope.length} bytes: too short`,
    );
  }
  const key = envelopeKey(ownEncryptionPrivateKey, peerEncryptionPublicKey, address);
  const decipher = createDecipheriv('aes-256-gcm', key, envelope.subarray(0, NONCE_BYTES));
  decipher.setAAD(associatedData(address));
  decipher.setAuthTag(envelope.subarray(envelope.length - TAG_BYTES));
  try {
    const body = envelope.subarray(NONCE_BYTES, envelope.length - TAG_BYTES);
    return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
  } catch {
    throw new SecureAggregationError(
      'BAD_SHARE',
      `share envelope from ${address.from} to ${address.to} in round ${address.roundId} does not authenticate ` +
        '(tampered, misaddressed or from another round)',
    );
  }
}

function envelopeKey(privateKey: Uint8Array, peerPublicKey: Uint8Array, address: EnvelopeAddress): Uint8Array {
  // Both directions of a pair derive the same key; the AAD keeps the direction.
  const [a, b] = [address.from, address.to].sort();
  return hkdf(x25519SharedSecret(privateKey, peerPublicKey), address.roundId, `fedstroke/secagg/envelope/${a}/${b}`);
}

function associatedData(address: EnvelopeAddress): Buffer {
  return Buffer.from(JSON.stringify([address.roundId, address.from, address.to]), 'utf8');
}
