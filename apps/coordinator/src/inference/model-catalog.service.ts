/**
 * Which model a job runs: the serving model (serving/serving-models.service.ts: promoted by an administrator or by
 * the completed-federation policy), or a model version asked for by id that was promoted and not withdrawn — never
 * round 0, never the newest model of whatever federation. A version is its federation's artifacts config (the
 * inference graph) plus its stored weights; loaded models are kept in a small LRU so consecutive jobs do not pay the
 * session start-up, and an evicted model is released only once no job uses it.
 */
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { FedstrokeError } from '@fedstroke/common';
import { loadSegmentationModel, type SegmentationModel } from '@fedstroke/inference';
import type { ModelProvenance } from '@fedstroke/runtime';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import { modelVersionProvenance } from '../model-versions/model-provenance';
import { ModelVersionsService } from '../model-versions/model-versions.service';
import type { ModelVersionRecord } from '../persistence/records';
import { FederationRepository } from '../persistence/repositories';
import { ServingModels } from '../serving/serving-models.service';

export class ModelNotAvailableError extends FedstrokeError {
  constructor(message: string) {
    super('MODEL_NOT_AVAILABLE', message);
  }
}

export interface ChosenModel {
  version: ModelVersionRecord;
  config: string;
  training: ModelProvenance;
}

interface CacheEntry {
  model: Promise<SegmentationModel>;
  users: number;
}

@Injectable()
export class ModelCatalog implements OnApplicationShutdown {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly versions: ModelVersionsService,
    private readonly serving: ServingModels,
    private readonly federations: FederationRepository,
    private readonly config: CoordinatorConfigService,
  ) {}

  /** The serving model, or the promoted version asked for; a ServingError (NO_SERVING_MODEL, …) otherwise. */
  async choose(versionId?: string | null): Promise<ChosenModel> {
    const version = await this.serving.forInference(versionId);
    const federation = await this.federations.get(version.federationId);
    if (!federation) throw new ModelNotAvailableError(`model version ${version.id} belongs to no known federation`);
    return { version, config: federation.config.model.name, training: modelVersionProvenance(federation, version) };
  }

  /** Runs `use` with the loaded model, loading it on first use. */
  async withModel<T>(chosen: ChosenModel, use: (model: SegmentationModel) => Promise<T>): Promise<T> {
    let entry = this.cache.get(chosen.version.id);
    if (!entry) {
      entry = { model: this.load(chosen), users: 0 };
      this.cache.set(chosen.version.id, entry);
      entry.model.catch(() => this.cache.delete(chosen.version.id));
    } else {
      // Most recently used last: Map keeps insertion order.
      this.cache.delete(chosen.version.id);
      this.cache.set(chosen.version.id, entry);
    }
    entry.users++;
    try {
      return await use(await entry.model);
    } finally {
      entry.users--;
      await this.evict();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const entries = [...this.cache.values()];
    this.cache.clear();
    await Promise.all(entries.map((e) => e.model.then((m) => m.release()).catch(() => undefined)));
  }

  /** Loads the version's weights; the sha256 the model reports (hashed once, on load) must be the recorded one. */
  private async load(chosen: ChosenModel): Promise<SegmentationModel> {
    const weights = await this.versions.readWeights(chosen.version);
    const model = await loadSegmentationModel(
      {
        artifactsDir: join(this.config.get('artifactsDir'), chosen.config),
        weights,
        version: chosen.version.id,
        training: chosen.training,
      },
      { intraOpNumThreads: this.config.get('inference').threads, provider: this.config.get('inference').provider },
    );
    if (model.info.sha256 !== chosen.version.sha256) {
      await model.release();
      throw new ModelNotAvailableError(
        `model version ${chosen.version.id}: its stored weights hash to ${model.info.sha256}, not the recorded ` +
          `${chosen.version.sha256}; it is not served`,
      );
    }
    return model;
  }

  private async evict(): Promise<void> {
    for (const [id, entry] of this.cache) {
      if (this.cache.size <= this.config.get('inference').modelCacheSize) return;
      if (entry.users > 0) continue;
      this.cache.delete(id);
      await entry.model.then((m) => m.release()).catch(() => undefined);
    }
  }
}
