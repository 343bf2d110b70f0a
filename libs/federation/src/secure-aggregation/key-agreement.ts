/**
 * X25519 key agreement (RFC 7748) and HKDF-SHA256 (RFC 5869) from node:crypto, on raw 32-byte keys so they can
 * travel as base64 and be Shamir-shared. Every derived key is bound to the round and to the pair by HKDF's info,
 * so a key never serves two purposes, two pairs or two rounds.
 */
import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';
import { SecureAggregationError } from './secure-aggregation.errors';

export const X25519_KEY_BYTES = 32;

// DER prefixes of an X25519 private key (PKCS#8) and public key (SPKI); the raw 32 bytes follow (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export interface X25519KeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

export function generateX25519KeyPair(): X25519KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return { publicKey: rawPublic(publicKey), privateKey: rawPrivate(privateKey) };
}

/** The public key that belongs to a raw private key (checks a reconstructed key against the advertised one). */
export function x25519PublicKeyOf(privateKey: Uint8Array): Uint8Array {
  return rawPublic(createPublicKey(privateKeyObject(privateKey)));
}

/** The shared secret X25519(own private, peer public); refuses the all-zero output of a low-order peer key. */
export function x25519SharedSecret(privateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  const secret = new Uint8Array(
    diffieHellman({ privateKey: privateKeyObject(privateKey), publicKey: publicKeyObject(peerPublicKey) }),
  );
  if (secret.every((b) => b === 0)) {
    throw new SecureAggregationError('BAD_MESSAGE', 'peer public key is of low order (all-zero shared secret)');
  }
  return secret;
}

/** HKDF-SHA256 to `length` bytes; `info` names what the key is for. */
export function hkdf(secret: Uint8Array, salt: string, info: string, length = 32): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, Buffer.from(salt, 'utf8'), Buffer.from(info, 'utf8'), length));
}

function privateKeyObject(raw: Uint8Array): KeyObject {
  assertLength(raw, 'X25519 private key');
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  assertLength(raw, 'X25519 public key');
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

function rawPublic(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length));
}

function rawPrivate(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length));
}

function assertLength(raw: Uint8Array, what: string): void {
  if (raw.length !== X25519_KEY_BYTES) {
    throw new SecureAggregationError('BAD_MESSAGE', `${what} must be ${X25519_KEY_BYTES} bytes, got ${raw.length}`);
  }
}
