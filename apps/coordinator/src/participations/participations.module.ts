import { Module } from '@nestjs/common';
import { ParticipationsResolver } from './participations.resolver';
import { ParticipationsService } from './participations.service';

@Module({ providers: [ParticipationsResolver, ParticipationsService], exports: [ParticipationsService] })
export class ParticipationsModule {}
