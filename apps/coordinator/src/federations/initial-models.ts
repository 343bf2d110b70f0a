/**
 * The weights a new federation starts from (its round-0 model): the config's artifacts checkpoint by default, or a
 * model version (another federation's, e.g. to continue training), or a checkpoint uploaded with POST /checkpoints
 * (e.g. weights trained in PyTorch). Whatever the source, the weights must have the config's parameter layout; a
 * mismatch is refused with a message naming both layouts.
 */
import { BadRequestException, Injectable } from '@nestjs/common';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import { ArtifactModelError, readArtifactModel } from '../model-versions/artifact-model.reader';
import { CheckpointStore } from '../model-versions/checkpoints/checkpoint-store';
import { ModelVersionsService } from '../model-versions/model-versions.service';
import type { InitialModelRecord, ModelConfigRecord } from '../persistence/records';
import type { InitialModelInput } from './dto/create-federation.input';

export interface InitialModelChoice {
  model: ModelConfigRecord;
  weights: Float32Array;
  /** sha256 is filled in once the weights are stored. */
  source: Omit<InitialModelRecord, 'sha256'>;
}

@Injectable()
export class InitialModels {
  constructor(
    private readonly config: CoordinatorConfigService,
    private readonly versions: ModelVersionsService,
    private readonly checkpoints: CheckpointStore,
  ) {}

  async choose(configName: string, input?: InitialModelInput | null): Promise<InitialModelChoice> {
    const artifacts = await this.readArtifacts(configName);
    const { modelVersionId, checkpointId } = input ?? {};
    if (modelVersionId && checkpointId) {
      throw new BadRequestException('initialModel takes modelVersionId or checkpointId, not both');
    }
    const expected = artifacts.model.parameterLayoutSha256;
    const mismatch = (what: string, config: string, layout: string) =>
      new BadRequestException(
        `initialModel ${what} has the parameter layout of config "${config}" (${layout}); modelConfigName ` +
          `"${configName}" has layout ${expected}: start from weights of the same architecture`,
      );
    if (modelVersionId) {
      const version = await this.versions.get(modelVersionId).catch(() => {
        throw new BadRequestException(`initialModel.modelVersionId ${modelVersionId} does not exist`);
      });
      const { model } = (await this.versions.federationOf(version)).config;
      if (model.parameterLayoutSha256 !== expected) {
        throw mismatch(`model version ${modelVersionId}`, model.name, model.parameterLayoutSha256);
      }
      return {
        model: artifacts.model,
        weights: await this.versions.readWeights(version),
        source: { source: 'MODEL_VERSION', id: version.id },
      };
    }
    if (checkpointId) {
      const { record, weights } = await this.checkpoints.get(checkpointId).catch((error: Error) => {
        throw new BadRequestException(`initialModel.checkpointId: ${error.message}`);
      });
      if (record.parameterLayoutSha256 !== expected) {
        throw mismatch(`checkpoint ${checkpointId}`, record.config, record.parameterLayoutSha256);
      }
      return { model: artifacts.model, weights, source: { source: 'CHECKPOINT', id: record.id } };
    }
    return { model: artifacts.model, weights: artifacts.weights, source: { source: 'ARTIFACTS', id: null } };
  }

  private async readArtifacts(name: string): Promise<Awaited<ReturnType<typeof readArtifactModel>>> {
    try {
      return await readArtifactModel(this.config.get('artifactsDir'), name);
    } catch (error) {
      if (error instanceof ArtifactModelError) throw new BadRequestException(error.message);
      throw error;
    }
  }
}
