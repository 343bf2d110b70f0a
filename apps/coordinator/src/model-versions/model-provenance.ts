/**
 * How a model version was trained, from its federation's record: what every segmentation result, every export and
 * the GraphQL ModelVersion.training field name. Round 0 is the federation's starting point, never trained by it.
 */
import { recordedTrainingPatch } from '@fedstroke/metrics';
import type { ModelProvenance, TrainingDataKind } from '@fedstroke/runtime';
import type { FederationRecord, InitialModelRecord, ModelVersionRecord } from '../persistence/records';

export function modelVersionProvenance(federation: FederationRecord, version: ModelVersionRecord): ModelProvenance {
  const initial = version.roundIndex === 0;
  const startedFrom = initialModel(federation);
  return {
    kind: initial ? 'initial' : 'federated',
    // Weights that came from elsewhere (PyTorch, another federation) were trained there; random ones never were.
    untrained: initial && startedFrom.source === 'ARTIFACTS',
    federationId: federation.id,
    federationName: federation.name,
    modelVersionId: version.id,
    roundIndex: version.roundIndex,
    rounds: federation.config.rounds,
    strategy: federation.config.strategy,
    trainingData: (federation.config.trainingData ?? 'UNDECLARED').toLowerCase() as TrainingDataKind,
    startedFrom: describeStart(federation, startedFrom),
    // Recorded by the aggregation when every site of the round trained on the same patch.
    trainingPatch: recordedTrainingPatch(version.metrics),
  };
}

export function initialModel(federation: FederationRecord): InitialModelRecord {
  return federation.config.initialModel ?? { source: 'ARTIFACTS', id: null, sha256: '' };
}

function describeStart(federation: FederationRecord, start: InitialModelRecord): string {
  switch (start.source) {
    case 'ARTIFACTS':
      return `the "${federation.config.model.name}" artifacts checkpoint`;
    case 'MODEL_VERSION':
      return `model version ${start.id}`;
    case 'CHECKPOINT':
      return `uploaded checkpoint ${start.id} (sha256 ${start.sha256})`;
  }
}
