import { Module } from '@nestjs/common';
import { CheckpointStore } from './checkpoints/checkpoint-store';
import { CheckpointsController } from './checkpoints/checkpoints.controller';
import { ModelVersionsResolver } from './model-versions.resolver';
import { ModelVersionsService } from './model-versions.service';

@Module({
  controllers: [CheckpointsController],
  providers: [ModelVersionsResolver, ModelVersionsService, CheckpointStore],
  exports: [ModelVersionsService, CheckpointStore],
})
export class ModelVersionsModule {}
