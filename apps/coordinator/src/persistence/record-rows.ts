/**
 * Row → record mapping shared by both backends (snake_case columns, JSON for nested values). The drivers hand back
 * different JS types for the same column: SQLite gives integers as numbers and JSON as text; node-postgres gives
 * BIGINT (timestamps, byte sizes, COUNT(*)) as strings, so it never loses precision, and parses json columns
 * itself. The converters below accept either and check what they return.
 */
import { DatabaseError } from './database.error';
import type {
  FederationRecord,
  ModelVersionRecord,
  Page,
  ParticipationRecord,
  RoundRecord,
  SiteRecord,
} from './records';

export type Row = Record<string, unknown>;

/** An integer column as a number; a value beyond 2^53 (or not an integer at all) is a corrupt row, not a rounding. */
export function int(value: unknown, column: string): number {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' || typeof value === 'bigint' ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new DatabaseError(`column ${column} holds ${String(value)}: expected an integer within ±2^53`);
  }
  return n;
}

export function intOrNull(value: unknown, column: string): number | null {
  return value === null || value === undefined ? null : int(value, column);
}

export function strOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : (value as string);
}

/** A JSON column: text to parse (SQLite) or the value the driver already parsed (PostgreSQL json). */
export function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export function toFederation(row: Row): FederationRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    status: row.status as FederationRecord['status'],
    config: json(row.config_json),
    createdAt: int(row.created_at, 'federations.created_at'),
    startedAt: intOrNull(row.started_at, 'federations.started_at'),
    endedAt: intOrNull(row.ended_at, 'federations.ended_at'),
    statusReason: strOrNull(row.status_reason),
  };
}

export function toSite(row: Row): SiteRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    status: row.status as SiteRecord['status'],
    tokenSha256: row.token_sha256 as string,
    createdAt: int(row.created_at, 'sites.created_at'),
    revokedAt: intOrNull(row.revoked_at, 'sites.revoked_at'),
    lastSeenAt: intOrNull(row.last_seen_at, 'sites.last_seen_at'),
  };
}

export function toRound(row: Row): RoundRecord {
  return {
    id: row.id as string,
    federationId: row.federation_id as string,
    index: int(row.round_index, 'rounds.round_index'),
    status: row.status as RoundRecord['status'],
    baseModelVersionId: row.base_model_version_id as string,
    resultModelVersionId: strOrNull(row.result_model_version_id),
    startedAt: int(row.started_at, 'rounds.started_at'),
    deadlineAt: int(row.deadline_at, 'rounds.deadline_at'),
    closedAt: intOrNull(row.closed_at, 'rounds.closed_at'),
    endedAt: intOrNull(row.ended_at, 'rounds.ended_at'),
    metrics: json(row.metrics_json),
    aggregation: json(row.aggregation_json),
    failureReason: strOrNull(row.failure_reason),
  };
}

export function toParticipation(row: Row): ParticipationRecord {
  return {
    id: row.id as string,
    roundId: row.round_id as string,
    federationId: row.federation_id as string,
    siteId: row.site_id as string,
    status: row.status as ParticipationRecord['status'],
    assignedAt: int(row.assigned_at, 'participations.assigned_at'),
    updatedAt: int(row.updated_at, 'participations.updated_at'),
    numSamples: intOrNull(row.num_samples, 'participations.num_samples'),
    metrics: json(row.metrics_json),
    rejectionReason: strOrNull(row.rejection_reason),
    bytesReceived: int(row.bytes_received, 'participations.bytes_received'),
    updateSha256: strOrNull(row.update_sha256),
    updateFile: strOrNull(row.update_file),
  };
}

export function toModelVersion(row: Row): ModelVersionRecord {
  return {
    id: row.id as string,
    federationId: row.federation_id as string,
    roundIndex: int(row.round_index, 'model_versions.round_index'),
    sha256: row.sha256 as string,
    sizeBytes: int(row.size_bytes, 'model_versions.size_bytes'),
    file: row.file as string,
    metrics: json(row.metrics_json),
    createdAt: int(row.created_at, 'model_versions.created_at'),
  };
}

export function page<T>(rows: Row[], total: unknown, map: (row: Row) => T): Page<T> {
  return { items: rows.map(map), totalCount: int(total, 'COUNT(*)') };
}
