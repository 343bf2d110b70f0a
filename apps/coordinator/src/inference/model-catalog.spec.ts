import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadArtifacts, UNKNOWN_PROVENANCE } from '@fedstroke/runtime';
import { namedConfig, writeArtifacts } from '@fedstroke/unet';
import { resolveCoordinatorConfig } from '../config/coordinator-config';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import type { ModelVersionsService } from '../model-versions/model-versions.service';
import type { ModelVersionRecord } from '../persistence/records';
import type { FederationRepository } from '../persistence/repositories';
import type { ServingModels } from '../serving/serving-models.service';
import { ModelCatalog, ModelNotAvailableError } from './model-catalog.service';

const ARTIFACTS = join(__dirname, '../../../../onnx-models');

describe('ModelCatalog', () => {
  let initial: Float32Array;
  beforeAll(async () => {
    if (!existsSync(join(ARTIFACTS, 'tiny', 'manifest.json'))) await writeArtifacts(ARTIFACTS, namedConfig('tiny'), 0);
    initial = (await loadArtifacts(join(ARTIFACTS, 'tiny'))).initialParameters;
  });

  function catalogServing(stored: Float32Array): ModelCatalog {
    const versions = { readWeights: async () => stored } as unknown as ModelVersionsService;
    const federations = {
      get: async () => ({ config: { model: { name: 'tiny' } } }),
    } as unknown as FederationRepository;
    const config = resolveCoordinatorConfig({
      adminToken: 'admin-token-0123456789',
      dataDir: '/unused',
      artifactsDir: ARTIFACTS,
      inference: { threads: 1 },
    });
    // The serving model is chosen before a model is loaded (choose); withModel, tested here, does not ask it.
    return new ModelCatalog(versions, {} as ServingModels, federations, new CoordinatorConfigService(config));
  }

  const version = (weights: Float32Array): ModelVersionRecord => ({
    id: 'v-1',
    federationId: 'f-1',
    roundIndex: 3,
    sha256: createHash('sha256')
      .update(new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength))
      .digest('hex'),
    sizeBytes: weights.byteLength,
    file: 'models/f-1/round-00003-v-1.f32',
    metrics: {},
    createdAt: 0,
  });

  it('serves stored weights that hash to the recorded sha256', async () => {
    const catalog = catalogServing(initial);
    const recorded = version(initial);
    await expect(
      catalog.withModel(
        { version: recorded, config: 'tiny', training: UNKNOWN_PROVENANCE },
        async (m) => m.info.sha256,
      ),
    ).resolves.toBe(recorded.sha256);
    await catalog.onApplicationShutdown();
  });

  it('refuses to serve weights that changed on disk since they were recorded', async () => {
    const tampered = Float32Array.from(initial);
    tampered[5] += 1;
    const catalog = catalogServing(tampered);
    const error = await catalog
      .withModel({ version: version(initial), config: 'tiny', training: UNKNOWN_PROVENANCE }, async () => 'served')
      .catch((e) => e);
    expect(error).toBeInstanceOf(ModelNotAvailableError);
    expect((error as Error).message).toMatch(
      /^model version v-1: its stored weights hash to [0-9a-f]{64}, not the recorded [0-9a-f]{64}; it is not served$/,
    );
    await catalog.onApplicationShutdown();
  });
});
