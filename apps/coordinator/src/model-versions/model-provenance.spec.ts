import type { FederationRecord, ModelVersionRecord } from '../persistence/records';
import { federationFixture } from '../persistence/testing/federation-fixture';
import { modelVersionProvenance } from './model-provenance';

const federation: FederationRecord = {
  ...federationFixture({
    rounds: 2,
    model: { name: 'bench', parameterCount: 4, parameterLayoutSha256: 'a'.repeat(64) },
    trainingData: 'SYNTHETIC',
  }),
  name: 'study',
  status: 'COMPLETED',
  endedAt: 1,
};

const version = (metrics: Record<string, number>): ModelVersionRecord => ({
  id: 'v2',
  federationId: 'f',
  roundIndex: 2,
  sha256: 'b'.repeat(64),
  sizeBytes: 16,
  file: 'models/v2.f32',
  metrics,
  createdAt: 1,
});

describe('modelVersionProvenance', () => {
  it('names the patch the round aggregation recorded, the window inference will use', () => {
    const provenance = modelVersionProvenance(
      federation,
      version({ valDice: 0.6, trainPatchD: 40, trainPatchH: 48, trainPatchW: 56 }),
    );
    expect(provenance).toMatchObject({ kind: 'federated', roundIndex: 2, trainingPatch: [40, 48, 56] });
  });

  it('records none for a version without the patch (older rounds, sites on different patches)', () => {
    expect(modelVersionProvenance(federation, version({ valDice: 0.6 })).trainingPatch).toBeNull();
  });
});
