import { Module } from '@nestjs/common';
import { ModelVersionsModule } from '../model-versions/model-versions.module';
import { RoundsModule } from '../rounds/rounds.module';
import { FederationMembershipResolver } from './federation-membership.resolver';
import { FederationMembershipService } from './federation-membership.service';
import { FederationsResolver } from './federations.resolver';
import { FederationsService } from './federations.service';
import { InitialModels } from './initial-models';

@Module({
  imports: [RoundsModule, ModelVersionsModule],
  providers: [
    FederationsResolver,
    FederationsService,
    InitialModels,
    FederationMembershipResolver,
    FederationMembershipService,
  ],
})
export class FederationsModule {}
