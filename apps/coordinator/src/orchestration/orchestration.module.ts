import { Global, Module } from '@nestjs/common';
import { RoundEventsModule } from '../rounds/round-events.module';
import { AggregationPort } from './aggregation.port';
import { FederationAggregator } from './federation-aggregator';
import { RoundOrchestrator } from './round-orchestrator.service';
import { ServerStateStore } from './server-state.store';
import { UpdateNormBounds } from './update-norm-bounds';

@Global()
@Module({
  imports: [RoundEventsModule],
  providers: [
    RoundOrchestrator,
    ServerStateStore,
    UpdateNormBounds,
    { provide: AggregationPort, useClass: FederationAggregator },
  ],
  exports: [RoundOrchestrator, AggregationPort, UpdateNormBounds, ServerStateStore],
})
export class OrchestrationModule {}
