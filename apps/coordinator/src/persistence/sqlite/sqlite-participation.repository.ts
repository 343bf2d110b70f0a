import { ParticipationRepository, type ParticipationCounts, type UpdateReceipt } from '../repositories';
import type { Page, PageRequest, ParticipationRecord, ParticipationStatus } from '../records';
import type { SqliteHandle } from './sqlite-database';
import { assignmentValues, page, type Row, rowOrNull, toParticipation, toParticipationCounts } from '../record-rows';

export class SqliteParticipationRepository extends ParticipationRepository {
  constructor(private readonly db: SqliteHandle) {
    super();
  }

  async get(id: string): Promise<ParticipationRecord | null> {
    return rowOrNull(this.db.prepare('SELECT * FROM participations WHERE id = ?').get(id), toParticipation);
  }

  async find(roundId: string, siteId: string): Promise<ParticipationRecord | null> {
    const row = this.db.prepare('SELECT * FROM participations WHERE round_id = ? AND site_id = ?').get(roundId, siteId);
    return rowOrNull(row, toParticipation);
  }

  async list(roundId: string, request: PageRequest): Promise<Page<ParticipationRecord>> {
    const rows = this.db
      .prepare(
        'SELECT * FROM participations WHERE round_id = @roundId ORDER BY assigned_at, id LIMIT @limit OFFSET @offset',
      )
      .all({ roundId, ...request });
    const total = this.db.prepare('SELECT COUNT(*) AS n FROM participations WHERE round_id = ?').get(roundId) as {
      n: number;
    };
    return page(rows as Row[], total.n, toParticipation);
  }

  async listByStatus(roundId: string, status: ParticipationStatus): Promise<ParticipationRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM participations WHERE round_id = ? AND status = ? ORDER BY assigned_at, id')
      .all(roundId, status);
    return (rows as Row[]).map(toParticipation);
  }

  async counts(roundId: string): Promise<ParticipationCounts> {
    const rows = this.db
      .prepare('SELECT status, COUNT(*) AS n FROM participations WHERE round_id = ? GROUP BY status')
      .all(roundId) as Row[];
    return toParticipationCounts(rows);
  }

  async siteTookPart(federationId: string, siteId: string): Promise<boolean> {
    const row = this.db
      .prepare('SELECT 1 FROM participations WHERE federation_id = ? AND site_id = ? LIMIT 1')
      .get(federationId, siteId);
    return row !== undefined;
  }

  async findOpenAssignment(siteId: string): Promise<ParticipationRecord | null> {
    const row = this.db
      .prepare(
        `SELECT p.* FROM participations p JOIN rounds r ON r.id = p.round_id
         WHERE p.site_id = ? AND p.status = 'ASSIGNED' AND r.status = 'OPEN' ORDER BY p.assigned_at LIMIT 1`,
      )
      .get(siteId);
    return rowOrNull(row, toParticipation);
  }

  async assign(participation: ParticipationRecord, maxParticipants: number): Promise<ParticipationRecord | null> {
    return this.db.transaction(() => {
      const round = this.db.prepare('SELECT status FROM rounds WHERE id = ?').get(participation.roundId) as
        { status: string } | undefined;
      if (round?.status !== 'OPEN') return null;
      const taken = this.db
        .prepare('SELECT COUNT(*) AS n FROM participations WHERE round_id = ?')
        .get(participation.roundId) as { n: number };
      if (taken.n >= maxParticipants) return null;
      const inserted = this.db
        .prepare(
          `INSERT OR IGNORE INTO participations (id, round_id, federation_id, site_id, status, assigned_at, updated_at,
             num_samples, metrics_json, rejection_reason, bytes_received, update_sha256, update_file)
           VALUES (?, ?, ?, ?, 'ASSIGNED', ?, ?, NULL, '{}', NULL, 0, NULL, NULL)`,
        )
        .run(...assignmentValues(participation));
      return inserted.changes === 1 ? { ...participation, status: 'ASSIGNED' as const } : null;
    })();
  }

  async accept(id: string, at: number, receipt: UpdateReceipt & { updateFile: string }): Promise<boolean> {
    const result = this.db
      .prepare(
        `UPDATE participations SET status = 'ACCEPTED', updated_at = @at, num_samples = @numSamples,
           metrics_json = @metrics, bytes_received = @bytesReceived, update_sha256 = @updateSha256,
           update_file = @updateFile, rejection_reason = NULL
         WHERE id = @id AND status = 'ASSIGNED'
           AND (SELECT status FROM rounds WHERE rounds.id = participations.round_id) = 'OPEN'`,
      )
      .run({
        id,
        at,
        numSamples: receipt.numSamples,
        metrics: JSON.stringify(receipt.metrics),
        bytesReceived: receipt.bytesReceived,
        updateSha256: receipt.updateSha256,
        updateFile: receipt.updateFile,
      });
    return result.changes === 1;
  }

  async reject(id: string, at: number, reason: string, receipt: Partial<UpdateReceipt>): Promise<void> {
    this.db
      .prepare(
        `UPDATE participations SET
           status = CASE WHEN status = 'ASSIGNED' THEN 'REJECTED' ELSE status END,
           rejection_reason = @reason, updated_at = @at,
           num_samples = COALESCE(@numSamples, num_samples),
           metrics_json = COALESCE(@metrics, metrics_json),
           bytes_received = bytes_received + @bytesReceived,
           update_sha256 = COALESCE(@updateSha256, update_sha256)
         WHERE id = @id AND status <> 'ACCEPTED'`,
      )
      .run({
        id,
        at,
        reason,
        numSamples: receipt.numSamples ?? null,
        metrics: receipt.metrics ? JSON.stringify(receipt.metrics) : null,
        bytesReceived: receipt.bytesReceived ?? 0,
        updateSha256: receipt.updateSha256 ?? null,
      });
  }

  async fail(id: string, at: number, reason: string): Promise<boolean> {
    const result = this.db
      .prepare(
        `UPDATE participations SET status = 'FAILED', rejection_reason = ?, updated_at = ?
         WHERE id = ? AND status = 'ASSIGNED'`,
      )
      .run(reason, at, id);
    return result.changes === 1;
  }
}
