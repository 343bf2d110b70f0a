/**
 * Clinical inference on the coordinator: study uploads, the segmentStudy mutation and its job queue, job status
 * (query + subscription), result downloads, retention and the audit trail. Domain code lives in @fedstroke/inference.
 * Settings come from CoordinatorConfig's `inference` section; the tables share the core database (SQLite or
 * PostgreSQL) and its migrations.
 */
import { Module } from '@nestjs/common';
import { ModelVersionsModule } from '../model-versions/model-versions.module';
import { repository } from '../persistence/persistence.module';
import { InferenceController } from './inference.controller';
import { InferenceJobsService } from './inference-jobs.service';
import { InferenceResolver } from './inference.resolver';
import { JobEvents } from './job-events.service';
import { JobInputs } from './job-inputs.service';
import { ModelCatalog } from './model-catalog.service';
import { InferenceRepository } from './persistence/inference.repository';
import { SqlInferenceRepository } from './persistence/sql-inference.repository';
import { RetentionService } from './retention.service';
import { StudySources } from './study-sources';
import { UploadsService } from './uploads.service';

@Module({
  imports: [ModelVersionsModule],
  controllers: [InferenceController],
  providers: [
    repository(InferenceRepository, (handle) => new SqlInferenceRepository(handle)),
    InferenceResolver,
    InferenceJobsService,
    JobEvents,
    JobInputs,
    ModelCatalog,
    RetentionService,
    StudySources,
    UploadsService,
  ],
})
export class InferenceModule {}
