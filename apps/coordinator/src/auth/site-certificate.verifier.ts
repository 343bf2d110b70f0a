/**
 * The second factor of a site's identity: on every site request, the TLS client certificate must be valid (from
 * the federation's CA, not expired), not on the revocation list, and must name the same site as the bearer token.
 * A stolen token without the certificate, or a certificate presented with another site's token, is refused.
 *
 * The handshake requests a certificate from everyone but rejects no one (admin, dashboard and inference callers
 * use tokens alone), so the verdict is read here, per request, from the socket. The CRL is checked per request too,
 * against a copy re-read whenever the file changes, so `fedstroke pki revoke` stops a site at once, also on a
 * keep-alive connection opened before. An unreadable, unsigned or expired CRL refuses every site request (fail
 * closed) until it is fixed.
 */
import { stat, readFile } from 'node:fs/promises';
import { TLSSocket } from 'node:tls';
import { ForbiddenException, Injectable, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { normaliseSerial, readRevocationList, siteIdentityOf } from '@fedstroke/pki';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import { JsonLogger } from '../logging/json-logger';
import type { SitePrincipal } from './principal';

const CERTIFICATE_HOW_TO =
  'issue one with `fedstroke pki issue-site NAME` and give it to the site agent (FEDSTROKE_SITE_TLS_CERT / _KEY)';

@Injectable()
export class SiteCertificateVerifier {
  private loaded: { fingerprint: string; revoked: ReadonlySet<string>; nextUpdate: Date | null } | null = null;

  constructor(
    private readonly config: CoordinatorConfigService,
    private readonly log: JsonLogger,
  ) {}

  async verify(socket: unknown, site: SitePrincipal): Promise<void> {
    const tls = this.config.get('tls');
    if (!tls?.requireSiteCertificates) return;
    const who = `site ${site.siteName} (${site.siteId})`;
    if (!(socket instanceof TLSSocket)) {
      throw new UnauthorizedException(`${who}: site requests need mutual TLS, and this one did not come over TLS`);
    }
    const peer = socket.getPeerCertificate(false);
    if (!peer || !peer.raw) {
      throw new UnauthorizedException(
        `${who}: no client certificate was presented; site requests need the site's certificate: ${CERTIFICATE_HOW_TO}`,
      );
    }
    if (!socket.authorized) {
      throw new UnauthorizedException(
        `${who}: the client certificate was refused: ${describeTlsError(socket.authorizationError, peer.valid_to)}`,
      );
    }
    const identity = siteIdentityOf(peer.raw);
    if (identity === null) {
      throw new ForbiddenException(
        `${who}: the client certificate (CN=${peer.subject?.CN ?? '?'}) names no site; ${CERTIFICATE_HOW_TO}`,
      );
    }
    if (identity.siteName !== site.siteName || (identity.siteId !== null && identity.siteId !== site.siteId)) {
      throw new ForbiddenException(
        `${who}: the client certificate is site ${identity.siteName}'s${identity.siteId ? ` (${identity.siteId})` : ''}, ` +
          'not the token’s site: a site token works only with that same site’s certificate',
      );
    }
    const serial = normaliseSerial(peer.serialNumber);
    if ((await this.revokedSerials()).has(serial)) {
      throw new ForbiddenException(`${who}: the client certificate (serial ${serial}) has been revoked`);
    }
  }

  private async revokedSerials(): Promise<ReadonlySet<string>> {
    const tls = this.config.get('tls');
    if (!tls?.crlFile || !tls.clientCa) return new Set();
    const file = tls.crlFile;
    let fingerprint: string;
    try {
      const info = await stat(file);
      fingerprint = `${info.ino}:${info.size}:${info.mtimeMs}`;
    } catch (cause) {
      throw this.crlUnusable(file, `cannot be read (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`);
    }
    if (this.loaded?.fingerprint !== fingerprint) {
      try {
        const crl = await readRevocationList(await readFile(file, 'utf8'), tls.clientCa, file);
        this.loaded = { fingerprint, revoked: crl.revokedSerials, nextUpdate: crl.nextUpdate };
        this.log.event('info', 'tls.crl_loaded', {
          file,
          revoked: crl.revokedSerials.size,
          nextUpdate: crl.nextUpdate?.toISOString() ?? null,
        });
      } catch (cause) {
        this.loaded = null;
        throw this.crlUnusable(file, (cause as Error).message);
      }
    }
    const { nextUpdate, revoked } = this.loaded;
    if (nextUpdate !== null && nextUpdate.getTime() < Date.now()) {
      throw this.crlUnusable(file, `expired at ${nextUpdate.toISOString()} (re-sign it: fedstroke pki crl)`);
    }
    return revoked;
  }

  private crlUnusable(file: string, why: string): ServiceUnavailableException {
    this.log.event('error', 'tls.crl_unusable', { file, why });
    return new ServiceUnavailableException(`site requests are refused: the certificate revocation list ${file} ${why}`);
  }
}

function describeTlsError(error: Error | string | null | undefined, validTo: string | undefined): string {
  const code = String(error ?? 'unknown');
  if (code === 'CERT_HAS_EXPIRED') return `it expired${validTo ? ` on ${validTo}` : ''} (CERT_HAS_EXPIRED)`;
  if (code === 'CERT_NOT_YET_VALID') return 'it is not valid yet (CERT_NOT_YET_VALID)';
  if (/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|SELF_SIGNED/.test(code)) {
    return `it was not issued by this federation's CA (${code})`;
  }
  return code;
}
