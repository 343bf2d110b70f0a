import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ParseUUIDPipe } from '@nestjs/common';
import { Roles } from '../auth/roles.decorator';
import { toPage } from '../common/page.model';
import { ModelVersion } from '../model-versions/models/model-version.model';
import { ModelVersionsService } from '../model-versions/model-versions.service';
import { Round } from '../rounds/models/round.model';
import { RoundsService } from '../rounds/rounds.service';
import { CreateFederationInput } from './dto/create-federation.input';
import { FederationIdArgs, FederationReasonArgs } from './dto/federation-control.args';
import { FederationsArgs } from './dto/federations.args';
import { FederationsService } from './federations.service';
import { Federation, FederationPage } from './models/federation.model';

@Resolver(() => Federation)
export class FederationsResolver {
  constructor(
    private readonly service: FederationsService,
    private readonly rounds: RoundsService,
    private readonly modelVersions: ModelVersionsService,
  ) {}

  @Query(() => Federation)
  @Roles('ADMIN', 'READONLY')
  async federation(@Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<Federation> {
    return Federation.from(await this.service.get(id));
  }

  @Query(() => FederationPage)
  @Roles('ADMIN', 'READONLY')
  async federations(@Args() args: FederationsArgs): Promise<FederationPage> {
    const page = await this.service.list({ offset: args.offset, limit: args.limit }, args.status);
    return toPage(page, args.offset, Federation.from);
  }

  @ResolveField(() => Round, { nullable: true, description: 'The latest round (open, aggregating or the last one).' })
  async currentRound(@Parent() federation: Federation): Promise<Round | null> {
    const round = await this.rounds.latest(federation.id);
    return round ? Round.from(round) : null;
  }

  @ResolveField(() => ModelVersion, { nullable: true, description: 'The newest global model (round 0 = initial).' })
  async latestModelVersion(@Parent() federation: Federation): Promise<ModelVersion | null> {
    const version = await this.modelVersions.latest(federation.id);
    return version ? ModelVersion.from(version) : null;
  }

  @Mutation(() => Federation, { description: 'Creates a federation (CREATED) and stores its initial model.' })
  @Roles('ADMIN')
  async createFederation(@Args('input') input: CreateFederationInput): Promise<Federation> {
    return Federation.from(await this.service.create(input));
  }

  @Mutation(() => Federation, { description: 'CREATED → RUNNING: publishes round 1.' })
  @Roles('ADMIN')
  async startFederation(@Args() args: FederationIdArgs): Promise<Federation> {
    return Federation.from(await this.service.start(args.id));
  }

  @Mutation(() => Federation, { description: 'RUNNING → PAUSED: no new tasks; uploads for the open round still land.' })
  @Roles('ADMIN')
  async pauseFederation(@Args() args: FederationReasonArgs): Promise<Federation> {
    return Federation.from(await this.service.pause(args.id, args.reason));
  }

  @Mutation(() => Federation, { description: 'PAUSED → RUNNING: the open round gets a fresh deadline.' })
  @Roles('ADMIN')
  async resumeFederation(@Args() args: FederationIdArgs): Promise<Federation> {
    return Federation.from(await this.service.resume(args.id));
  }

  @Mutation(() => Federation, { description: 'Ends the federation; its open round is cancelled.' })
  @Roles('ADMIN')
  async cancelFederation(@Args() args: FederationReasonArgs): Promise<Federation> {
    return Federation.from(await this.service.cancel(args.id, args.reason));
  }
}
