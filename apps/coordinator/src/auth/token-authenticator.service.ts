import { ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import { SiteRepository } from '../persistence/repositories';
import type { Principal } from './principal';
import { hashesEqual, secretsEqual, sha256Hex } from './site-token';

/** Turns an `Authorization: Bearer …` value into a Principal, or a 401/403 that says what was wrong. */
@Injectable()
export class TokenAuthenticator {
  constructor(
    private readonly config: CoordinatorConfigService,
    private readonly sites: SiteRepository,
  ) {}

  async authenticate(authorization: unknown): Promise<Principal> {
    const token = bearerToken(authorization);
    // Every role token is compared, in constant time, whether or not an earlier one matched.
    const admin = secretsEqual(token, this.config.get('adminToken'));
    const readonly = this.matchesOptional(token, this.config.get('readonlyToken'));
    const inference = this.matchesOptional(token, this.config.get('inferenceToken'));
    if (admin) return { role: 'ADMIN' };
    if (readonly) return { role: 'READONLY' };
    if (inference) return { role: 'INFERENCE' };
    const hash = sha256Hex(token);
    const site = await this.sites.findByTokenHash(hash);
    if (!site || !hashesEqual(site.tokenSha256, hash)) {
      throw new UnauthorizedException(
        'the bearer token is not a valid coordinator, read-only, inference or site token',
      );
    }
    if (site.status !== 'ACTIVE') {
      throw new ForbiddenException(
        `site ${site.name} (${site.id}) has been revoked; ask the administrator for a new token`,
      );
    }
    return { role: 'SITE', siteId: site.id, siteName: site.name };
  }

  private matchesOptional(token: string, expected: string | undefined): boolean {
    return expected !== undefined && secretsEqual(token, expected);
  }
}

function bearerToken(authorization: unknown): string {
  if (typeof authorization !== 'string' || authorization.trim() === '') {
    throw new UnauthorizedException(
      'missing token: send "Authorization: Bearer <token>" (HTTP) or connectionParams.authorization (graphql-ws)',
    );
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
  if (!match) throw new UnauthorizedException('malformed Authorization value: expected "Bearer <token>"');
  return match[1];
}
