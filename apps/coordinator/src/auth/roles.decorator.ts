import { SetMetadata } from '@nestjs/common';
import type { Role } from './principal';

export const ROLES_KEY = 'fedstroke:roles';
export const PUBLIC_KEY = 'fedstroke:public';

/** The roles allowed to call a resolver or route. Everything not marked @Roles or @Public is refused. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Health probes only: reachable without a token. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
