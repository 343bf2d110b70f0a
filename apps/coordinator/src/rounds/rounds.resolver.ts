import { ParseUUIDPipe } from '@nestjs/common';
import { Args, ID, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { Roles } from '../auth/roles.decorator';
import { toPage } from '../common/page.model';
import { Participation } from '../participations/models/participation.model';
import { ParticipationsService } from '../participations/participations.service';
import { RoundProgressArgs, RoundsArgs } from './dto/rounds.args';
import { RoundProgress } from './models/round-progress.model';
import { ParticipationCountsModel, Round, RoundPage } from './models/round.model';
import { ProgressPublisher } from './progress-publisher.service';
import { RoundEventsService } from './round-events.service';
import { RoundsService } from './rounds.service';

@Resolver(() => Round)
export class RoundsResolver {
  constructor(
    private readonly service: RoundsService,
    private readonly participations: ParticipationsService,
    private readonly events: RoundEventsService,
    private readonly progress: ProgressPublisher,
  ) {}

  @Query(() => Round)
  @Roles('ADMIN', 'READONLY')
  async round(@Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<Round> {
    return Round.from(await this.service.get(id));
  }

  @Query(() => RoundPage, { description: 'Rounds of a federation, by index.' })
  @Roles('ADMIN', 'READONLY')
  async rounds(@Args() args: RoundsArgs): Promise<RoundPage> {
    const page = await this.service.list(args.federationId, { offset: args.offset, limit: args.limit });
    return toPage(page, args.offset, Round.from);
  }

  @ResolveField(() => ParticipationCountsModel)
  counts(@Parent() round: Round): Promise<ParticipationCountsModel> {
    return this.service.counts(round.id);
  }

  @ResolveField(() => [Participation], { description: 'Every site that took part (bounded by sitesPerRound).' })
  async participants(@Parent() round: Round): Promise<Participation[]> {
    return (await this.participations.allOfRound(round.id)).map(Participation.from);
  }

  @Subscription(() => RoundProgress, {
    description: 'Every round event of one federation (graphql-ws; token in connectionParams.authorization).',
    resolve: (payload: RoundProgress) => payload,
  })
  @Roles('ADMIN', 'READONLY')
  async roundProgress(@Args() args: RoundProgressArgs): Promise<AsyncIterator<RoundProgress>> {
    await this.service.assertFederationExists(args.federationId);
    return this.events.subscribe(args.federationId, () => this.progress.build('SNAPSHOT', args.federationId, null));
  }
}
