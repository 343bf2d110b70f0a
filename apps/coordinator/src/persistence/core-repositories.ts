/**
 * The core repositories on one open database: which class serves each contract on each backend, in one table the
 * persistence module and the contract spec both build from.
 */
import type { DatabaseHandle } from './database-handle';
import { PostgresFederationRepository } from './postgres/postgres-federation.repository';
import { PostgresHealth } from './postgres/postgres-health';
import { PostgresModelVersionRepository } from './postgres/postgres-model-version.repository';
import { PostgresParticipationRepository } from './postgres/postgres-participation.repository';
import { PostgresRoundRepository } from './postgres/postgres-round.repository';
import { PostgresSiteRepository } from './postgres/postgres-site.repository';
import type {
  DatabaseHealth,
  FederationRepository,
  ModelVersionRepository,
  ParticipationRepository,
  RoundRepository,
  SiteRepository,
} from './repositories';
import { SqliteFederationRepository } from './sqlite/sqlite-federation.repository';
import { SqliteHealth } from './sqlite/sqlite-health';
import { SqliteModelVersionRepository } from './sqlite/sqlite-model-version.repository';
import { SqliteParticipationRepository } from './sqlite/sqlite-participation.repository';
import { SqliteRoundRepository } from './sqlite/sqlite-round.repository';
import { SqliteSiteRepository } from './sqlite/sqlite-site.repository';

export interface CoreRepositories {
  federations: FederationRepository;
  sites: SiteRepository;
  rounds: RoundRepository;
  participations: ParticipationRepository;
  modelVersions: ModelVersionRepository;
  health: DatabaseHealth;
}

export function buildCoreRepositories(handle: DatabaseHandle): CoreRepositories {
  if (handle.kind === 'sqlite') {
    const { db } = handle;
    return {
      federations: new SqliteFederationRepository(db),
      sites: new SqliteSiteRepository(db),
      rounds: new SqliteRoundRepository(db),
      participations: new SqliteParticipationRepository(db),
      modelVersions: new SqliteModelVersionRepository(db),
      health: new SqliteHealth(db, handle.file),
    };
  }
  const { pool } = handle;
  return {
    federations: new PostgresFederationRepository(pool),
    sites: new PostgresSiteRepository(pool),
    rounds: new PostgresRoundRepository(pool),
    participations: new PostgresParticipationRepository(pool),
    modelVersions: new PostgresModelVersionRepository(pool),
    health: new PostgresHealth(pool, handle.url),
  };
}
