import { Module } from '@nestjs/common';
import { ParticipationsModule } from '../participations/participations.module';
import { RoundsResolver } from './rounds.resolver';
import { RoundsService } from './rounds.service';

@Module({
  imports: [ParticipationsModule],
  providers: [RoundsResolver, RoundsService],
  exports: [RoundsService],
})
export class RoundsModule {}
