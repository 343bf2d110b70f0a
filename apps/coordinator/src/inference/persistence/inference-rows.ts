/**
 * The inference tables as Kysely sees them, and record ↔ row for each. They live in the core database (migration
 * 0002-inference); the repository reaches them with `db.withTables<InferenceTables>()`.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { AuditEntry, InferenceJobRecord, InferenceJobStatus, UploadRecord } from './inference-records';

export interface InferenceUploadsTable {
  id: string;
  file: string;
  file_name: string | null;
  sha256: string;
  size_bytes: number;
  shape_json: string;
  role: string;
  token_fingerprint: string;
  created_at: number;
  expires_at: number;
  deleted_at: number | null;
}

export interface InferenceJobsTable {
  id: string;
  status: InferenceJobStatus;
  role: string;
  token_fingerprint: string;
  model_version_id: string;
  model_sha256: string;
  model_config: string;
  inputs_json: string;
  options_json: string;
  result_json: string | null;
  error_code: string | null;
  error_message: string | null;
  mask_file: string | null;
  prob_file: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  expires_at: number | null;
}

export interface InferenceAuditTable {
  id: Generated<number>;
  at: number;
  action: AuditEntry['action'];
  role: string;
  token_fingerprint: string;
  job_id: string | null;
  model_version_id: string | null;
  model_sha256: string | null;
  input_sha256_json: string;
  outcome: string;
  error_code: string | null;
}

export type InferenceTables = {
  inference_uploads: InferenceUploadsTable;
  inference_jobs: InferenceJobsTable;
  inference_audit: InferenceAuditTable;
};

export function toUpload(row: InferenceUploadsTable): UploadRecord {
  return {
    id: row.id,
    file: row.file,
    fileName: row.file_name,
    sha256: row.sha256,
    sizeBytes: row.size_bytes,
    shape: JSON.parse(row.shape_json),
    role: row.role,
    tokenFingerprint: row.token_fingerprint,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

export function uploadRow(upload: UploadRecord): InferenceUploadsTable {
  return {
    id: upload.id,
    file: upload.file,
    file_name: upload.fileName,
    sha256: upload.sha256,
    size_bytes: upload.sizeBytes,
    shape_json: JSON.stringify(upload.shape),
    role: upload.role,
    token_fingerprint: upload.tokenFingerprint,
    created_at: upload.createdAt,
    expires_at: upload.expiresAt,
    deleted_at: null,
  };
}

export function toJob(row: InferenceJobsTable): InferenceJobRecord {
  return {
    id: row.id,
    status: row.status,
    role: row.role,
    tokenFingerprint: row.token_fingerprint,
    modelVersionId: row.model_version_id,
    modelSha256: row.model_sha256,
    modelConfig: row.model_config,
    inputs: JSON.parse(row.inputs_json),
    options: JSON.parse(row.options_json),
    result: row.result_json === null ? null : JSON.parse(row.result_json),
    errorCode: row.error_code,
    errorMessage: row.error_message,
    maskFile: row.mask_file,
    probFile: row.prob_file,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    expiresAt: row.expires_at,
  };
}

/** A new job: what it has yet to fill (result, files, later times) starts NULL whatever the record holds. */
export function newJobRow(job: InferenceJobRecord): InferenceJobsTable {
  return {
    id: job.id,
    status: job.status,
    role: job.role,
    token_fingerprint: job.tokenFingerprint,
    model_version_id: job.modelVersionId,
    model_sha256: job.modelSha256,
    model_config: job.modelConfig,
    inputs_json: JSON.stringify(job.inputs),
    options_json: JSON.stringify(job.options),
    result_json: null,
    error_code: null,
    error_message: null,
    mask_file: null,
    prob_file: null,
    created_at: job.createdAt,
    started_at: null,
    finished_at: null,
    expires_at: null,
  };
}

/** The columns `updateJob` may change; a field left undefined is left out of the SET (Kysely omits it). */
export function jobChanges(changes: Partial<Omit<InferenceJobRecord, 'id'>>): Updateable<InferenceJobsTable> {
  return {
    status: changes.status,
    result_json: changes.result === undefined ? undefined : changes.result && JSON.stringify(changes.result),
    error_code: changes.errorCode,
    error_message: changes.errorMessage,
    mask_file: changes.maskFile,
    prob_file: changes.probFile,
    started_at: changes.startedAt,
    finished_at: changes.finishedAt,
    expires_at: changes.expiresAt,
  };
}

export function toAuditEntry(row: Selectable<InferenceAuditTable>): AuditEntry {
  return {
    at: row.at,
    action: row.action,
    role: row.role,
    tokenFingerprint: row.token_fingerprint,
    jobId: row.job_id,
    modelVersionId: row.model_version_id,
    modelSha256: row.model_sha256,
    inputSha256s: JSON.parse(row.input_sha256_json),
    outcome: row.outcome,
    errorCode: row.error_code,
  };
}

export function auditRow(entry: AuditEntry): Insertable<InferenceAuditTable> {
  return {
    at: entry.at,
    action: entry.action,
    role: entry.role,
    token_fingerprint: entry.tokenFingerprint,
    job_id: entry.jobId,
    model_version_id: entry.modelVersionId,
    model_sha256: entry.modelSha256,
    input_sha256_json: JSON.stringify(entry.inputSha256s),
    outcome: entry.outcome,
    error_code: entry.errorCode,
  };
}
