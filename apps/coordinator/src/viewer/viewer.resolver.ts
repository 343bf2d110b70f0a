import { Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { Viewer } from './viewer.model';

@Resolver(() => Viewer)
export class ViewerResolver {
  @Query(() => Viewer, { description: 'The role of the calling token; any valid token may ask.' })
  @Roles('ADMIN', 'READONLY', 'INFERENCE', 'SITE')
  viewer(@CurrentPrincipal() principal: Principal): Viewer {
    return Viewer.from(principal);
  }
}
