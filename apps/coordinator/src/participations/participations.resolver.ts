import { ParseUUIDPipe } from '@nestjs/common';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { Roles } from '../auth/roles.decorator';
import { toPage } from '../common/page.model';
import { ParticipationsArgs } from './dto/participations.args';
import { Participation, ParticipationPage } from './models/participation.model';
import { ParticipationsService } from './participations.service';

@Resolver(() => Participation)
export class ParticipationsResolver {
  constructor(private readonly service: ParticipationsService) {}

  @Query(() => Participation)
  @Roles('ADMIN', 'READONLY')
  async participation(@Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<Participation> {
    return Participation.from(await this.service.get(id));
  }

  @Query(() => ParticipationPage, { description: 'Participations of a round, in assignment order.' })
  @Roles('ADMIN', 'READONLY')
  async participations(@Args() args: ParticipationsArgs): Promise<ParticipationPage> {
    const page = await this.service.list(args.roundId, { offset: args.offset, limit: args.limit });
    return toPage(page, args.offset, Participation.from);
  }
}
