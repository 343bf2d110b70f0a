/**
 * Storage of uploads, jobs and audit entries. An abstract class (the Nest token, as in the core repository layer)
 * with the SQLite implementation beside it; every method is one statement or one transaction. The tables come
 * from the core migration list (0002-inference).
 */
import type { SqliteHandle } from '../../persistence/sqlite/sqlite-database';
import type { AuditEntry, InferenceJobRecord, InferenceJobStatus, UploadRecord } from './inference-records';

export abstract class InferenceRepository {
  abstract createUpload(upload: UploadRecord): Promise<void>;
  /** A live upload: not deleted and not past its expiry at `now`. */
  abstract getUpload(id: string, now?: number): Promise<UploadRecord | null>;
  /** Keeps an upload at least until `expiresAt` (a job that uses it is queued). */
  abstract extendUpload(id: string, expiresAt: number): Promise<void>;
  abstract createJob(job: InferenceJobRecord): Promise<void>;
  abstract getJob(id: string): Promise<InferenceJobRecord | null>;
  /** Applies `changes` only while the job is in one of `from`; returns the updated job or null. */
  abstract updateJob(
    id: string,
    from: readonly InferenceJobStatus[],
    changes: Partial<Omit<InferenceJobRecord, 'id'>>,
  ): Promise<InferenceJobRecord | null>;
  /** Jobs left QUEUED or RUNNING by a previous process. */
  abstract listUnfinished(): Promise<InferenceJobRecord[]>;
  abstract listExpiredJobs(now: number): Promise<InferenceJobRecord[]>;
  abstract listExpiredUploads(now: number): Promise<UploadRecord[]>;
  abstract markUploadDeleted(id: string, at: number): Promise<void>;
  abstract audit(entry: AuditEntry): Promise<void>;
  abstract listAudit(limit: number): Promise<AuditEntry[]>;
}

type Row = Record<string, unknown>;

const JOB_COLUMNS: Record<string, string> = {
  status: 'status',
  result: 'result_json',
  errorCode: 'error_code',
  errorMessage: 'error_message',
  maskFile: 'mask_file',
  probFile: 'prob_file',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  expiresAt: 'expires_at',
};

function jobFromRow(row: Row): InferenceJobRecord {
  return {
    id: row.id as string,
    status: row.status as InferenceJobStatus,
    role: row.role as string,
    tokenFingerprint: row.token_fingerprint as string,
    modelVersionId: row.model_version_id as string,
    modelSha256: row.model_sha256 as string,
    modelConfig: row.model_config as string,
    inputs: JSON.parse(row.inputs_json as string),
    options: JSON.parse(row.options_json as string),
    result: row.result_json ? JSON.parse(row.result_json as string) : null,
    errorCode: (row.error_code as string | null) ?? null,
    errorMessage: (row.error_message as string | null) ?? null,
    maskFile: (row.mask_file as string | null) ?? null,
    probFile: (row.prob_file as string | null) ?? null,
    createdAt: row.created_at as number,
    startedAt: (row.started_at as number | null) ?? null,
    finishedAt: (row.finished_at as number | null) ?? null,
    expiresAt: (row.expires_at as number | null) ?? null,
  };
}

function uploadFromRow(row: Row): UploadRecord {
  return {
    id: row.id as string,
    file: row.file as string,
    fileName: (row.file_name as string | null) ?? null,
    sha256: row.sha256 as string,
    sizeBytes: row.size_bytes as number,
    shape: JSON.parse(row.shape_json as string),
    role: row.role as string,
    tokenFingerprint: row.token_fingerprint as string,
    createdAt: row.created_at as number,
    expiresAt: row.expires_at as number,
  };
}

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
      .run(
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
      );
  }

  async getUpload(id: string, now = Date.now()): Promise<UploadRecord | null> {
    const row = this.db
      .prepare('SELECT * FROM inference_uploads WHERE id = ? AND deleted_at IS NULL AND expires_at > ?')
      .get(id, now);
    return row ? uploadFromRow(row as Row) : null;
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
      .run(
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
      );
  }

  async getJob(id: string): Promise<InferenceJobRecord | null> {
    const row = this.db.prepare('SELECT * FROM inference_jobs WHERE id = ?').get(id);
    return row ? jobFromRow(row as Row) : null;
  }

  async updateJob(
    id: string,
    from: readonly InferenceJobStatus[],
    changes: Partial<Omit<InferenceJobRecord, 'id'>>,
  ): Promise<InferenceJobRecord | null> {
    const entries = Object.entries(changes).filter(([key]) => key in JOB_COLUMNS);
    const sets = entries.map(([key]) => `${JOB_COLUMNS[key]} = ?`).join(', ');
    const values = entries.map(([key, value]) => (key === 'result' && value !== null ? JSON.stringify(value) : value));
    const update = this.db.transaction(() => {
      const info = this.db
        .prepare(`UPDATE inference_jobs SET ${sets} WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`)
        .run(...(values as unknown[]), id, ...from);
      return info.changes > 0 ? this.db.prepare('SELECT * FROM inference_jobs WHERE id = ?').get(id) : undefined;
    });
    const row = update();
    return row ? jobFromRow(row as Row) : null;
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
      .run(
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
      );
  }

  async listAudit(limit: number): Promise<AuditEntry[]> {
    const rows = this.db.prepare('SELECT * FROM inference_audit ORDER BY id DESC LIMIT ?').all(limit) as Row[];
    return rows.map((row) => ({
      at: row.at as number,
      action: row.action as AuditEntry['action'],
      role: row.role as string,
      tokenFingerprint: row.token_fingerprint as string,
      jobId: (row.job_id as string | null) ?? null,
      modelVersionId: (row.model_version_id as string | null) ?? null,
      modelSha256: (row.model_sha256 as string | null) ?? null,
      inputSha256s: JSON.parse(row.input_sha256_json as string),
      outcome: row.outcome as string,
      errorCode: (row.error_code as string | null) ?? null,
    }));
  }
}
