/**
 * Migration 2: clinical inference — uploads, jobs and the audit trail. Audit rows hold who, when, which model and
 * the input sha256s — never voxels or paths of image data beyond what the caller named.
 *
 * Before this was a core migration the tables were created under a separate ledger (inference_schema_migrations).
 * That build never shipped, so no deployed database holds it and there is nothing to fold in: a development
 * database from that build fails here with "table inference_uploads already exists"; delete it and start afresh.
 */
export const sql = `
CREATE TABLE inference_uploads (
  id                TEXT PRIMARY KEY,
  file              TEXT NOT NULL,
  file_name         TEXT,
  sha256            TEXT NOT NULL,
  size_bytes        INTEGER NOT NULL,
  shape_json        TEXT NOT NULL,
  role              TEXT NOT NULL,
  token_fingerprint TEXT NOT NULL,
  created_at        INTEGER NOT NULL,
  expires_at        INTEGER NOT NULL,
  deleted_at        INTEGER
);

CREATE TABLE inference_jobs (
  id                TEXT PRIMARY KEY,
  status            TEXT NOT NULL CHECK (status IN ('QUEUED','RUNNING','SUCCEEDED','FAILED','TIMED_OUT','EXPIRED')),
  role              TEXT NOT NULL,
  token_fingerprint TEXT NOT NULL,
  model_version_id  TEXT NOT NULL,
  model_sha256      TEXT NOT NULL,
  model_config      TEXT NOT NULL,
  inputs_json       TEXT NOT NULL,
  options_json      TEXT NOT NULL,
  result_json       TEXT,
  error_code        TEXT,
  error_message     TEXT,
  mask_file         TEXT,
  prob_file         TEXT,
  created_at        INTEGER NOT NULL,
  started_at        INTEGER,
  finished_at       INTEGER,
  expires_at        INTEGER
);
CREATE INDEX inference_jobs_expiry ON inference_jobs (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE inference_audit (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  at                INTEGER NOT NULL,
  action            TEXT NOT NULL CHECK (action IN ('UPLOAD','SEGMENT','DOWNLOAD')),
  role              TEXT NOT NULL,
  token_fingerprint TEXT NOT NULL,
  job_id            TEXT,
  model_version_id  TEXT,
  model_sha256      TEXT,
  input_sha256_json TEXT NOT NULL,
  outcome           TEXT NOT NULL,
  error_code        TEXT
);
`;
