import { createParamDecorator, type ExecutionContext, InternalServerErrorException } from '@nestjs/common';
import type { Principal, SitePrincipal } from './principal';
import { requestCarrier } from './request-context';

function principalOf(context: ExecutionContext): Principal {
  const principal = requestCarrier(context).principal();
  if (!principal) throw new InternalServerErrorException('no principal: the AuthGuard did not run for this handler');
  return principal;
}

/** The authenticated caller (set by AuthGuard). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext) => principalOf(context));

/** The calling site; only on handlers restricted to @Roles('SITE'). */
export const CurrentSite = createParamDecorator((_: unknown, context: ExecutionContext): SitePrincipal => {
  const principal = principalOf(context);
  if (principal.role !== 'SITE') {
    throw new InternalServerErrorException('CurrentSite used on a handler that admits non-site roles');
  }
  return principal;
});
