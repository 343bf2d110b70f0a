import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { NotFoundException, ParseUUIDPipe } from '@nestjs/common';
import { CurrentSite } from '../../auth/current-principal.decorator';
import type { SitePrincipal } from '../../auth/principal';
import { Roles } from '../../auth/roles.decorator';
import { CoordinatorConfigService } from '../../config/coordinator-config.service';
import { RoundOrchestrator } from '../../orchestration/round-orchestrator.service';
import type { FederationRecord, RoundRecord } from '../../persistence/records';
import { FederationRepository, RoundRepository } from '../../persistence/repositories';
import {
  SealedShareInput,
  SecAggKeysInput,
  SecAggViewModel,
  SecAggWaitArgs,
  UnmaskResponseInput,
} from './secagg.models';
import { SecAggRelay } from './secagg-relay.service';
import type { SiteSecAggView } from './secagg-site-view';

/**
 * The site agent's side of a secure round (site token and, under TLS, its certificate): send keys, shares and the
 * unmasking answer, and long-poll for the next step. Each message may move the round on, so each kicks the
 * orchestrator.
 */
@Resolver(() => SecAggViewModel)
export class SecureAggregationResolver {
  constructor(
    private readonly relay: SecAggRelay,
    private readonly orchestrator: RoundOrchestrator,
    private readonly federations: FederationRepository,
    private readonly rounds: RoundRepository,
    private readonly config: CoordinatorConfigService,
  ) {}

  @Query(() => SecAggViewModel, { description: 'The secure round as this site may see it, once it reaches `step`.' })
  @Roles('SITE')
  async secureAggregation(@CurrentSite() site: SitePrincipal, @Args() args: SecAggWaitArgs): Promise<SecAggViewModel> {
    const { federation, round } = await this.roundOf(args.roundId);
    const waitMs = Math.min(args.waitSeconds, this.config.get('longPollMaxSeconds')) * 1000;
    return toModel(await this.relay.siteView(site, federation, round, args.step, waitMs));
  }

  @Mutation(() => SecAggViewModel, { description: 'Step ADVERTISE: this site’s public keys for the round.' })
  @Roles('SITE')
  async advertiseKeys(
    @CurrentSite() site: SitePrincipal,
    @Args('roundId', { type: () => ID }, new ParseUUIDPipe()) roundId: string,
    @Args('keys') keys: SecAggKeysInput,
  ): Promise<SecAggViewModel> {
    const { federation, round } = await this.roundOf(roundId);
    const view = await this.relay.advertise(site, federation, round, { ...keys });
    void this.orchestrator.kick(federation.id);
    return toModel(view);
  }

  @Mutation(() => SecAggViewModel, {
    description: 'Step SHARE: this site’s shares, one sealed envelope per roster peer.',
  })
  @Roles('SITE')
  async submitShares(
    @CurrentSite() site: SitePrincipal,
    @Args('roundId', { type: () => ID }, new ParseUUIDPipe()) roundId: string,
    @Args('shares', { type: () => [SealedShareInput] }) shares: SealedShareInput[],
  ): Promise<SecAggViewModel> {
    const { federation, round } = await this.roundOf(roundId);
    const view = await this.relay.submitShares(
      site,
      federation,
      round,
      shares.map((s) => ({ ...s })),
    );
    void this.orchestrator.kick(federation.id);
    return toModel(view);
  }

  @Mutation(() => SecAggViewModel, { description: 'Step UNMASK: this survivor’s answer to the unmasking request.' })
  @Roles('SITE')
  async submitUnmask(
    @CurrentSite() site: SitePrincipal,
    @Args('roundId', { type: () => ID }, new ParseUUIDPipe()) roundId: string,
    @Args('response') response: UnmaskResponseInput,
  ): Promise<SecAggViewModel> {
    const { federation, round } = await this.roundOf(roundId);
    const plain = {
      from: response.from,
      selfMaskShares: response.selfMaskShares.map((s) => ({ ...s })),
      maskKeyShares: response.maskKeyShares.map((s) => ({ ...s })),
    };
    const view = await this.relay.submitUnmask(site, federation, round, plain);
    void this.orchestrator.kick(federation.id);
    return toModel(view);
  }

  private async roundOf(roundId: string): Promise<{ federation: FederationRecord; round: RoundRecord }> {
    const round = await this.rounds.get(roundId);
    if (!round) throw new NotFoundException(`round ${roundId} does not exist`);
    const federation = (await this.federations.get(round.federationId)) as FederationRecord;
    if (!federation.config.privacy?.secureAggregation) {
      throw new NotFoundException(`round ${round.index} of ${federation.name} does not use secure aggregation`);
    }
    return { federation, round };
  }
}

function toModel(view: SiteSecAggView): SecAggViewModel {
  return Object.assign(new SecAggViewModel(), {
    ...view,
    stepDeadlineAt: view.stepDeadlineAt === null ? null : new Date(view.stepDeadlineAt),
  });
}
