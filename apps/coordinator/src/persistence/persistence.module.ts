/**
 * Binds the repository layer to the engine FEDSTROKE_DATABASE_URL names: SQLite embedded by default, PostgreSQL
 * for a postgres:// URL. One handle (Kysely over a SQLite connection or a pg pool) is opened and migrated at boot and
 * shared by every repository, including those of feature modules (inference) that bind theirs with `repository(...)`.
 */
import { Global, Inject, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import { JsonLogger } from '../logging/json-logger';
import { buildCoreRepositories, type CoreRepositories } from './core-repositories';
import { closeDatabase, type DatabaseHandle, openDatabase } from './database-handle';
import {
  DatabaseHealth,
  FederationMemberRepository,
  FederationRepository,
  ModelVersionRepository,
  ParticipationRepository,
  RoundRepository,
  SiteRepository,
} from './repositories';

/** The one open database (see database-handle.ts). */
export const DATABASE_HANDLE = Symbol('DATABASE_HANDLE');
const CORE_REPOSITORIES = Symbol('CORE_REPOSITORIES');

const handleProvider: Provider = {
  provide: DATABASE_HANDLE,
  inject: [CoordinatorConfigService, JsonLogger],
  useFactory: (config: CoordinatorConfigService, log: JsonLogger): Promise<DatabaseHandle> =>
    openDatabase(config.get('database'), {
      // A pooled connection broke while idle; the pool opens a new one on the next query.
      onIdleError: (error) => log.event('warn', 'database.connection_lost', { error: error.message }),
    }),
};

/** A feature module's repository bound to the shared database (one implementation, for either engine). */
export function repository<T>(
  token: abstract new (...args: never[]) => T,
  build: (handle: DatabaseHandle) => T,
): Provider {
  return { provide: token, inject: [DATABASE_HANDLE], useFactory: build };
}

function core<K extends keyof CoreRepositories>(
  token: abstract new (...args: never[]) => CoreRepositories[K],
  key: K,
): Provider {
  return { provide: token, inject: [CORE_REPOSITORIES], useFactory: (all: CoreRepositories) => all[key] };
}

@Global()
@Module({
  providers: [
    handleProvider,
    { provide: CORE_REPOSITORIES, inject: [DATABASE_HANDLE], useFactory: buildCoreRepositories },
    core(FederationRepository, 'federations'),
    core(FederationMemberRepository, 'members'),
    core(SiteRepository, 'sites'),
    core(RoundRepository, 'rounds'),
    core(ParticipationRepository, 'participations'),
    core(ModelVersionRepository, 'modelVersions'),
    core(DatabaseHealth, 'health'),
  ],
  exports: [
    DATABASE_HANDLE,
    FederationRepository,
    FederationMemberRepository,
    SiteRepository,
    RoundRepository,
    ParticipationRepository,
    ModelVersionRepository,
    DatabaseHealth,
  ],
})
export class PersistenceModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE_HANDLE) private readonly handle: DatabaseHandle) {}

  async onApplicationShutdown(): Promise<void> {
    await closeDatabase(this.handle);
  }
}
