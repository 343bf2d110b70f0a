/**
 * Row ↔ record mapping shared by both backends (snake_case columns, JSON for nested values). The drivers hand back
 * different JS types for the same column: SQLite gives integers as numbers and JSON as text; node-postgres gives
 * BIGINT (timestamps, byte sizes, COUNT(*)) as strings, so it never loses precision, and parses json columns
 * itself. The converters below accept either and check what they return.
 *
 * Going in, both take positional parameters (`?` or `$n`), so one list of values per INSERT serves both; JSON goes
 * in as text (node-postgres would turn a JS array into a Postgres array literal). Each `…Values` function lists its
 * values in the order of the columns its INSERT names, which each backend writes in its own dialect.
 */
import { DatabaseError } from './database.error';
import type { ParticipationCounts } from './repositories';
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

/** The row mapped, or null when the statement matched none (better-sqlite3's `get` gives undefined, pg no rows[0]). */
export function rowOrNull<T>(row: unknown, map: (row: Row) => T): T | null {
  return row === undefined || row === null ? null : map(row as Row);
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

/** federations (id, name, status, config_json, created_at, started_at, ended_at, status_reason) */
export function federationValues(federation: FederationRecord): unknown[] {
  return [
    federation.id,
    federation.name,
    federation.status,
    JSON.stringify(federation.config),
    federation.createdAt,
    federation.startedAt,
    federation.endedAt,
    federation.statusReason,
  ];
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

/** sites (id, name, status, token_sha256, created_at, revoked_at, last_seen_at) */
export function siteValues(site: SiteRecord): unknown[] {
  return [site.id, site.name, site.status, site.tokenSha256, site.createdAt, site.revokedAt, site.lastSeenAt];
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

/**
 * rounds (id, federation_id, round_index, status, base_model_version_id, result_model_version_id, started_at,
 * deadline_at, closed_at, ended_at, metrics_json, aggregation_json, failure_reason)
 */
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

/**
 * participations (id, round_id, federation_id, site_id, assigned_at, updated_at): a new assignment, whose other
 * columns the INSERT sets to their ASSIGNED-state constants.
 */
export function assignmentValues(participation: ParticipationRecord): unknown[] {
  return [
    participation.id,
    participation.roundId,
    participation.federationId,
    participation.siteId,
    participation.assignedAt,
    participation.updatedAt,
  ];
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

/** model_versions (id, federation_id, round_index, sha256, size_bytes, file, metrics_json, created_at) */
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

export function page<T>(rows: Row[], total: unknown, map: (row: Row) => T): Page<T> {
  return { items: rows.map(map), totalCount: int(total, 'COUNT(*)') };
}

/** The rows of `SELECT status, COUNT(*) AS n … GROUP BY status`, with the statuses no row names at zero. */
export function toParticipationCounts(rows: readonly Row[]): ParticipationCounts {
  const by = new Map(rows.map((row) => [row.status, int(row.n, 'COUNT(*)')]));
  const counts = {
    assigned: by.get('ASSIGNED') ?? 0,
    accepted: by.get('ACCEPTED') ?? 0,
    rejected: by.get('REJECTED') ?? 0,
    failed: by.get('FAILED') ?? 0,
    dropped: by.get('DROPPED') ?? 0,
  };
  return { ...counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
}
