/**
 * Record → positional parameters for the PostgreSQL statements that more than one repository runs; rows come back
 * through ../record-rows. JSON goes in as text: node-postgres would turn a JS array into a Postgres array literal.
 */
import type { QueryResult } from 'pg';
import type { Row } from '../record-rows';
import type { ModelVersionRecord, RoundRecord } from '../records';

export const INSERT_MODEL_VERSION = `INSERT INTO model_versions
  (id, federation_id, round_index, sha256, size_bytes, file, metrics_json, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;

export function modelVersionValues(version: ModelVersionRecord): unknown[] {
  return [
    version.id,
    version.federationId,
    version.roundIndex,
    version.sha256,
    version.sizeBytes,
    version.file,
    JSON.stringify(version.metrics),
    version.createdAt,
  ];
}

export const INSERT_ROUND = `INSERT INTO rounds
  (id, federation_id, round_index, status, base_model_version_id, result_model_version_id, started_at, deadline_at,
   closed_at, ended_at, metrics_json, aggregation_json, failure_reason)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`;

export function roundValues(round: RoundRecord): unknown[] {
  return [
    round.id,
    round.federationId,
    round.index,
    round.status,
    round.baseModelVersionId,
    round.resultModelVersionId,
    round.startedAt,
    round.deadlineAt,
    round.closedAt,
    round.endedAt,
    JSON.stringify(round.metrics),
    JSON.stringify(round.aggregation),
    round.failureReason,
  ];
}

/** The first row mapped, or null when the statement matched none. */
export function firstOrNull<T>(result: QueryResult, map: (row: Row) => T): T | null {
  return result.rows.length > 0 ? map(result.rows[0] as Row) : null;
}
