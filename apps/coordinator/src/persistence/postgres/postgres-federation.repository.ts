import type { Pool } from 'pg';
import { federationValues, modelVersionValues, page, type Row, rowOrNull, toFederation } from '../record-rows';
import type { FederationRecord, FederationStatus, ModelVersionRecord, Page, PageRequest } from '../records';
import { FederationRepository } from '../repositories';
import { INSERT_MODEL_VERSION } from './postgres-rows';
import { inTransaction } from './postgres-transaction';

export class PostgresFederationRepository extends FederationRepository {
  constructor(private readonly pool: Pool) {
    super();
  }

  async create(federation: FederationRecord, initialModel: ModelVersionRecord): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO federations (id, name, status, config_json, created_at, started_at, ended_at, status_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        federationValues(federation),
      );
      await client.query(INSERT_MODEL_VERSION, modelVersionValues(initialModel));
    });
  }

  async get(id: string): Promise<FederationRecord | null> {
    const result = await this.pool.query('SELECT * FROM federations WHERE id = $1', [id]);
    return rowOrNull(result.rows[0], toFederation);
  }

  async getByName(name: string): Promise<FederationRecord | null> {
    const result = await this.pool.query('SELECT * FROM federations WHERE name = $1', [name]);
    return rowOrNull(result.rows[0], toFederation);
  }

  async list(request: PageRequest, status?: FederationStatus): Promise<Page<FederationRecord>> {
    // A NULL status matches every row, so one statement serves the filtered and the unfiltered listing.
    const where = 'WHERE ($1::text IS NULL OR status = $1)';
    const rows = await this.pool.query(
      `SELECT * FROM federations ${where} ORDER BY created_at, id LIMIT $2 OFFSET $3`,
      [status ?? null, request.limit, request.offset],
    );
    const total = await this.pool.query(`SELECT COUNT(*) AS n FROM federations ${where}`, [status ?? null]);
    return page(rows.rows as Row[], total.rows[0].n, toFederation);
  }

  async listByStatus(status: FederationStatus): Promise<FederationRecord[]> {
    const result = await this.pool.query('SELECT * FROM federations WHERE status = $1 ORDER BY created_at, id', [
      status,
    ]);
    return (result.rows as Row[]).map(toFederation);
  }

  async transition(
    id: string,
    from: readonly FederationStatus[],
    to: FederationStatus,
    changes: { startedAt?: number; endedAt?: number; statusReason?: string | null },
  ): Promise<FederationRecord | null> {
    // Conditional on the current status and returning the new row in the same statement: no window between them.
    const result = await this.pool.query(
      `UPDATE federations SET status = $3,
         started_at = COALESCE($4::bigint, started_at),
         ended_at = COALESCE($5::bigint, ended_at),
         status_reason = CASE WHEN $6::boolean THEN $7::text ELSE status_reason END
       WHERE id = $1 AND status = ANY($2::text[])
       RETURNING *`,
      [
        id,
        [...from],
        to,
        changes.startedAt ?? null,
        changes.endedAt ?? null,
        changes.statusReason !== undefined,
        changes.statusReason ?? null,
      ],
    );
    return rowOrNull(result.rows[0], toFederation);
  }
}
