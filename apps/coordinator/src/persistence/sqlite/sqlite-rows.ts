/** Record → statement parameters for the SQLite tables; rows come back through ../record-rows. */
import type { Row } from '../record-rows';
import type { ModelVersionRecord, RoundRecord } from '../records';

export function roundParams(round: RoundRecord): Row {
  return {
    id: round.id,
    federation_id: round.federationId,
    round_index: round.index,
    status: round.status,
    base_model_version_id: round.baseModelVersionId,
    result_model_version_id: round.resultModelVersionId,
    started_at: round.startedAt,
    deadline_at: round.deadlineAt,
    closed_at: round.closedAt,
    ended_at: round.endedAt,
    metrics_json: JSON.stringify(round.metrics),
    aggregation_json: JSON.stringify(round.aggregation),
    failure_reason: round.failureReason,
  };
}

export function modelVersionParams(version: ModelVersionRecord): Row {
  return {
    id: version.id,
    federation_id: version.federationId,
    round_index: version.roundIndex,
    sha256: version.sha256,
    size_bytes: version.sizeBytes,
    file: version.file,
    metrics_json: JSON.stringify(version.metrics),
    created_at: version.createdAt,
  };
}

export const INSERT_MODEL_VERSION = `INSERT INTO model_versions
  (id, federation_id, round_index, sha256, size_bytes, file, metrics_json, created_at)
  VALUES (@id, @federation_id, @round_index, @sha256, @size_bytes, @file, @metrics_json, @created_at)`;

export const INSERT_ROUND = `INSERT INTO rounds
  (id, federation_id, round_index, status, base_model_version_id, result_model_version_id, started_at, deadline_at,
   closed_at, ended_at, metrics_json, aggregation_json, failure_reason)
  VALUES (@id, @federation_id, @round_index, @status, @base_model_version_id, @result_model_version_id, @started_at,
   @deadline_at, @closed_at, @ended_at, @metrics_json, @aggregation_json, @failure_reason)`;
