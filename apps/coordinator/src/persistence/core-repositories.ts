/** The core repositories on one open database, built in one place the persistence module and the contract spec share. */
import type { DatabaseHandle } from './database-handle';
import type {
  DatabaseHealth,
  FederationMemberRepository,
  FederationRepository,
  ModelVersionRepository,
  ParticipationRepository,
  RoundRepository,
  SiteRepository,
} from './repositories';
import { SqlDatabaseHealth } from './sql/database-health';
import { SqlFederationMemberRepository } from './sql/federation-member.repository';
import { SqlFederationRepository } from './sql/federation.repository';
import { SqlModelVersionRepository } from './sql/model-version.repository';
import { SqlParticipationRepository } from './sql/participation.repository';
import { SqlRoundRepository } from './sql/round.repository';
import { SqlSiteRepository } from './sql/site.repository';

export interface CoreRepositories {
  federations: FederationRepository;
  members: FederationMemberRepository;
  sites: SiteRepository;
  rounds: RoundRepository;
  participations: ParticipationRepository;
  modelVersions: ModelVersionRepository;
  health: DatabaseHealth;
}

export function buildCoreRepositories(handle: DatabaseHandle): CoreRepositories {
  return {
    federations: new SqlFederationRepository(handle),
    members: new SqlFederationMemberRepository(handle),
    sites: new SqlSiteRepository(handle),
    rounds: new SqlRoundRepository(handle),
    participations: new SqlParticipationRepository(handle),
    modelVersions: new SqlModelVersionRepository(handle),
    health: new SqlDatabaseHealth(handle),
  };
}
