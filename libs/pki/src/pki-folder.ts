/**
 * The files of one federation's PKI, as `fedstroke pki` writes them:
 *
 *   ca.crt, ca.key            the CA (ca.key never leaves this folder; keep it offline)
 *   crl.pem                   the revocation list the coordinator reads (FEDSTROKE_TLS_CRL)
 *   server.crt, server.key    the coordinator's certificate (FEDSTROKE_TLS_CERT / FEDSTROKE_TLS_KEY)
 *   sites/NAME.crt, .key      one site's client certificate, to hand to that hospital only
 *   issued.json               every certificate issued, its serial and whether it is revoked
 *
 * Private keys are written with mode 0600; every file is replaced atomically (write, then rename), so a
 * coordinator reading crl.pem never sees half of one.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CertificateAuthority,
  createCertificateAuthority,
  issueServerCertificate,
  issueSiteCertificate,
  signRevocationList,
} from './certificate-authority';
import { assertSiteName } from './site-identity';
import { PkiError } from './pki.errors';

export interface PkiPaths {
  dir: string;
  caCertificate: string;
  caKey: string;
  crl: string;
  serverCertificate: string;
  serverKey: string;
  registry: string;
  siteCertificate(name: string): string;
  siteKey(name: string): string;
}

export function pkiPaths(dir: string): PkiPaths {
  return {
    dir,
    caCertificate: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    crl: join(dir, 'crl.pem'),
    serverCertificate: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    registry: join(dir, 'issued.json'),
    siteCertificate: (name) => join(dir, 'sites', `${name}.crt`),
    siteKey: (name) => join(dir, 'sites', `${name}.key`),
  };
}

export interface IssuedRecord {
  kind: 'server' | 'site';
  name: string;
  siteId: string | null;
  serialNumber: string;
  notAfter: string;
  revokedAt: string | null;
}

interface Registry {
  format: 'fedstroke-pki/1';
  crlDays: number;
  certificates: IssuedRecord[];
}

export interface InitOptions {
  commonName?: string;
  /** Host names and addresses the coordinator is reached at (the server certificate's SAN). */
  serverHosts: readonly string[];
  caDays?: number;
  certificateDays?: number;
  crlDays?: number;
  now?: Date;
}

export async function initPki(dir: string, options: InitOptions): Promise<PkiPaths> {
  const paths = pkiPaths(dir);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new PkiError(
      'PKI_FOLDER',
      `${dir} is not empty: a PKI is initialised once (pick a new folder to start another federation's)`,
    );
  }
  mkdirSync(join(dir, 'sites'), { recursive: true, mode: 0o700 });
  const now = options.now ?? new Date();
  const ca = await createCertificateAuthority(options.commonName ?? 'fedstroke federation CA', {
    validDays: options.caDays ?? 3650,
    now,
  });
  writeAtomically(paths.caKey, ca.privateKeyPem, 0o600);
  writeAtomically(paths.caCertificate, ca.certificatePem, 0o644);
  const server = await issueServerCertificate(ca, options.serverHosts, {
    validDays: options.certificateDays ?? 825,
    now,
  });
  writeAtomically(paths.serverKey, server.privateKeyPem, 0o600);
  writeAtomically(paths.serverCertificate, server.certificatePem, 0o644);
  const registry: Registry = {
    format: 'fedstroke-pki/1',
    crlDays: options.crlDays ?? 365,
    certificates: [record('server', options.serverHosts[0], null, server.serialNumber, server.notAfter)],
  };
  await writeRegistryAndCrl(paths, ca, registry, now);
  return paths;
}

