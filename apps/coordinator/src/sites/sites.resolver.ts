import { ParseUUIDPipe } from '@nestjs/common';
import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentSite } from '../auth/current-principal.decorator';
import type { SitePrincipal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { PaginationArgs } from '../common/pagination.args';
import { toPage } from '../common/page.model';
import { Participation, ParticipationPage } from '../participations/models/participation.model';
import { RegisterSiteInput } from './dto/register-site.input';
import { Site, SitePage, SiteRegistration } from './models/site.model';
import { SitesService } from './sites.service';

@Resolver(() => Site)
export class SitesResolver {
  constructor(private readonly service: SitesService) {}

  @Query(() => Site)
  @Roles('ADMIN', 'READONLY')
  async site(@Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<Site> {
    return Site.from(await this.service.get(id));
  }

  @Query(() => SitePage)
  @Roles('ADMIN', 'READONLY')
  async sites(@Args() args: PaginationArgs): Promise<SitePage> {
    return toPage(await this.service.list({ offset: args.offset, limit: args.limit }), args.offset, Site.from);
  }

  @ResolveField(() => Participation, {
    nullable: true,
    description: 'The round the site is training for now (its ASSIGNED participation in an open round).',
  })
  async currentAssignment(@Parent() site: Site): Promise<Participation | null> {
    const assignment = await this.service.currentAssignment(site.id);
    return assignment ? Participation.from(assignment) : null;
  }

  @ResolveField(() => ParticipationPage, {
    description:
      'Participations of this site that FAILED (it reported a failure), were REJECTED (its update was refused) or ' +
      'DROPPED (the round closed before its update came), in any federation, most recent first.',
  })
  async failures(@Parent() site: Site, @Args() args: PaginationArgs): Promise<ParticipationPage> {
    const page = await this.service.failures(site.id, { offset: args.offset, limit: args.limit });
    return toPage(page, args.offset, Participation.from);
  }

  @Query(() => Site, { description: 'The site that owns the calling site token (agents check their token with it).' })
  @Roles('SITE')
  async currentSite(@CurrentSite() site: SitePrincipal): Promise<Site> {
    return Site.from(await this.service.get(site.siteId));
  }

  @Mutation(() => SiteRegistration, { description: 'Registers a site; the token in the answer is never shown again.' })
  @Roles('ADMIN')
  async registerSite(@Args('input') input: RegisterSiteInput): Promise<SiteRegistration> {
    const { site, token } = await this.service.register(input.name);
    return { site: Site.from(site), token };
  }

  @Mutation(() => Site, { description: 'Revokes a site: its token stops working at once.' })
  @Roles('ADMIN')
  async revokeSite(@Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<Site> {
    return Site.from(await this.service.revoke(id));
  }
}
