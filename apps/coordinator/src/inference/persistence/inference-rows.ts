/**
 * Row ↔ record mapping for the inference tables, shared by the SQLite and PostgreSQL repositories (the converters
 * in persistence/record-rows accept either driver's integers and JSON). Each `…InsertValues` function lists its
 * values in the order of the columns its INSERT names; JSON goes in as text.
 */
import { int, intOrNull, json, type Row, strOrNull } from '../../persistence/record-rows';
import type { AuditEntry, InferenceJobRecord, InferenceJobStatus, UploadRecord } from './inference-records';

/** The job fields `updateJob` may change, and their columns. */
export const JOB_COLUMNS: Readonly<Record<string, string>> = {
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

/** The `updateJob` changes that name a column, in order, with the result serialised as JSON text. */
export function jobChanges(changes: Partial<Omit<InferenceJobRecord, 'id'>>): Array<[column: string, value: unknown]> {
  return Object.entries(changes)
    .filter(([key]) => key in JOB_COLUMNS)
    .map(([key, value]) => [JOB_COLUMNS[key], key === 'result' && value !== null ? JSON.stringify(value) : value]);
}

export function jobFromRow(row: Row): InferenceJobRecord {
  return {
    id: row.id as string,
    status: row.status as InferenceJobStatus,
    role: row.role as string,
    tokenFingerprint: row.token_fingerprint as string,
    modelVersionId: row.model_version_id as string,
    modelSha256: row.model_sha256 as string,
    modelConfig: row.model_config as string,
    inputs: json(row.inputs_json),
    options: json(row.options_json),
    result: row.result_json ? json(row.result_json) : null,
    errorCode: strOrNull(row.error_code),
    errorMessage: strOrNull(row.error_message),
    maskFile: strOrNull(row.mask_file),
    probFile: strOrNull(row.prob_file),
    createdAt: int(row.created_at, 'inference_jobs.created_at'),
    startedAt: intOrNull(row.started_at, 'inference_jobs.started_at'),
    finishedAt: intOrNull(row.finished_at, 'inference_jobs.finished_at'),
    expiresAt: intOrNull(row.expires_at, 'inference_jobs.expires_at'),
  };
}

/**
 * inference_jobs (id, status, role, token_fingerprint, model_version_id, model_sha256, model_config, inputs_json,
 * options_json, created_at): a new job; the columns it has yet to fill stay NULL.
 */
export function jobInsertValues(j: InferenceJobRecord): unknown[] {
  return [
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
  ];
}

export function uploadFromRow(row: Row): UploadRecord {
  return {
    id: row.id as string,
    file: row.file as string,
    fileName: strOrNull(row.file_name),
    sha256: row.sha256 as string,
    sizeBytes: int(row.size_bytes, 'inference_uploads.size_bytes'),
    shape: json(row.shape_json),
    role: row.role as string,
    tokenFingerprint: row.token_fingerprint as string,
    createdAt: int(row.created_at, 'inference_uploads.created_at'),
    expiresAt: int(row.expires_at, 'inference_uploads.expires_at'),
  };
}

/**
 * inference_uploads (id, file, file_name, sha256, size_bytes, shape_json, role, token_fingerprint, created_at,
 * expires_at)
 */
export function uploadInsertValues(u: UploadRecord): unknown[] {
  return [
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
  ];
}

export function auditFromRow(row: Row): AuditEntry {
  return {
    at: int(row.at, 'inference_audit.at'),
    action: row.action as AuditEntry['action'],
    role: row.role as string,
    tokenFingerprint: row.token_fingerprint as string,
    jobId: strOrNull(row.job_id),
    modelVersionId: strOrNull(row.model_version_id),
    modelSha256: strOrNull(row.model_sha256),
    inputSha256s: json(row.input_sha256_json),
    outcome: row.outcome as string,
    errorCode: strOrNull(row.error_code),
  };
}

/**
 * inference_audit (at, action, role, token_fingerprint, job_id, model_version_id, model_sha256, input_sha256_json,
 * outcome, error_code)
 */
export function auditInsertValues(e: AuditEntry): unknown[] {
  return [
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
  ];
}
