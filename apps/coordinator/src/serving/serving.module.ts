/**
 * The serving model: which model version inference uses (promoted by an administrator or by the completed-federation
 * policy), the promote/withdraw mutations and the serving audit. Global, so orchestration can tell it a federation
 * completed and the inference catalog can ask it what to run.
 */
import { Global, Module } from '@nestjs/common';
import { repository } from '../persistence/persistence.module';
import { ServingRepository } from './persistence/serving.repository';
import { SqlServingRepository } from './persistence/sql-serving.repository';
import { ServingResolver } from './serving.resolver';
import { ServingModels } from './serving-models.service';

@Global()
@Module({
  providers: [
    repository(ServingRepository, (handle) => new SqlServingRepository(handle)),
    ServingModels,
    ServingResolver,
  ],
  exports: [ServingModels],
})
export class ServingModule {}
