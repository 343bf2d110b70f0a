/** A small plain FedAvg federation record for unit specs (4 parameters, 2 seats, 3 rounds), with overrides. */
import type { FederationConfigRecord, FederationRecord } from '../records';

export function federationFixture(config: Partial<FederationConfigRecord> = {}): FederationRecord {
  return {
    id: 'f',
    name: 'f',
    status: 'RUNNING',
    createdAt: 0,
    startedAt: 0,
    endedAt: null,
    statusReason: null,
    config: {
      strategy: 'FEDAVG',
      rounds: 3,
      sitesPerRound: 2,
      quorum: 2,
      minUpdatesAtDeadline: 1,
      deadlineSeconds: 10,
      localSteps: 1,
      learningRate: 0.1,
      model: { name: 'm', parameterCount: 4, parameterLayoutSha256: 'a'.repeat(64) },
      strategyParams: {},
      ...config,
    },
  };
}
