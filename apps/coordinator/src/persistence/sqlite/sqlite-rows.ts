/**
 * The SQLite INSERTs that more than one repository runs; their values come from ../record-rows (`roundValues`,
 * `modelVersionValues`), in the order of the columns named here.
 */
export const INSERT_MODEL_VERSION = `INSERT INTO model_versions
  (id, federation_id, round_index, sha256, size_bytes, file, metrics_json, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;

export const INSERT_ROUND = `INSERT INTO rounds
  (id, federation_id, round_index, status, base_model_version_id, result_model_version_id, started_at, deadline_at,
   closed_at, ended_at, metrics_json, aggregation_json, failure_reason)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
