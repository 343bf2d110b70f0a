import { Global, Module } from '@nestjs/common';
import { ProgressPublisher } from './progress-publisher.service';
import { RoundEventsService } from './round-events.service';

/** Round progress fan-out, shared by orchestration, uploads, site tasks and the subscription. */
@Global()
@Module({ providers: [RoundEventsService, ProgressPublisher], exports: [RoundEventsService, ProgressPublisher] })
export class RoundEventsModule {}
