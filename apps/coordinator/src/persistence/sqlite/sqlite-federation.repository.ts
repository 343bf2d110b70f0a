import { FederationRepository } from '../repositories';
import type { FederationRecord, FederationStatus, ModelVersionRecord, Page, PageRequest } from '../records';
import type { SqliteHandle } from './sqlite-database';
import { federationValues, modelVersionValues, page, type Row, rowOrNull, toFederation } from '../record-rows';
import { INSERT_MODEL_VERSION } from './sqlite-rows';

export class SqliteFederationRepository extends FederationRepository {
  constructor(private readonly db: SqliteHandle) {
    super();
  }

  async create(federation: FederationRecord, initialModel: ModelVersionRecord): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO federations (id, name, status, config_json, created_at, started_at, ended_at, status_reason)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(...federationValues(federation));
      this.db.prepare(INSERT_MODEL_VERSION).run(...modelVersionValues(initialModel));
    })();
  }

  async get(id: string): Promise<FederationRecord | null> {
    return rowOrNull(this.db.prepare('SELECT * FROM federations WHERE id = ?').get(id), toFederation);
  }

  async getByName(name: string): Promise<FederationRecord | null> {
    return rowOrNull(this.db.prepare('SELECT * FROM federations WHERE name = ?').get(name), toFederation);
  }

  async list(request: PageRequest, status?: FederationStatus): Promise<Page<FederationRecord>> {
    const where = status ? 'WHERE status = @status' : '';
    const rows = this.db
      .prepare(`SELECT * FROM federations ${where} ORDER BY created_at, id LIMIT @limit OFFSET @offset`)
      .all({ ...request, status });
    const total = this.db.prepare(`SELECT COUNT(*) AS n FROM federations ${where}`).get({ status }) as { n: number };
    return page(rows as Row[], total.n, toFederation);
  }

  async listByStatus(status: FederationStatus): Promise<FederationRecord[]> {
    const rows = this.db.prepare('SELECT * FROM federations WHERE status = ? ORDER BY created_at, id').all(status);
    return (rows as Row[]).map(toFederation);
  }

  async transition(
    id: string,
    from: readonly FederationStatus[],
    to: FederationStatus,
    changes: { startedAt?: number; endedAt?: number; statusReason?: string | null },
  ): Promise<FederationRecord | null> {
    const result = this.db
      .prepare(
        `UPDATE federations SET status = @to,
           started_at = COALESCE(@startedAt, started_at),
           ended_at = COALESCE(@endedAt, ended_at),
           status_reason = CASE WHEN @hasReason THEN @statusReason ELSE status_reason END
         WHERE id = @id AND status IN (${from.map((_, i) => `@from${i}`).join(', ')})`,
      )
      .run({
        id,
        to,
        startedAt: changes.startedAt ?? null,
        endedAt: changes.endedAt ?? null,
        hasReason: changes.statusReason !== undefined ? 1 : 0,
        statusReason: changes.statusReason ?? null,
        ...Object.fromEntries(from.map((status, i) => [`from${i}`, status])),
      });
    return result.changes === 1 ? this.get(id) : null;
  }
}
