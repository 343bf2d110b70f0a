import { type Row, rowOrNull } from '../../persistence/record-rows';
import type { SqliteHandle } from '../../persistence/sqlite/sqlite-database';
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

export class SqliteInferenceRepository extends InferenceRepository {
  constructor(private readonly db: SqliteHandle) {
    super();
  }

  async createUpload(u: UploadRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO inference_uploads (id, file, file_name, sha256, size_bytes, shape_json, role, token_fingerprint,
           created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...uploadInsertValues(u));
  }

  async getUpload(id: string, now = Date.now()): Promise<UploadRecord | null> {
    const row = this.db
      .prepare('SELECT * FROM inference_uploads WHERE id = ? AND deleted_at IS NULL AND expires_at > ?')
      .get(id, now);
    return rowOrNull(row, uploadFromRow);
  }

  async extendUpload(id: string, expiresAt: number): Promise<void> {
    this.db
      .prepare('UPDATE inference_uploads SET expires_at = MAX(expires_at, ?) WHERE id = ? AND deleted_at IS NULL')
      .run(expiresAt, id);
  }

  async createJob(j: InferenceJobRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO inference_jobs (id, status, role, token_fingerprint, model_version_id, model_sha256, model_config,
           inputs_json, options_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...jobInsertValues(j));
  }

  async getJob(id: string): Promise<InferenceJobRecord | null> {
    return rowOrNull(this.db.prepare('SELECT * FROM inference_jobs WHERE id = ?').get(id), jobFromRow);
  }

  async updateJob(
    id: string,
    from: readonly InferenceJobStatus[],
    changes: Partial<Omit<InferenceJobRecord, 'id'>>,
  ): Promise<InferenceJobRecord | null> {
    const entries = jobChanges(changes);
    // No change named: a no-op assignment keeps the statement valid and still answers "is it in `from`?".
    const sets = entries.length > 0 ? entries.map(([column]) => `${column} = ?`).join(', ') : 'status = status';
    const update = this.db.transaction(() => {
      const info = this.db
        .prepare(`UPDATE inference_jobs SET ${sets} WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`)
        .run(...entries.map(([, value]) => value), id, ...from);
      return info.changes > 0 ? this.db.prepare('SELECT * FROM inference_jobs WHERE id = ?').get(id) : undefined;
    });
    return rowOrNull(update(), jobFromRow);
  }

  async listUnfinished(): Promise<InferenceJobRecord[]> {
    const rows = this.db.prepare(`SELECT * FROM inference_jobs WHERE status IN ('QUEUED', 'RUNNING')`).all();
    return rows.map((row) => jobFromRow(row as Row));
  }

  async listExpiredJobs(now: number): Promise<InferenceJobRecord[]> {
    const rows = this.db
      .prepare(`SELECT * FROM inference_jobs WHERE expires_at IS NOT NULL AND expires_at <= ? AND status != 'EXPIRED'`)
      .all(now);
    return rows.map((row) => jobFromRow(row as Row));
  }

  async listExpiredUploads(now: number): Promise<UploadRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM inference_uploads WHERE expires_at <= ? AND deleted_at IS NULL')
      .all(now);
    return rows.map((row) => uploadFromRow(row as Row));
  }

  async markUploadDeleted(id: string, at: number): Promise<void> {
    this.db.prepare('UPDATE inference_uploads SET deleted_at = ? WHERE id = ?').run(at, id);
  }

  async audit(e: AuditEntry): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO inference_audit (at, action, role, token_fingerprint, job_id, model_version_id, model_sha256,
           input_sha256_json, outcome, error_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...auditInsertValues(e));
  }

  async listAudit(limit: number): Promise<AuditEntry[]> {
    const rows = this.db.prepare('SELECT * FROM inference_audit ORDER BY id DESC LIMIT ?').all(limit) as Row[];
    return rows.map(auditFromRow);
  }
}
