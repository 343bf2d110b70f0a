import { ParseUUIDPipe } from '@nestjs/common';
import { Args, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Roles } from '../auth/roles.decorator';
import { toPage } from '../common/page.model';
import { ModelVersionsArgs } from './dto/model-versions.args';
import { ModelVersion, ModelVersionPage } from './models/model-version.model';
import { ModelVersionsService } from './model-versions.service';
import { ModelTraining } from './models/model-training.model';

@Resolver(() => ModelVersion)
export class ModelVersionsResolver {
  constructor(private readonly versions: ModelVersionsService) {}

  @Query(() => ModelVersion)
  @Roles('ADMIN', 'READONLY', 'INFERENCE')
  async modelVersion(@Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<ModelVersion> {
    return ModelVersion.from(await this.versions.get(id));
  }

  @ResolveField(() => String, { description: 'The artifacts config these weights are for (e.g. bench).' })
  async config(@Parent() version: ModelVersion): Promise<string> {
    return (await this.versions.federationOf(await this.versions.get(version.id))).config.model.name;
  }

  @ResolveField(() => ModelTraining, { description: 'How this model was trained (federation, rounds, data).' })
  async training(@Parent() version: ModelVersion): Promise<ModelTraining> {
    return ModelTraining.from(await this.versions.provenance(version.id));
  }

  @Query(() => ModelVersionPage, { description: 'Global models of a federation by round (0 = initial).' })
  @Roles('ADMIN', 'READONLY', 'INFERENCE')
  async modelVersions(@Args() args: ModelVersionsArgs): Promise<ModelVersionPage> {
    const page = await this.versions.list(args.federationId, { offset: args.offset, limit: args.limit });
    return toPage(page, args.offset, ModelVersion.from);
  }
}
