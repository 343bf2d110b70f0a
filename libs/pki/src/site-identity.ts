/**
 * How a certificate names its site: the subject CN is the site's name and a subjectAltName URI
 * `urn:fedstroke:site:<name>` says so unambiguously (a CN alone could be anything); when the site's id is known
 * at issue time, `urn:fedstroke:site-id:<id>` binds it too. The coordinator compares these with the site that
 * the bearer token belongs to.
 */
import { X509Certificate } from 'node:crypto';
import { PkiError } from './pki.errors';

export const SITE_NAME_URI_PREFIX = 'urn:fedstroke:site:';
export const SITE_ID_URI_PREFIX = 'urn:fedstroke:site-id:';

/** Site names as registerSite accepts them and a URI can carry without escaping. */
const SITE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function assertSiteName(name: string): void {
  if (!SITE_NAME.test(name)) {
    throw new PkiError(
      'PKI_BAD_NAME',
      `site name "${name}" cannot go into a certificate: use 1–63 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
}

export interface SiteIdentity {
  siteName: string;
  siteId: string | null;
}

/** The site a certificate (DER or PEM) names, or null when it names none (e.g. a server certificate). */
export function siteIdentityOf(certificate: Buffer | string | X509Certificate): SiteIdentity | null {
  const x509 = certificate instanceof X509Certificate ? certificate : new X509Certificate(certificate);
  const uris = (x509.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((entry) => entry.startsWith('URI:'))
    .map((entry) => entry.slice(4));
  const names = uris
    .filter((uri) => uri.startsWith(SITE_NAME_URI_PREFIX))
    .map((uri) => uri.slice(SITE_NAME_URI_PREFIX.length));
  const ids = uris
    .filter((uri) => uri.startsWith(SITE_ID_URI_PREFIX))
    .map((uri) => uri.slice(SITE_ID_URI_PREFIX.length));
  if (names.length !== 1 || ids.length > 1) return null;
  return { siteName: names[0], siteId: ids[0] ?? null };
}

/** Serial numbers compared as lowercase hex without leading zeros (OpenSSL and @peculiar/x509 differ in both). */
export function normaliseSerial(serial: string): string {
  const hex = serial
    .replace(/[^0-9a-fA-F]/g, '')
    .toLowerCase()
    .replace(/^0+/, '');
  return hex === '' ? '0' : hex;
}
