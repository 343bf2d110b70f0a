import { Args, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Roles } from '../auth/roles.decorator';
import { FederationSiteArgs } from './dto/federation-site.args';
import { FederationMembershipService } from './federation-membership.service';
import { FederationsService } from './federations.service';
import { Federation } from './models/federation.model';
import { FederationMember, MembershipEvent } from './models/membership.model';

/** A federation's member sites and their audit (fields of Federation), and the admin's changes to them. */
@Resolver(() => Federation)
export class FederationMembershipResolver {
  constructor(
    private readonly membership: FederationMembershipService,
    private readonly federations: FederationsService,
  ) {}

  @ResolveField(() => [FederationMember], { description: 'The member sites, in the order they were added.' })
  async members(@Parent() federation: Federation): Promise<FederationMember[]> {
    return (await this.membership.list(federation.id)).map(FederationMember.from);
  }

  @ResolveField(() => [MembershipEvent], { description: 'Every membership change (ADD, REMOVE), oldest first.' })
  async membershipEvents(@Parent() federation: Federation): Promise<MembershipEvent[]> {
    return (await this.membership.events(federation.id)).map(MembershipEvent.from);
  }

  @Mutation(() => Federation, { description: 'Makes an ACTIVE site a member (recorded in the membership audit).' })
  @Roles('ADMIN')
  async addFederationSite(@Args() args: FederationSiteArgs): Promise<Federation> {
    const federation = await this.federations.get(args.federationId);
    await this.membership.add(federation, args.siteId, args.reason ?? 'added by an administrator');
    return Federation.from(federation);
  }

  @Mutation(() => Federation, {
    description:
      'Removes a member (recorded in the membership audit): it is given no more rounds and cannot download the ' +
      'models; its seat in the open round is dropped, so the round does not wait for it.',
  })
  @Roles('ADMIN')
  async removeFederationSite(@Args() args: FederationSiteArgs): Promise<Federation> {
    const federation = await this.federations.get(args.federationId);
    await this.membership.remove(federation, args.siteId, args.reason ?? 'removed by an administrator');
    return Federation.from(federation);
  }
}