export async function issueSite(
  dir: string,
  siteName: string,
  options: { siteId?: string; validDays?: number; now?: Date } = {},
): Promise<{ certificate: string; key: string; serialNumber: string }> {
  assertSiteName(siteName);
  const paths = pkiPaths(dir);
  const ca = readCa(paths);
  const registry = readRegistry(paths);
  const issued = await issueSiteCertificate(
    ca,
    { siteName, siteId: options.siteId },
    {
      validDays: options.validDays ?? 825,
      now: options.now,
    },
  );
  writeAtomically(paths.siteKey(siteName), issued.privateKeyPem, 0o600);
  writeAtomically(paths.siteCertificate(siteName), issued.certificatePem, 0o644);
  registry.certificates.push(record('site', siteName, options.siteId ?? null, issued.serialNumber, issued.notAfter));
  writeAtomically(paths.registry, `${JSON.stringify(registry, null, 2)}\n`, 0o644);
  return {
    certificate: paths.siteCertificate(siteName),
    key: paths.siteKey(siteName),
    serialNumber: issued.serialNumber,
  };
}

/** Revokes every unrevoked certificate issued to the site and re-signs the CRL; returns the serials revoked. */
export async function revokeSite(dir: string, siteName: string, now = new Date()): Promise<string[]> {
  const paths = pkiPaths(dir);
  const ca = readCa(paths);
  const registry = readRegistry(paths);
  const active = registry.certificates.filter((c) => c.kind === 'site' && c.name === siteName && c.revokedAt === null);
  if (active.length === 0) {
    const known = [...new Set(registry.certificates.filter((c) => c.kind === 'site').map((c) => c.name))];
    throw new PkiError(
      'PKI_NOT_FOUND',
      `no unrevoked certificate was issued to site "${siteName}" in ${dir} (sites: ${known.join(', ') || 'none'})`,
    );
  }
  for (const certificate of active) certificate.revokedAt = now.toISOString();
  await writeRegistryAndCrl(paths, ca, registry, now);
  return active.map((c) => c.serialNumber);
}

/** Re-signs the CRL with a fresh validity (run before its next update passes: the coordinator fails closed). */
export async function refreshCrl(dir: string, now = new Date()): Promise<string> {
  const paths = pkiPaths(dir);
  await writeRegistryAndCrl(paths, readCa(paths), readRegistry(paths), now);
  return paths.crl;
}

export function listIssued(dir: string): IssuedRecord[] {
  return readRegistry(pkiPaths(dir)).certificates;
}

async function writeRegistryAndCrl(
  paths: PkiPaths,
  ca: CertificateAuthority,
  registry: Registry,
  now: Date,
): Promise<void> {
  const revoked = registry.certificates
    .filter((c) => c.revokedAt !== null)
    .map((c) => ({ serialNumber: c.serialNumber, revokedAt: new Date(c.revokedAt as string) }));
  const crl = await signRevocationList(ca, revoked, { validDays: registry.crlDays, now });
  writeAtomically(paths.registry, `${JSON.stringify(registry, null, 2)}\n`, 0o644);
  writeAtomically(paths.crl, crl, 0o644);
}

function record(
  kind: IssuedRecord['kind'],
  name: string,
  siteId: string | null,
  serialNumber: string,
  notAfter: Date,
): IssuedRecord {
  return { kind, name, siteId, serialNumber, notAfter: notAfter.toISOString(), revokedAt: null };
}

function readCa(paths: PkiPaths): CertificateAuthority {
  for (const file of [paths.caCertificate, paths.caKey, paths.registry]) {
    if (!existsSync(file)) {
      throw new PkiError(
        'PKI_FOLDER',
        `${file} is missing: ${paths.dir} is not a PKI folder (run fedstroke pki init first)`,
      );
    }
  }
  return {
    certificatePem: readFileSync(paths.caCertificate, 'utf8'),
    privateKeyPem: readFileSync(paths.caKey, 'utf8'),
  };
}

function readRegistry(paths: PkiPaths): Registry {
  const registry = JSON.parse(readFileSync(paths.registry, 'utf8')) as Registry;
  if (registry.format !== 'fedstroke-pki/1' || !Array.isArray(registry.certificates)) {
    throw new PkiError('PKI_FOLDER', `${paths.registry} is not a fedstroke PKI registry`);
  }
  return registry;
}

function writeAtomically(file: string, content: string, mode: number): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, file);
}
