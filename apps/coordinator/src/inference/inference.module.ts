/**
 * Clinical inference on the coordinator: study uploads, the segmentStudy mutation and its job queue, job status
 * (query + subscription), result downloads, retention and the audit trail. Domain code lives in @fedstroke/inference.
 */
import { Module } from '@nestjs/common';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import { ModelVersionsModule } from '../model-versions/model-versions.module';
import { InferenceDatabase } from './persistence/inference-database';
import { InferenceController } from './inference.controller';
import { InferenceJobsService } from './inference-jobs.service';
import { InferenceResolver } from './inference.resolver';
import { InferenceSettings, inferenceSettingsFromEnvironment } from './inference-settings';
import { JobEvents } from './job-events.service';
import { ModelCatalog } from './model-catalog.service';
import { InferenceRepository, SqliteInferenceRepository } from './persistence/inference.repository';
import { RetentionService } from './retention.service';
import { StudySources } from './study-sources';
import { UploadsService } from './uploads.service';

@Module({
  imports: [ModelVersionsModule],
  controllers: [InferenceController],
  providers: [
    {
      provide: InferenceSettings,
      inject: [CoordinatorConfigService],
      useFactory: (config: CoordinatorConfigService) =>
        inferenceSettingsFromEnvironment(process.env, config.get('dataDir')),
    },
    {
      provide: InferenceDatabase,
      inject: [CoordinatorConfigService],
      useFactory: (config: CoordinatorConfigService) => InferenceDatabase.open(config.get('database')),
    },
    {
      provide: InferenceRepository,
      inject: [InferenceDatabase],
      useFactory: (database: InferenceDatabase) => new SqliteInferenceRepository(database.handle),
    },
    InferenceResolver,
    InferenceJobsService,
    JobEvents,
    ModelCatalog,
    RetentionService,
    StudySources,
    UploadsService,
  ],
})
export class InferenceModule {}
