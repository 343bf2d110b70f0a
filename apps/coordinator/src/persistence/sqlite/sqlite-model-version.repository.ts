import { ModelVersionRepository } from '../repositories';
import type { ModelVersionRecord, Page, PageRequest } from '../records';
import type { SqliteHandle } from './sqlite-database';
import { page, type Row, rowOrNull, toModelVersion } from '../record-rows';

export class SqliteModelVersionRepository extends ModelVersionRepository {
  constructor(private readonly db: SqliteHandle) {
    super();
  }

  async get(id: string): Promise<ModelVersionRecord | null> {
    return rowOrNull(this.db.prepare('SELECT * FROM model_versions WHERE id = ?').get(id), toModelVersion);
  }

  async latest(federationId: string): Promise<ModelVersionRecord | null> {
    const row = this.db
      .prepare('SELECT * FROM model_versions WHERE federation_id = ? ORDER BY round_index DESC LIMIT 1')
      .get(federationId);
    return rowOrNull(row, toModelVersion);
  }

  async list(federationId: string, request: PageRequest): Promise<Page<ModelVersionRecord>> {
    const rows = this.db
      .prepare(
        'SELECT * FROM model_versions WHERE federation_id = @federationId ORDER BY round_index LIMIT @limit OFFSET @offset',
      )
      .all({ federationId, ...request });
    const total = this.db
      .prepare('SELECT COUNT(*) AS n FROM model_versions WHERE federation_id = ?')
      .get(federationId) as { n: number };
    return page(rows as Row[], total.n, toModelVersion);
  }
}
