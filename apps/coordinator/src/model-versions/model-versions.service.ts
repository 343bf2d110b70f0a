import { Injectable, NotFoundException } from '@nestjs/common';
import type { ReadStream } from 'node:fs';
import type { ModelProvenance } from '@fedstroke/runtime';
import type { FederationRecord, ModelVersionRecord, Page, PageRequest } from '../persistence/records';
import { FederationRepository, ModelVersionRepository } from '../persistence/repositories';
import { WeightsStore } from '../storage/weights-store';
import { modelVersionProvenance } from './model-provenance';

@Injectable()
export class ModelVersionsService {
  constructor(
    private readonly versions: ModelVersionRepository,
    private readonly federations: FederationRepository,
    private readonly store: WeightsStore,
  ) {}

  /** The version's federation; every version has one (they are created together). */
  async federationOf(version: ModelVersionRecord): Promise<FederationRecord> {
    const federation = await this.federations.get(version.federationId);
    if (!federation) throw new NotFoundException(`model version ${version.id} belongs to no known federation`);
    return federation;
  }

  async provenance(id: string): Promise<ModelProvenance> {
    const version = await this.get(id);
    return modelVersionProvenance(await this.federationOf(version), version);
  }

  async get(id: string): Promise<ModelVersionRecord> {
    const version = await this.versions.get(id);
    if (!version) throw new NotFoundException(`model version ${id} does not exist`);
    return version;
  }

  list(federationId: string, page: PageRequest): Promise<Page<ModelVersionRecord>> {
    return this.versions.list(federationId, page);
  }

  latest(federationId: string): Promise<ModelVersionRecord | null> {
    return this.versions.latest(federationId);
  }

  readWeights(version: ModelVersionRecord): Promise<Float32Array> {
    return this.store.readFloat32(version.file);
  }

  openRead(version: ModelVersionRecord): ReadStream {
    return this.store.openRead(version.file);
  }
}

/** Where a federation's global model of a round lives under the data directory. */
export function modelVersionFile(federationId: string, roundIndex: number, versionId: string): string {
  return `models/${federationId}/round-${String(roundIndex).padStart(5, '0')}-${versionId}.f32`;
}
