import type { Pool } from 'pg';
import { type Row, rowOrNull } from '../../persistence/record-rows';
import type { AuditEntry, InferenceJobRecord, InferenceJobStatus, UploadRecord } from './inference-records';
import { InferenceRepository } from './inference.repository';
import {
  auditFromRow,
  auditInsertValues,
  jobChanges,
  jobFromRow,
  jobInsertValues,
  uploadFromRow,
  uploadInsertValues,
} from './inference-rows';

export class PostgresInferenceRepository extends InferenceRepository {
  constructor(private readonly pool: Pool) {
    super();
  }

  async createUpload(u: UploadRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO inference_uploads (id, file, file_name, sha256, size_bytes, shape_json, role, token_fingerprint,
         created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      uploadInsertValues(u),
    );
  }

  async getUpload(id: string, now = Date.now()): Promise<UploadRecord | null> {
    const result = await this.pool.query(
      'SELECT * FROM inference_uploads WHERE id = $1 AND deleted_at IS NULL AND expires_at > $2',
      [id, now],
    );
    return rowOrNull(result.rows[0], uploadFromRow);
  }

  async extendUpload(id: string, expiresAt: number): Promise<void> {
    await this.pool.query(
      'UPDATE inference_uploads SET expires_at = GREATEST(expires_at, $2) WHERE id = $1 AND deleted_at IS NULL',
      [id, expiresAt],
    );
  }

  async createJob(j: InferenceJobRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO inference_jobs (id, status, role, token_fingerprint, model_version_id, model_sha256, model_config,
         inputs_json, options_json, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      jobInsertValues(j),
    );
  }

  async getJob(id: string): Promise<InferenceJobRecord | null> {
    const result = await this.pool.query('SELECT * FROM inference_jobs WHERE id = $1', [id]);
    return rowOrNull(result.rows[0], jobFromRow);
  }

  async updateJob(
    id: string,
    from: readonly InferenceJobStatus[],
    changes: Partial<Omit<InferenceJobRecord, 'id'>>,
  ): Promise<InferenceJobRecord | null> {
    const entries = jobChanges(changes);
    // Column names come from the fixed JOB_COLUMNS table, never from the caller; values are parameters $3…
    const sets =
      entries.length > 0 ? entries.map(([column], i) => `${column} = $${i + 3}`).join(', ') : 'status = status';
    const result = await this.pool.query(
      `UPDATE inference_jobs SET ${sets} WHERE id = $1 AND status = ANY($2::text[]) RETURNING *`,
      [id, [...from], ...entries.map(([, value]) => value)],
    );
    return rowOrNull(result.rows[0], jobFromRow);
  }

  async listUnfinished(): Promise<InferenceJobRecord[]> {
    const result = await this.pool.query(`SELECT * FROM inference_jobs WHERE status IN ('QUEUED', 'RUNNING')`);
    return (result.rows as Row[]).map(jobFromRow);
  }

  async listExpiredJobs(now: number): Promise<InferenceJobRecord[]> {
    const result = await this.pool.query(
      `SELECT * FROM inference_jobs WHERE expires_at IS NOT NULL AND expires_at <= $1 AND status != 'EXPIRED'`,
      [now],
    );
    return (result.rows as Row[]).map(jobFromRow);
  }

  async listExpiredUploads(now: number): Promise<UploadRecord[]> {
    const result = await this.pool.query(
      'SELECT * FROM inference_uploads WHERE expires_at <= $1 AND deleted_at IS NULL',
      [now],
    );
    return (result.rows as Row[]).map(uploadFromRow);
  }

  async markUploadDeleted(id: string, at: number): Promise<void> {
    await this.pool.query('UPDATE inference_uploads SET deleted_at = $2 WHERE id = $1', [id, at]);
  }

  async audit(e: AuditEntry): Promise<void> {
    await this.pool.query(
      `INSERT INTO inference_audit (at, action, role, token_fingerprint, job_id, model_version_id, model_sha256,
         input_sha256_json, outcome, error_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      auditInsertValues(e),
    );
  }

  async listAudit(limit: number): Promise<AuditEntry[]> {
    const result = await this.pool.query('SELECT * FROM inference_audit ORDER BY id DESC LIMIT $1', [limit]);
    return (result.rows as Row[]).map(auditFromRow);
  }
}
