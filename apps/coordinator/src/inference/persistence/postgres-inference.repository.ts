import type { Pool } from 'pg';
import type { Row } from '../../persistence/record-rows';
import { firstOrNull } from '../../persistence/postgres/postgres-rows';
import type { AuditEntry, InferenceJobRecord, InferenceJobStatus, UploadRecord } from './inference-records';
import { InferenceRepository } from './inference.repository';
import { auditFromRow, jobChanges, jobFromRow, uploadFromRow } from './inference-rows';

export class PostgresInferenceRepository extends InferenceRepository {
  constructor(private readonly pool: Pool) {
    super();
  }

  async createUpload(u: UploadRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO inference_uploads (id, file, file_name, sha256, size_bytes, shape_json, role, token_fingerprint,
         created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        u.id,
        u.file,
        u.fileName,
        u.sha256,
        u.sizeBytes,
        JSON.stringify(u.shape),
        u.role,
        u.tokenFingerprint,
        u.createdAt,
        u.expiresAt,
      ],
    );
  }

  async getUpload(id: string, now = Date.now()): Promise<UploadRecord | null> {
    const result = await this.pool.query(
      'SELECT * FROM inference_uploads WHERE id = $1 AND deleted_at IS NULL AND expires_at > $2',
      [id, now],
    );
    return firstOrNull(result, uploadFromRow);
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
      [
        j.id,
        j.status,
        j.role,
        j.tokenFingerprint,
        j.modelVersionId,
        j.modelSha256,
        j.modelConfig,
        JSON.stringify(j.inputs),
        JSON.stringify(j.options),
        j.createdAt,
      ],
    );
  }

  async getJob(id: string): Promise<InferenceJobRecord | null> {
    return firstOrNull(await this.pool.query('SELECT * FROM inference_jobs WHERE id = $1', [id]), jobFromRow);
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
    return firstOrNull(result, jobFromRow);
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
      [
        e.at,
        e.action,
        e.role,
        e.tokenFingerprint,
        e.jobId,
        e.modelVersionId,
        e.modelSha256,
        JSON.stringify(e.inputSha256s),
        e.outcome,
        e.errorCode,
      ],
    );
  }

  async listAudit(limit: number): Promise<AuditEntry[]> {
    const result = await this.pool.query('SELECT * FROM inference_audit ORDER BY id DESC LIMIT $1', [limit]);
    return (result.rows as Row[]).map(auditFromRow);
  }
}
