import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../database-handle';
import { rowOrNull, toModelVersion } from '../record-rows';
import type { ModelVersionRecord, Page, PageRequest } from '../records';
import { ModelVersionRepository } from '../repositories';
import type { CoreTables } from '../tables';
import { pageOf } from './page-of';

export class SqlModelVersionRepository extends ModelVersionRepository {
  private readonly db: Kysely<CoreTables>;

  constructor(handle: DatabaseHandle) {
    super();
    this.db = handle.db;
  }

  async get(id: string): Promise<ModelVersionRecord | null> {
    const row = await this.db.selectFrom('model_versions').selectAll().where('id', '=', id).executeTakeFirst();
    return rowOrNull(row, toModelVersion);
  }

  async latest(federationId: string): Promise<ModelVersionRecord | null> {
    const row = await this.db
      .selectFrom('model_versions')
      .selectAll()
      .where('federation_id', '=', federationId)
      .orderBy('round_index', 'desc')
      .limit(1)
      .executeTakeFirst();
    return rowOrNull(row, toModelVersion);
  }

  async list(federationId: string, request: PageRequest): Promise<Page<ModelVersionRecord>> {
    return pageOf(
      this.db.selectFrom('model_versions').where('federation_id', '=', federationId),
      request,
      (q) => q.selectAll().orderBy('round_index'),
      toModelVersion,
    );
  }
}
