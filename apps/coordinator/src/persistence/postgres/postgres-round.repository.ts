import type { Pool, PoolClient } from 'pg';
import { modelVersionValues, page, type Row, roundValues, rowOrNull, toFederation, toRound } from '../record-rows';
import type { FederationRecord, Page, PageRequest, RoundRecord } from '../records';
import { type RoundCompletion, RoundRepository, type RoundOutcome } from '../repositories';
import { INSERT_MODEL_VERSION, INSERT_ROUND } from './postgres-rows';
import { inTransaction } from './postgres-transaction';

export class PostgresRoundRepository extends RoundRepository {
  constructor(private readonly pool: Pool) {
    super();
  }

  async get(id: string): Promise<RoundRecord | null> {
    const result = await this.pool.query('SELECT * FROM rounds WHERE id = $1', [id]);
    return rowOrNull(result.rows[0], toRound);
  }

  async latest(federationId: string): Promise<RoundRecord | null> {
    const result = await this.pool.query(
      'SELECT * FROM rounds WHERE federation_id = $1 ORDER BY round_index DESC LIMIT 1',
      [federationId],
    );
    return rowOrNull(result.rows[0], toRound);
  }

  async list(federationId: string, request: PageRequest): Promise<Page<RoundRecord>> {
    const rows = await this.pool.query(
      'SELECT * FROM rounds WHERE federation_id = $1 ORDER BY round_index LIMIT $2 OFFSET $3',
      [federationId, request.limit, request.offset],
    );
    const total = await this.pool.query('SELECT COUNT(*) AS n FROM rounds WHERE federation_id = $1', [federationId]);
    return page(rows.rows as Row[], total.rows[0].n, toRound);
  }

  async open(round: RoundRecord): Promise<void> {
    await this.pool.query(INSERT_ROUND, roundValues(round));
  }

  async close(roundId: string, at: number, dropReason: string): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      // The row lock this UPDATE takes makes a concurrent assign or accept (which lock the round first) wait for
      // the commit and then see AGGREGATING, as SQLite's single writer guarantees.
      const closed = await client.query(
        `UPDATE rounds SET status = 'AGGREGATING', closed_at = $2 WHERE id = $1 AND status = 'OPEN'`,
        [roundId, at],
      );
      if (closed.rowCount !== 1) return false;
      await client.query(
        `UPDATE participations SET status = 'DROPPED', rejection_reason = $2, updated_at = $3
         WHERE round_id = $1 AND status = 'ASSIGNED'`,
        [roundId, dropReason, at],
      );
      return true;
    });
  }

  async setDeadline(roundId: string, deadlineAt: number): Promise<void> {
    await this.pool.query(`UPDATE rounds SET deadline_at = $2 WHERE id = $1 AND status = 'OPEN'`, [
      roundId,
      deadlineAt,
    ]);
  }

  async complete(outcome: RoundCompletion): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(INSERT_MODEL_VERSION, modelVersionValues(outcome.modelVersion));
      await endRound(
        client,
        outcome.roundId,
        `UPDATE rounds SET status = 'COMPLETED', result_model_version_id = $2, ended_at = $3,
           metrics_json = $4, aggregation_json = $5 WHERE id = $1 AND status = 'AGGREGATING'`,
        [
          outcome.roundId,
          outcome.modelVersion.id,
          outcome.at,
          JSON.stringify(outcome.metrics),
          JSON.stringify(outcome.aggregation),
        ],
      );
      await openNextOrFinish(client, outcome);
    });
  }

  async fail(outcome: RoundOutcome & { reason: string }): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await endRound(
        client,
        outcome.roundId,
        `UPDATE rounds SET status = 'FAILED', ended_at = $2, failure_reason = $3
         WHERE id = $1 AND status = 'AGGREGATING'`,
        [outcome.roundId, outcome.at, outcome.reason],
      );
      await openNextOrFinish(client, outcome);
    });
  }

  async cancelFederation(federationId: string, at: number, reason: string): Promise<FederationRecord | null> {
    return inTransaction(this.pool, async (client) => {
      // Locks are taken in the order every other transaction takes them (round, then federation, then
      // participations), so a cancel racing a round that completes waits for it instead of deadlocking.
      await client.query(
        `SELECT id FROM rounds WHERE federation_id = $1 AND status IN ('OPEN', 'AGGREGATING')
         ORDER BY round_index FOR UPDATE`,
        [federationId],
      );
      const updated = await client.query(
        `UPDATE federations SET status = 'CANCELLED', ended_at = $2, status_reason = $3
         WHERE id = $1 AND status IN ('CREATED', 'RUNNING', 'PAUSED')
         RETURNING *`,
        [federationId, at, reason],
      );
      if (updated.rowCount !== 1) return null;
      await client.query(
        `UPDATE participations SET status = 'DROPPED', rejection_reason = $2, updated_at = $3
         WHERE status = 'ASSIGNED' AND round_id IN
           (SELECT id FROM rounds WHERE federation_id = $1 AND status IN ('OPEN', 'AGGREGATING'))`,
        [federationId, `federation cancelled: ${reason}`, at],
      );
      await client.query(
        `UPDATE rounds SET status = 'CANCELLED', ended_at = $2, failure_reason = $3
         WHERE federation_id = $1 AND status IN ('OPEN', 'AGGREGATING')`,
        [federationId, at, reason],
      );
      return toFederation(updated.rows[0] as Row);
    });
  }
}

/** Runs inside the caller's transaction; throws (rolling it back) if the round was not AGGREGATING. */
async function endRound(client: PoolClient, roundId: string, sql: string, values: unknown[]): Promise<void> {
  if ((await client.query(sql, values)).rowCount !== 1) {
    throw new Error(`round ${roundId} is not AGGREGATING; it was ended by someone else`);
  }
}

async function openNextOrFinish(client: PoolClient, outcome: RoundOutcome): Promise<void> {
  if (outcome.next) {
    await client.query(INSERT_ROUND, roundValues(outcome.next));
    return;
  }
  await client.query(
    `UPDATE federations SET status = 'COMPLETED', ended_at = $2
     WHERE id = (SELECT federation_id FROM rounds WHERE id = $1) AND status IN ('RUNNING', 'PAUSED')`,
    [outcome.roundId, outcome.at],
  );
}
