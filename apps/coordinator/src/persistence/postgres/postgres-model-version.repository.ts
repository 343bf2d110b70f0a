import type { Pool } from 'pg';
import { page, type Row, rowOrNull, toModelVersion } from '../record-rows';
import type { ModelVersionRecord, Page, PageRequest } from '../records';
import { ModelVersionRepository } from '../repositories';

export class PostgresModelVersionRepository extends ModelVersionRepository {
  constructor(private readonly pool: Pool) {
    super();
  }

  async get(id: string): Promise<ModelVersionRecord | null> {
    const result = await this.pool.query('SELECT * FROM model_versions WHERE id = $1', [id]);
    return rowOrNull(result.rows[0], toModelVersion);
  }

  async latest(federationId: string): Promise<ModelVersionRecord | null> {
    const result = await this.pool.query(
      'SELECT * FROM model_versions WHERE federation_id = $1 ORDER BY round_index DESC LIMIT 1',
      [federationId],
    );
    return rowOrNull(result.rows[0], toModelVersion);
  }

  async list(federationId: string, request: PageRequest): Promise<Page<ModelVersionRecord>> {
    const rows = await this.pool.query(
      'SELECT * FROM model_versions WHERE federation_id = $1 ORDER BY round_index LIMIT $2 OFFSET $3',
      [federationId, request.limit, request.offset],
    );
    const total = await this.pool.query('SELECT COUNT(*) AS n FROM model_versions WHERE federation_id = $1', [
      federationId,
    ]);
    return page(rows.rows as Row[], total.rows[0].n, toModelVersion);
  }
}
