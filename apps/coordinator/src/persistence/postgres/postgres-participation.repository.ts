import type { Pool } from 'pg';
import {
  assignmentValues,
  int,
  page,
  type Row,
  rowOrNull,
  toParticipation,
  toParticipationCounts,
} from '../record-rows';
import type { Page, PageRequest, ParticipationRecord, ParticipationStatus } from '../records';
import { ParticipationRepository, type ParticipationCounts, type UpdateReceipt } from '../repositories';
import { inTransaction } from './postgres-transaction';

/**
 * SQLite runs one writer at a time; PostgreSQL runs these concurrently under READ COMMITTED. Every method that
 * depends on the round being OPEN therefore locks the round row first (assign exclusively, so two sites cannot
 * both take the last seat; accept shared, so a close waits for it or it sees the close), which gives the same
 * outcomes as SQLite's serial order.
 */
export class PostgresParticipationRepository extends ParticipationRepository {
  constructor(private readonly pool: Pool) {
    super();
  }

  async get(id: string): Promise<ParticipationRecord | null> {
    const result = await this.pool.query('SELECT * FROM participations WHERE id = $1', [id]);
    return rowOrNull(result.rows[0], toParticipation);
  }

  async find(roundId: string, siteId: string): Promise<ParticipationRecord | null> {
    const result = await this.pool.query('SELECT * FROM participations WHERE round_id = $1 AND site_id = $2', [
      roundId,
      siteId,
    ]);
    return rowOrNull(result.rows[0], toParticipation);
  }

  async list(roundId: string, request: PageRequest): Promise<Page<ParticipationRecord>> {
    const rows = await this.pool.query(
      'SELECT * FROM participations WHERE round_id = $1 ORDER BY assigned_at, id LIMIT $2 OFFSET $3',
      [roundId, request.limit, request.offset],
    );
    const total = await this.pool.query('SELECT COUNT(*) AS n FROM participations WHERE round_id = $1', [roundId]);
    return page(rows.rows as Row[], total.rows[0].n, toParticipation);
  }

  async listByStatus(roundId: string, status: ParticipationStatus): Promise<ParticipationRecord[]> {
    const result = await this.pool.query(
      'SELECT * FROM participations WHERE round_id = $1 AND status = $2 ORDER BY assigned_at, id',
      [roundId, status],
    );
    return (result.rows as Row[]).map(toParticipation);
  }

  async counts(roundId: string): Promise<ParticipationCounts> {
    const result = await this.pool.query(
      'SELECT status, COUNT(*) AS n FROM participations WHERE round_id = $1 GROUP BY status',
      [roundId],
    );
    return toParticipationCounts(result.rows as Row[]);
  }

  async siteTookPart(federationId: string, siteId: string): Promise<boolean> {
    const result = await this.pool.query(
      'SELECT 1 FROM participations WHERE federation_id = $1 AND site_id = $2 LIMIT 1',
      [federationId, siteId],
    );
    return result.rows.length > 0;
  }

  async findOpenAssignment(siteId: string): Promise<ParticipationRecord | null> {
    const result = await this.pool.query(
      `SELECT p.* FROM participations p JOIN rounds r ON r.id = p.round_id
       WHERE p.site_id = $1 AND p.status = 'ASSIGNED' AND r.status = 'OPEN' ORDER BY p.assigned_at LIMIT 1`,
      [siteId],
    );
    return rowOrNull(result.rows[0], toParticipation);
  }

  async assign(participation: ParticipationRecord, maxParticipants: number): Promise<ParticipationRecord | null> {
    return inTransaction(this.pool, async (client) => {
      const round = await client.query('SELECT status FROM rounds WHERE id = $1 FOR UPDATE', [participation.roundId]);
      if (round.rows[0]?.status !== 'OPEN') return null;
      const taken = await client.query('SELECT COUNT(*) AS n FROM participations WHERE round_id = $1', [
        participation.roundId,
      ]);
      if (int(taken.rows[0].n, 'COUNT(*)') >= maxParticipants) return null;
      // DO NOTHING on any unique conflict: the site already has a seat in this round (or the id is taken).
      const inserted = await client.query(
        `INSERT INTO participations (id, round_id, federation_id, site_id, status, assigned_at, updated_at,
           num_samples, metrics_json, rejection_reason, bytes_received, update_sha256, update_file)
         VALUES ($1, $2, $3, $4, 'ASSIGNED', $5, $6, NULL, '{}', NULL, 0, NULL, NULL)
         ON CONFLICT DO NOTHING`,
        assignmentValues(participation),
      );
      return inserted.rowCount === 1 ? { ...participation, status: 'ASSIGNED' as const } : null;
    });
  }

  async accept(id: string, at: number, receipt: UpdateReceipt & { updateFile: string }): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const round = await client.query(
        `SELECT r.status FROM rounds r JOIN participations p ON p.round_id = r.id WHERE p.id = $1 FOR SHARE OF r`,
        [id],
      );
      if (round.rows[0]?.status !== 'OPEN') return false;
      const result = await client.query(
        `UPDATE participations SET status = 'ACCEPTED', updated_at = $2, num_samples = $3, metrics_json = $4,
           bytes_received = $5, update_sha256 = $6, update_file = $7, rejection_reason = NULL
         WHERE id = $1 AND status = 'ASSIGNED'`,
        [
          id,
          at,
          receipt.numSamples,
          JSON.stringify(receipt.metrics),
          receipt.bytesReceived,
          receipt.updateSha256,
          receipt.updateFile,
        ],
      );
      return result.rowCount === 1;
    });
  }

  async reject(id: string, at: number, reason: string, receipt: Partial<UpdateReceipt>): Promise<void> {
    await this.pool.query(
      `UPDATE participations SET
         status = CASE WHEN status = 'ASSIGNED' THEN 'REJECTED' ELSE status END,
         rejection_reason = $2, updated_at = $3,
         num_samples = COALESCE($4::bigint, num_samples),
         metrics_json = COALESCE($5::json, metrics_json),
         bytes_received = bytes_received + $6::bigint,
         update_sha256 = COALESCE($7::text, update_sha256)
       WHERE id = $1 AND status <> 'ACCEPTED'`,
      [
        id,
        reason,
        at,
        receipt.numSamples ?? null,
        receipt.metrics ? JSON.stringify(receipt.metrics) : null,
        receipt.bytesReceived ?? 0,
        receipt.updateSha256 ?? null,
      ],
    );
  }

  async fail(id: string, at: number, reason: string): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE participations SET status = 'FAILED', rejection_reason = $2, updated_at = $3
       WHERE id = $1 AND status = 'ASSIGNED'`,
      [id, reason, at],
    );
    return result.rowCount === 1;
  }
}
