/**
 * A model version read straight from a coordinator's data: its database (the SQLite file in the data directory, or
 * the FEDSTROKE_DATABASE_URL it runs on) and its weights file. For `fedstroke export --data-dir`, on a stopped
 * coordinator or beside a running one (SQLite in WAL mode serves readers while it writes); the database is opened,
 * and migrated if this build is newer, exactly as the coordinator would open it.
 */
import { NotFoundException } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ModelProvenance } from '@fedstroke/runtime';
import { parseDatabaseUrl } from '../config/coordinator-config';
import { buildCoreRepositories } from '../persistence/core-repositories';
import { closeDatabase, openDatabase } from '../persistence/database-handle';
import type { FederationRecord, ModelVersionRecord } from '../persistence/records';
import { WeightsStore } from '../storage/weights-store';
import { modelVersionProvenance } from './model-provenance';

export interface StoredModelVersion {
  version: ModelVersionRecord;
  federation: FederationRecord;
  provenance: ModelProvenance;
  weights: Float32Array;
}

export async function readStoredModelVersion(
  location: { dataDir: string; databaseUrl?: string },
  versionId: string,
): Promise<StoredModelVersion> {
  const dataDir = resolve(location.dataDir);
  const database = parseDatabaseUrl(location.databaseUrl, dataDir, 1);
  // Opening a SQLite file that is not there would create an empty database: say where none was found instead.
  if (database.kind === 'sqlite' && !existsSync(database.file)) {
    throw new NotFoundException(`no coordinator database at ${database.file} (is ${dataDir} a coordinator data dir?)`);
  }
  const handle = await openDatabase(database);
  try {
    const repositories = buildCoreRepositories(handle);
    const version = await repositories.modelVersions.get(versionId);
    if (!version) throw new NotFoundException(`model version ${versionId} does not exist in ${dataDir}`);
    const federation = await repositories.federations.get(version.federationId);
    if (!federation) throw new NotFoundException(`model version ${versionId} belongs to no known federation`);
    const weights = await new WeightsStore(dataDir).readFloat32(version.file);
    return { version, federation, provenance: modelVersionProvenance(federation, version), weights };
  } finally {
    await closeDatabase(handle);
  }
}
