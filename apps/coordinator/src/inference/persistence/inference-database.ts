/**
 * The inference module's connection to the coordinator's SQLite file. The persistence module does not export its
 * handle, so this opens a second connection to the same file (WAL mode: readers and the one writer coexist; the
 * busy timeout covers the rare write overlap) and closes it at shutdown.
 */
import type { OnApplicationShutdown } from '@nestjs/common';
import { DatabaseNotImplementedError } from '../../persistence/persistence.module';
import { openSqliteDatabase, type SqliteHandle } from '../../persistence/sqlite/sqlite-database';
import type { CoordinatorConfig } from '../../config/coordinator-config';

export class InferenceDatabase implements OnApplicationShutdown {
  private constructor(readonly handle: SqliteHandle) {}

  static open(database: CoordinatorConfig['database']): InferenceDatabase {
    if (database.kind === 'postgres') throw new DatabaseNotImplementedError(database.url);
    return new InferenceDatabase(openSqliteDatabase(database.file));
  }

  onApplicationShutdown(): void {
    if (this.handle.open) this.handle.close();
  }
}
