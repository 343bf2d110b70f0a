/**
 * Binds the repository layer to a backend chosen by FEDSTROKE_DATABASE_URL. SQLite is the embedded default;
 * a postgres:// URL is recognised but its repositories are not written yet, and boot says so plainly.
 */
import { Global, Inject, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { FedstrokeError } from '@fedstroke/common';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import {
  DatabaseHealth,
  FederationRepository,
  ModelVersionRepository,
  ParticipationRepository,
  RoundRepository,
  SiteRepository,
} from './repositories';
import { openSqliteDatabase, type SqliteHandle } from './sqlite/sqlite-database';
import { SqliteFederationRepository } from './sqlite/sqlite-federation.repository';
import { SqliteHealth } from './sqlite/sqlite-health';
import { SqliteModelVersionRepository } from './sqlite/sqlite-model-version.repository';
import { SqliteParticipationRepository } from './sqlite/sqlite-participation.repository';
import { SqliteRoundRepository } from './sqlite/sqlite-round.repository';
import { SqliteSiteRepository } from './sqlite/sqlite-site.repository';

/**
 * The one SQLite connection, exported so a feature module with its own repository (inference) shares it rather
 * than opening a second connection to the same file.
 */
export const SQLITE_HANDLE = Symbol('SQLITE_HANDLE');

export class DatabaseNotImplementedError extends FedstrokeError {
  constructor(url: string) {
    super(
      'DATABASE_NOT_IMPLEMENTED',
      `FEDSTROKE_DATABASE_URL=${url.replace(/\/\/[^@]*@/, '//***@')}: the PostgreSQL repositories are not implemented yet; ` +
        'unset FEDSTROKE_DATABASE_URL (or use sqlite:///path/file.sqlite) to run on the embedded SQLite database',
    );
  }
}

const handleProvider: Provider = {
  provide: SQLITE_HANDLE,
  inject: [CoordinatorConfigService],
  useFactory: (config: CoordinatorConfigService): SqliteHandle => {
    const database = config.get('database');
    if (database.kind === 'postgres') throw new DatabaseNotImplementedError(database.url);
    return openSqliteDatabase(database.file);
  },
};

/** A repository bound to the shared SQLite connection. */
export function sqlite<T>(token: abstract new (...args: never[]) => T, build: (db: SqliteHandle) => T): Provider {
  return { provide: token, inject: [SQLITE_HANDLE], useFactory: build };
}

@Global()
@Module({
  providers: [
    handleProvider,
    sqlite(FederationRepository, (db) => new SqliteFederationRepository(db)),
    sqlite(SiteRepository, (db) => new SqliteSiteRepository(db)),
    sqlite(RoundRepository, (db) => new SqliteRoundRepository(db)),
    sqlite(ParticipationRepository, (db) => new SqliteParticipationRepository(db)),
    sqlite(ModelVersionRepository, (db) => new SqliteModelVersionRepository(db)),
    {
      provide: DatabaseHealth,
      inject: [SQLITE_HANDLE, CoordinatorConfigService],
      useFactory: (db: SqliteHandle, config: CoordinatorConfigService) => {
        const database = config.get('database');
        return new SqliteHealth(db, database.kind === 'sqlite' ? database.file : '');
      },
    },
  ],
  exports: [
    SQLITE_HANDLE,
    FederationRepository,
    SiteRepository,
    RoundRepository,
    ParticipationRepository,
    ModelVersionRepository,
    DatabaseHealth,
  ],
})
export class PersistenceModule implements OnApplicationShutdown {
  constructor(@Inject(SQLITE_HANDLE) private readonly db: SqliteHandle) {}

  onApplicationShutdown(): void {
    // Checkpoints the WAL into the main file so a backup of the .sqlite alone is complete.
    if (this.db.open) this.db.close();
  }
}
