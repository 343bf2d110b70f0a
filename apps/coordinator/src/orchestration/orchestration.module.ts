import { Global, Module } from '@nestjs/common';
import { RoundEventsModule } from '../rounds/round-events.module';
import { AggregationPort } from './aggregation.port';
import { FederationAggregator } from './federation-aggregator';
import { RoundOrchestrator } from './round-orchestrator.service';
import { ServerStateStore } from './server-state.store';

@Global()
@Module({
  imports: [RoundEventsModule],
  providers: [RoundOrchestrator, ServerStateStore, { provide: AggregationPort, useClass: FederationAggregator }],
  exports: [RoundOrchestrator, AggregationPort],
})
export class OrchestrationModule {}
