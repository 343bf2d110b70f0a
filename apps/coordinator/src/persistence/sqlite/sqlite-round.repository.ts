import { type RoundCompletion, RoundRepository, type RoundOutcome } from '../repositories';
import type { FederationRecord, Page, PageRequest, RoundRecord } from '../records';
import type { SqliteHandle } from './sqlite-database';
import { modelVersionValues, page, type Row, roundValues, rowOrNull, toFederation, toRound } from '../record-rows';
import { INSERT_MODEL_VERSION, INSERT_ROUND } from './sqlite-rows';

export class SqliteRoundRepository extends RoundRepository {
  constructor(private readonly db: SqliteHandle) {
    super();
  }

  async get(id: string): Promise<RoundRecord | null> {
    return rowOrNull(this.db.prepare('SELECT * FROM rounds WHERE id = ?').get(id), toRound);
  }

  async latest(federationId: string): Promise<RoundRecord | null> {
    const row = this.db
      .prepare('SELECT * FROM rounds WHERE federation_id = ? ORDER BY round_index DESC LIMIT 1')
      .get(federationId);
    return rowOrNull(row, toRound);
  }

  async list(federationId: string, request: PageRequest): Promise<Page<RoundRecord>> {
    const rows = this.db
      .prepare(
        'SELECT * FROM rounds WHERE federation_id = @federationId ORDER BY round_index LIMIT @limit OFFSET @offset',
      )
      .all({ federationId, ...request });
    const total = this.db.prepare('SELECT COUNT(*) AS n FROM rounds WHERE federation_id = ?').get(federationId) as {
      n: number;
    };
    return page(rows as Row[], total.n, toRound);
  }

  async open(round: RoundRecord): Promise<void> {
    this.db.prepare(INSERT_ROUND).run(...roundValues(round));
  }

  async close(roundId: string, at: number, dropReason: string): Promise<boolean> {
    return this.db.transaction(() => {
      const closed = this.db
        .prepare(`UPDATE rounds SET status = 'AGGREGATING', closed_at = ? WHERE id = ? AND status = 'OPEN'`)
        .run(at, roundId);
      if (closed.changes !== 1) return false;
      this.db
        .prepare(
          `UPDATE participations SET status = 'DROPPED', rejection_reason = ?, updated_at = ?
           WHERE round_id = ? AND status = 'ASSIGNED'`,
        )
        .run(dropReason, at, roundId);
      return true;
    })();
  }

  async setDeadline(roundId: string, deadlineAt: number): Promise<void> {
    this.db.prepare(`UPDATE rounds SET deadline_at = ? WHERE id = ? AND status = 'OPEN'`).run(deadlineAt, roundId);
  }

  async complete(outcome: RoundCompletion): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare(INSERT_MODEL_VERSION).run(...modelVersionValues(outcome.modelVersion));
      this.endRound(
        outcome.roundId,
        `UPDATE rounds SET status = 'COMPLETED', result_model_version_id = @modelVersionId, ended_at = @at,
           metrics_json = @metrics, aggregation_json = @aggregation WHERE id = @roundId AND status = 'AGGREGATING'`,
        {
          modelVersionId: outcome.modelVersion.id,
          at: outcome.at,
          metrics: JSON.stringify(outcome.metrics),
          aggregation: JSON.stringify(outcome.aggregation),
          roundId: outcome.roundId,
        },
      );
      this.openNextOrFinish(outcome);
    })();
  }

  async fail(outcome: RoundOutcome & { reason: string }): Promise<void> {
    this.db.transaction(() => {
      this.endRound(
        outcome.roundId,
        `UPDATE rounds SET status = 'FAILED', ended_at = @at, failure_reason = @reason
         WHERE id = @roundId AND status = 'AGGREGATING'`,
        { at: outcome.at, reason: outcome.reason, roundId: outcome.roundId },
      );
      this.openNextOrFinish(outcome);
    })();
  }

  async cancelFederation(federationId: string, at: number, reason: string): Promise<FederationRecord | null> {
    return this.db.transaction(() => {
      const updated = this.db
        .prepare(
          `UPDATE federations SET status = 'CANCELLED', ended_at = ?, status_reason = ?
           WHERE id = ? AND status IN ('CREATED', 'RUNNING', 'PAUSED')`,
        )
        .run(at, reason, federationId);
      if (updated.changes !== 1) return null;
      this.db
        .prepare(
          `UPDATE participations SET status = 'DROPPED', rejection_reason = ?, updated_at = ?
           WHERE status = 'ASSIGNED' AND round_id IN
             (SELECT id FROM rounds WHERE federation_id = ? AND status IN ('OPEN', 'AGGREGATING'))`,
        )
        .run(`federation cancelled: ${reason}`, at, federationId);
      this.db
        .prepare(
          `UPDATE rounds SET status = 'CANCELLED', ended_at = ?, failure_reason = ?
           WHERE federation_id = ? AND status IN ('OPEN', 'AGGREGATING')`,
        )
        .run(at, reason, federationId);
      const row = this.db.prepare('SELECT * FROM federations WHERE id = ?').get(federationId);
      return toFederation(row as Row);
    })();
  }

  /** Runs inside the caller's transaction; throws (rolling it back) if the round was not AGGREGATING. */
  private endRound(roundId: string, sql: string, params: Record<string, unknown>): void {
    if (this.db.prepare(sql).run(params).changes !== 1) {
      throw new Error(`round ${roundId} is not AGGREGATING; it was ended by someone else`);
    }
  }

  private openNextOrFinish(outcome: RoundOutcome): void {
    if (outcome.next) {
      this.db.prepare(INSERT_ROUND).run(...roundValues(outcome.next));
      return;
    }
    const round = this.db.prepare('SELECT federation_id FROM rounds WHERE id = ?').get(outcome.roundId) as {
      federation_id: string;
    };
    this.db
      .prepare(
        `UPDATE federations SET status = 'COMPLETED', ended_at = ? WHERE id = ? AND status IN ('RUNNING', 'PAUSED')`,
      )
      .run(outcome.at, round.federation_id);
  }
}
