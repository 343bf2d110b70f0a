import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from './principal';
import { requestCarrier } from './request-context';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';
import { SiteCertificateVerifier } from './site-certificate.verifier';
import { TokenAuthenticator } from './token-authenticator.service';

/**
 * The one gate in front of every resolver and route (registered as APP_GUARD): deny by default, authenticate the
 * bearer token, then check the role against @Roles. 401 when the token is missing or unknown, 403 when it is
 * valid but not allowed here. A site's token must come with that site's client certificate under TLS
 * (SiteCertificateVerifier).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: TokenAuthenticator,
    private readonly certificates: SiteCertificateVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!allowed || allowed.length === 0) {
      throw new ForbiddenException(`${context.getHandler().name} declares no roles; refusing by default`);
    }
    const carrier = requestCarrier(context);
    const principal = await this.authenticator.authenticate(carrier.authorization);
    if (!allowed.includes(principal.role)) {
      throw new ForbiddenException(
        `a ${principal.role} token may not call ${context.getHandler().name}; it needs one of: ${allowed.join(', ')}`,
      );
    }
    if (principal.role === 'SITE') await this.certificates.verify(carrier.socket, principal);
    carrier.attach(principal);
    return true;
  }
}
