/**
 * Migration 2 in the PostgreSQL dialect: clinical inference — uploads, jobs and the audit trail, as
 * sqlite/migrations/0002. The audit id is an identity column (SQLite's AUTOINCREMENT): entries list newest first.
 */
export const sql = `
CREATE TABLE inference_uploads (
  id                TEXT COLLATE "C" PRIMARY KEY,
  file              TEXT NOT NULL,
  file_name         TEXT,
  sha256            TEXT NOT NULL,
  size_bytes        BIGINT NOT NULL,
  shape_json        JSON NOT NULL,
  role              TEXT NOT NULL,
  token_fingerprint TEXT NOT NULL,
  created_at        BIGINT NOT NULL,
  expires_at        BIGINT NOT NULL,
  deleted_at        BIGINT
);

CREATE TABLE inference_jobs (
  id                TEXT COLLATE "C" PRIMARY KEY,
  status            TEXT NOT NULL CHECK (status IN ('QUEUED','RUNNING','SUCCEEDED','FAILED','TIMED_OUT','EXPIRED')),
  role              TEXT NOT NULL,
  token_fingerprint TEXT NOT NULL,
  model_version_id  TEXT NOT NULL,
  model_sha256      TEXT NOT NULL,
  model_config      TEXT NOT NULL,
  inputs_json       JSON NOT NULL,
  options_json      JSON NOT NULL,
  result_json       JSON,
  error_code        TEXT,
  error_message     TEXT,
  mask_file         TEXT,
  prob_file         TEXT,
  created_at        BIGINT NOT NULL,
  started_at        BIGINT,
  finished_at       BIGINT,
  expires_at        BIGINT
);
CREATE INDEX inference_jobs_expiry ON inference_jobs (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE inference_audit (
  id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at                BIGINT NOT NULL,
  action            TEXT NOT NULL CHECK (action IN ('UPLOAD','SEGMENT','DOWNLOAD')),
  role              TEXT NOT NULL,
  token_fingerprint TEXT NOT NULL,
  job_id            TEXT,
  model_version_id  TEXT,
  model_sha256      TEXT,
  input_sha256_json JSON NOT NULL,
  outcome           TEXT NOT NULL,
  error_code        TEXT
);
`;
