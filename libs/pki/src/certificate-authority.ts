/**
 * A small certificate authority for one federation, with @peculiar/x509 on Node's WebCrypto: ECDSA P-256 keys,
 * SHA-256 signatures. The CA signs one server certificate for the coordinator (its host names and addresses)
 * and one client certificate per site (clientAuth only, naming the site: site-identity.ts), and the revocation
 * list the coordinator checks on every site request.
 */
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';
import { assertSiteName, normaliseSerial, SITE_ID_URI_PREFIX, SITE_NAME_URI_PREFIX } from './site-identity';
import { PkiError } from './pki.errors';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

export interface CertificateAuthority {
  certificatePem: string;
  privateKeyPem: string;
}

export interface IssuedCertificate {
  certificatePem: string;
  privateKeyPem: string;
  /** Lowercase hex, no leading zeros (normaliseSerial). */
  serialNumber: string;
  notAfter: Date;
}

export interface Validity {
  validDays: number;
  /** Start of validity (default: now); tests issue certificates that have already expired. */
  now?: Date;
}

export async function createCertificateAuthority(
  commonName: string,
  validity: Validity,
): Promise<CertificateAuthority> {
  const keys = await generateKeys();
  const { notBefore, notAfter } = period(validity);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerial(),
    name: [{ CN: [commonName] }],
    notBefore,
    notAfter,
    signingAlgorithm: SIGNING,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificatePem: certificate.toString('pem'), privateKeyPem: await privateKeyPem(keys.privateKey) };
}

/** A client certificate for one site: CN = name, SAN URIs naming it (and its id when given), clientAuth only. */
export async function issueSiteCertificate(
  ca: CertificateAuthority,
  site: { siteName: string; siteId?: string },
  validity: Validity,
): Promise<IssuedCertificate> {
  assertSiteName(site.siteName);
  if (site.siteId !== undefined && !/^[A-Za-z0-9-]{1,64}$/.test(site.siteId)) {
    throw new PkiError(
      'PKI_BAD_NAME',
      `site id "${site.siteId}" must be 1–64 letters, digits or '-' (the id registerSite returned)`,
    );
  }
  const names = [{ type: 'url' as const, value: `${SITE_NAME_URI_PREFIX}${site.siteName}` }];
  if (site.siteId !== undefined) names.push({ type: 'url', value: `${SITE_ID_URI_PREFIX}${site.siteId}` });
  return issue(ca, site.siteName, validity, [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], true),
    new x509.SubjectAlternativeNameExtension(names, false),
  ]);
}

/** The coordinator's server certificate, valid for each host name or IP address given. */
export async function issueServerCertificate(
  ca: CertificateAuthority,
  hosts: readonly string[],
  validity: Validity,
): Promise<IssuedCertificate> {
  if (hosts.length === 0)
    throw new PkiError('PKI_BAD_NAME', 'the server certificate needs at least one host name or address');
  for (const host of hosts) {
    if (isIP(host) === 0 && !/^(?=.{1,253}$)([A-Za-z0-9-]{1,63})(\.[A-Za-z0-9-]{1,63})*$/.test(host)) {
      throw new PkiError('PKI_BAD_NAME', `"${host}" is neither a host name nor an IP address`);
    }
  }
  return issue(ca, hosts[0], validity, [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], true),
    new x509.SubjectAlternativeNameExtension(
      hosts.map((host) =>
        isIP(host) === 0 ? { type: 'dns' as const, value: host } : { type: 'ip' as const, value: host },
      ),
      false,
    ),
  ]);
}

/** A CRL listing the revoked serials, signed by the CA, valid for `validity.validDays`. */
export async function signRevocationList(
  ca: CertificateAuthority,
  revoked: readonly { serialNumber: string; revokedAt: Date }[],
  validity: Validity,
): Promise<string> {
  const caCertificate = new x509.X509Certificate(ca.certificatePem);
  const { notBefore, notAfter } = period(validity);
  const crl = await x509.X509CrlGenerator.create({
    issuer: caCertificate.subject,
    thisUpdate: notBefore,
    nextUpdate: notAfter,
    signingAlgorithm: SIGNING,
    signingKey: await importPrivateKey(ca.privateKeyPem),
    entries: revoked.map((entry) => ({
      serialNumber: evenHex(entry.serialNumber),
      revocationDate: entry.revokedAt,
      reason: x509.X509CrlReason.keyCompromise,
    })),
    extensions: [await x509.AuthorityKeyIdentifierExtension.create(caCertificate, false)],
  });
  // OpenSSL and Node's TLS read CRLs under the "X509 CRL" label (RFC 7468 §6), not the library's "CRL".
  return x509.PemConverter.encode(crl.rawData, 'X509 CRL');
}

async function issue(
  ca: CertificateAuthority,
  commonName: string,
  validity: Validity,
  extensions: x509.Extension[],
): Promise<IssuedCertificate> {
  const caCertificate = new x509.X509Certificate(ca.certificatePem);
  const keys = await generateKeys();
  const serial = newSerial();
  const { notBefore, notAfter } = period(validity);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: [{ CN: [commonName] }],
    issuer: caCertificate.subject,
    notBefore,
    notAfter,
    signingAlgorithm: SIGNING,
    publicKey: keys.publicKey,
    signingKey: await importPrivateKey(ca.privateKeyPem),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      ...extensions,
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCertificate, false),
    ],
  });
  return {
    certificatePem: certificate.toString('pem'),
    privateKeyPem: await privateKeyPem(keys.privateKey),
    serialNumber: normaliseSerial(serial),
    notAfter,
  };
}

function period(validity: Validity): { notBefore: Date; notAfter: Date } {
  if (!(Number.isFinite(validity.validDays) && validity.validDays > 0)) {
    throw new PkiError('PKI_BAD_NAME', `validity must be a positive number of days, got ${validity.validDays}`);
  }
  const start = validity.now ?? new Date();
  // A minute of slack before now: clocks of a site and the coordinator are never exactly equal.
  return {
    notBefore: new Date(start.getTime() - 60_000),
    notAfter: new Date(start.getTime() + validity.validDays * DAY_MS),
  };
}

/** 16 random bytes, high bit clear (a positive INTEGER in DER). */
function newSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  bytes[0] |= 0x01;
  return bytes.toString('hex');
}

function evenHex(hex: string): string {
  return hex.length % 2 === 0 ? hex : `0${hex}`;
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function importPrivateKey(pem: string): Promise<webcrypto.CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0];
  return webcrypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, false, ['sign']);
}
