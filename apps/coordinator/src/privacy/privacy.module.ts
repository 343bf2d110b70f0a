/**
 * Privacy on the coordinator: secure aggregation's relay and unmasking, private aggregation (unmasked sums,
 * central DP-FedAvg), the Rényi-DP accountant and its budget, and the GraphQL that shows them. Global, so round
 * orchestration and site tasks reach it without importing each other.
 */
import { Global, Module } from '@nestjs/common';
import { repository } from '../persistence/persistence.module';
import { PrivacyAccountant } from './privacy-accountant.service';
import { FederationPrivacyResolver, RoundPrivacyResolver } from './privacy.resolver';
import { PrivateAggregator } from './private-aggregator';
import { PrivateRounds } from './private-rounds.service';
import { SecAggRelay } from './secure-aggregation/secagg-relay.service';
import { SecAggRoundSteps } from './secure-aggregation/secagg-round-steps';
import { SecAggUnmasking } from './secure-aggregation/secagg-unmasking';
import { SecureAggregationRepository } from './secure-aggregation/secagg.repository';
import { SecureAggregationResolver } from './secure-aggregation/secagg.resolver';
import { SecureAggregationService } from './secure-aggregation/secure-aggregation.service';
import { SqlSecureAggregationRepository } from './secure-aggregation/sql-secagg.repository';

@Global()
@Module({
  providers: [
    repository(SecureAggregationRepository, (handle) => new SqlSecureAggregationRepository(handle)),
    SecAggRoundSteps,
    SecAggUnmasking,
    SecAggRelay,
    SecureAggregationService,
    PrivateAggregator,
    PrivacyAccountant,
    PrivateRounds,
    SecureAggregationResolver,
    FederationPrivacyResolver,
    RoundPrivacyResolver,
  ],
  exports: [PrivateRounds, SecureAggregationService, PrivacyAccountant],
})
export class PrivacyModule {}
