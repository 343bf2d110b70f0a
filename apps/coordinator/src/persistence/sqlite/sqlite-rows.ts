/** Row ⇄ record mapping for the SQLite tables (snake_case columns, JSON text for nested values). */
import type {
  FederationRecord,
  ModelVersionRecord,
  Page,
  ParticipationRecord,
  RoundRecord,
  SiteRecord,
} from '../records';

type Row = Record<string, unknown>;

const num = (value: unknown): number => value as number;
const numOrNull = (value: unknown): number | null => (value === null ? null : (value as number));
const strOrNull = (value: unknown): string | null => (value === null ? null : (value as string));

export function toFederation(row: Row): FederationRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    status: row.status as FederationRecord['status'],
    config: JSON.parse(row.config_json as string),
    createdAt: num(row.created_at),
    startedAt: numOrNull(row.started_at),
    endedAt: numOrNull(row.ended_at),
    statusReason: strOrNull(row.status_reason),
  };
}

export function toSite(row: Row): SiteRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    status: row.status as SiteRecord['status'],
    tokenSha256: row.token_sha256 as string,
    createdAt: num(row.created_at),
    revokedAt: numOrNull(row.revoked_at),
    lastSeenAt: numOrNull(row.last_seen_at),
  };
}

export function toRound(row: Row): RoundRecord {
  return {
    id: row.id as string,
    federationId: row.federation_id as string,
    index: num(row.round_index),
    status: row.status as RoundRecord['status'],
    baseModelVersionId: row.base_model_version_id as string,
    resultModelVersionId: strOrNull(row.result_model_version_id),
    startedAt: num(row.started_at),
    deadlineAt: num(row.deadline_at),
    closedAt: numOrNull(row.closed_at),
    endedAt: numOrNull(row.ended_at),
    metrics: JSON.parse(row.metrics_json as string),
    aggregation: JSON.parse(row.aggregation_json as string),
    failureReason: strOrNull(row.failure_reason),
  };
}

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

export function toParticipation(row: Row): ParticipationRecord {
  return {
    id: row.id as string,
    roundId: row.round_id as string,
    federationId: row.federation_id as string,
    siteId: row.site_id as string,
    status: row.status as ParticipationRecord['status'],
    assignedAt: num(row.assigned_at),
    updatedAt: num(row.updated_at),
    numSamples: numOrNull(row.num_samples),
    metrics: JSON.parse(row.metrics_json as string),
    rejectionReason: strOrNull(row.rejection_reason),
    bytesReceived: num(row.bytes_received),
    updateSha256: strOrNull(row.update_sha256),
    updateFile: strOrNull(row.update_file),
  };
}

export function toModelVersion(row: Row): ModelVersionRecord {
  return {
    id: row.id as string,
    federationId: row.federation_id as string,
    roundIndex: num(row.round_index),
    sha256: row.sha256 as string,
    sizeBytes: num(row.size_bytes),
    file: row.file as string,
    metrics: JSON.parse(row.metrics_json as string),
    createdAt: num(row.created_at),
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

export function page<T>(rows: Row[], total: number, map: (row: Row) => T): Page<T> {
  return { items: rows.map(map), totalCount: total };
}

export const INSERT_MODEL_VERSION = `INSERT INTO model_versions
  (id, federation_id, round_index, sha256, size_bytes, file, metrics_json, created_at)
  VALUES (@id, @federation_id, @round_index, @sha256, @size_bytes, @file, @metrics_json, @created_at)`;

export const INSERT_ROUND = `INSERT INTO rounds
  (id, federation_id, round_index, status, base_model_version_id, result_model_version_id, started_at, deadline_at,
   closed_at, ended_at, metrics_json, aggregation_json, failure_reason)
  VALUES (@id, @federation_id, @round_index, @status, @base_model_version_id, @result_model_version_id, @started_at,
   @deadline_at, @closed_at, @ended_at, @metrics_json, @aggregation_json, @failure_reason)`;
