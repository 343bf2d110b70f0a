import { Module } from '@nestjs/common';
import { ModelVersionsModule } from '../model-versions/model-versions.module';
import { ModelsController } from './models.controller';
import { UpdatesController } from './updates.controller';
import { UpdatesService } from './updates.service';

/** Weights over binary HTTP: model downloads and update uploads (never inside GraphQL JSON). */
@Module({
  imports: [ModelVersionsModule],
  controllers: [ModelsController, UpdatesController],
  providers: [UpdatesService],
})
export class TransferModule {}
