/**
 * HTTPS for the coordinator and client certificates for the sites. With TLS configured the coordinator serves
 * HTTPS and, by default, requires every site request (GraphQL for the SITE role, model download, update upload)
 * to come with a client certificate from the federation's CA naming the site whose token it carries
 * (auth/site-certificate.verifier.ts). Without TLS it serves plain HTTP on the loopback interface only, for
 * development, and says so at boot: tokens and model updates would otherwise cross the network in the clear.
 *
 * FEDSTROKE_PKI_DIR points at a `fedstroke pki` folder and fills in the four files; each FEDSTROKE_TLS_* variable
 * overrides one of them.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { ConfigError } from './config.error';
import { optionalBoolean } from './config-values';

export interface TlsConfig {
  certFile: string;
  keyFile: string;
  /** The CA that signs site certificates; required when site certificates are. */
  clientCaFile: string | null;
  /** The CA's revocation list, re-read whenever it changes; null: no revocation list (only token revocation). */
  crlFile: string | null;
  requireSiteCertificates: boolean;
  /** PEM contents, read once at boot (the CRL is read live). */
  cert: string;
  key: string;
  clientCa: string | null;
}

export interface TlsConfigInput {
  pkiDir?: string;
  certFile?: string;
  keyFile?: string;
  clientCaFile?: string;
  crlFile?: string;
  /** Default true whenever TLS is on. */
  requireSiteCertificates?: boolean;
}

export function resolveTlsConfig(input: TlsConfigInput | undefined): TlsConfig | null {
  if (input === undefined) return null;
  const fromDir = (file: string) => (input.pkiDir === undefined ? undefined : join(resolve(input.pkiDir), file));
  const certFile = input.certFile ?? fromDir('server.crt');
  const keyFile = input.keyFile ?? fromDir('server.key');
  const clientCaFile = input.clientCaFile ?? fromDir('ca.crt') ?? null;
  const crlFile = input.crlFile ?? fromDir('crl.pem') ?? null;
  if (certFile === undefined && keyFile === undefined && clientCaFile === null && crlFile === null) return null;
  if (certFile === undefined)
    throw new ConfigError(
      'FEDSTROKE_TLS_CERT',
      'is required for TLS (the server certificate, PEM), or set FEDSTROKE_PKI_DIR',
    );
  if (keyFile === undefined)
    throw new ConfigError(
      'FEDSTROKE_TLS_KEY',
      'is required for TLS (the server private key, PEM), or set FEDSTROKE_PKI_DIR',
    );
  const requireSiteCertificates = input.requireSiteCertificates ?? true;
  if (requireSiteCertificates && clientCaFile === null) {
    throw new ConfigError(
      'FEDSTROKE_TLS_CLIENT_CA',
      'is required while site certificates are required (the CA that signed them); set FEDSTROKE_REQUIRE_SITE_CERTIFICATES=false to turn that off',
    );
  }
  const cert = readPem('FEDSTROKE_TLS_CERT', certFile);
  const key = readPem('FEDSTROKE_TLS_KEY', keyFile);
  const clientCa = clientCaFile === null ? null : readPem('FEDSTROKE_TLS_CLIENT_CA', clientCaFile);
  try {
    createSecureContext({ cert, key, ca: clientCa ?? undefined });
  } catch (cause) {
    throw new ConfigError(
      'FEDSTROKE_TLS_CERT',
      `and FEDSTROKE_TLS_KEY do not form a usable TLS identity (${(cause as Error).message})`,
    );
  }
  if (crlFile !== null) readPem('FEDSTROKE_TLS_CRL', crlFile);
  return { certFile, keyFile, clientCaFile, crlFile, requireSiteCertificates, cert, key, clientCa };
}

export function tlsInputFromEnvironment(env: NodeJS.ProcessEnv): TlsConfigInput | undefined {
  const value = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const input: TlsConfigInput = {
    pkiDir: value('FEDSTROKE_PKI_DIR'),
    certFile: value('FEDSTROKE_TLS_CERT'),
    keyFile: value('FEDSTROKE_TLS_KEY'),
    clientCaFile: value('FEDSTROKE_TLS_CLIENT_CA'),
    crlFile: value('FEDSTROKE_TLS_CRL'),
    requireSiteCertificates: optionalBoolean(
      'FEDSTROKE_REQUIRE_SITE_CERTIFICATES',
      value('FEDSTROKE_REQUIRE_SITE_CERTIFICATES'),
    ),
  };
  return Object.values(input).every((v) => v === undefined) ? undefined : input;
}

/** Plain HTTP is for this machine only: a host other than loopback needs TLS. */
export function assertPlainHttpHost(host: string): void {
  if (!isLoopback(host)) {
    throw new ConfigError(
      'FEDSTROKE_HOST',
      `is ${host}, but without TLS the coordinator serves plain HTTP, which is for development on this machine only ` +
        '(127.0.0.1, ::1 or localhost): configure TLS (FEDSTROKE_PKI_DIR from `fedstroke pki init`, or FEDSTROKE_TLS_CERT and FEDSTROKE_TLS_KEY)',
    );
  }
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

function readPem(variable: string, file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(
      variable,
      `cannot be read: ${file} (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`,
    );
  }
  if (!text.includes('-----BEGIN ')) throw new ConfigError(variable, `${file} is not a PEM file`);
  return text;
}
