/**
 * Record ↔ row for the core tables: camelCase records to snake_case columns, nested values to JSON text. Rows are
 * objects keyed by column (Kysely names every column), so nothing here depends on the order of an INSERT's columns.
 */
import type { ParticipationCounts } from './repositories';
import type {
  FederationRecord,
  MembershipEventRecord,
  ModelVersionRecord,
  ParticipationRecord,
  ParticipationStatus,
  RoundRecord,
  SiteRecord,
} from './records';
import type {
  FederationMemberEventsTable,
  FederationsTable,
  ModelVersionsTable,
  ParticipationsTable,
  RoundsTable,
  SitesTable,
} from './tables';

export function toFederation(row: FederationsTable): FederationRecord {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    config: JSON.parse(row.config_json),
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    statusReason: row.status_reason,
  };
}

export function federationRow(federation: FederationRecord): FederationsTable {
  return {
    id: federation.id,
    name: federation.name,
    status: federation.status,
    config_json: JSON.stringify(federation.config),
    created_at: federation.createdAt,
    started_at: federation.startedAt,
    ended_at: federation.endedAt,
    status_reason: federation.statusReason,
  };
}

export function toSite(row: SitesTable): SiteRecord {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    tokenSha256: row.token_sha256,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastSeenAt: row.last_seen_at,
  };
}

export function siteRow(site: SiteRecord): SitesTable {
  return {
    id: site.id,
    name: site.name,
    status: site.status,
    token_sha256: site.tokenSha256,
    created_at: site.createdAt,
    revoked_at: site.revokedAt,
    last_seen_at: site.lastSeenAt,
  };
}

export function toRound(row: RoundsTable): RoundRecord {
  return {
    id: row.id,
    federationId: row.federation_id,
    index: row.round_index,
    status: row.status,
    baseModelVersionId: row.base_model_version_id,
    resultModelVersionId: row.result_model_version_id,
    startedAt: row.started_at,
    deadlineAt: row.deadline_at,
    closedAt: row.closed_at,
    endedAt: row.ended_at,
    metrics: JSON.parse(row.metrics_json),
    aggregation: JSON.parse(row.aggregation_json),
    failureReason: row.failure_reason,
    config: row.config_json === null ? null : JSON.parse(row.config_json),
  };
}

export function roundRow(round: RoundRecord): RoundsTable {
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
    config_json: round.config === null ? null : JSON.stringify(round.config),
  };
}

export function toParticipation(row: ParticipationsTable): ParticipationRecord {
  return {
    id: row.id,
    roundId: row.round_id,
    federationId: row.federation_id,
    siteId: row.site_id,
    status: row.status,
    assignedAt: row.assigned_at,
    updatedAt: row.updated_at,
    numSamples: row.num_samples,
    metrics: JSON.parse(row.metrics_json),
    rejectionReason: row.rejection_reason,
    bytesReceived: row.bytes_received,
    updateSha256: row.update_sha256,
    updateFile: row.update_file,
  };
}

export function participationRow(participation: ParticipationRecord): ParticipationsTable {
  return {
    id: participation.id,
    round_id: participation.roundId,
    federation_id: participation.federationId,
    site_id: participation.siteId,
    status: participation.status,
    assigned_at: participation.assignedAt,
    updated_at: participation.updatedAt,
    num_samples: participation.numSamples,
    metrics_json: JSON.stringify(participation.metrics),
    rejection_reason: participation.rejectionReason,
    bytes_received: participation.bytesReceived,
    update_sha256: participation.updateSha256,
    update_file: participation.updateFile,
  };
}

export function toModelVersion(row: ModelVersionsTable): ModelVersionRecord {
  return {
    id: row.id,
    federationId: row.federation_id,
    roundIndex: row.round_index,
    sha256: row.sha256,
    sizeBytes: row.size_bytes,
    file: row.file,
    metrics: JSON.parse(row.metrics_json),
    createdAt: row.created_at,
  };
}

export function modelVersionRow(version: ModelVersionRecord): ModelVersionsTable {
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

export function toMembershipEvent(row: Omit<FederationMemberEventsTable, 'seq'>): MembershipEventRecord {
  return {
    at: row.at,
    federationId: row.federation_id,
    siteId: row.site_id,
    action: row.action,
    reason: row.reason,
  };
}

export function membershipEventRow(event: MembershipEventRecord): Omit<FederationMemberEventsTable, 'seq'> {
  return {
    at: event.at,
    federation_id: event.federationId,
    site_id: event.siteId,
    action: event.action,
    reason: event.reason,
  };
}

/** The row mapped, or null when the query matched none. */
export function rowOrNull<R, T>(row: R | undefined, map: (row: R) => T): T | null {
  return row === undefined ? null : map(row);
}

/** The rows of `SELECT status, COUNT(*) AS n … GROUP BY status`, with the statuses no row names at zero. */
export function toParticipationCounts(
  rows: ReadonlyArray<{ status: ParticipationStatus; n: number }>,
): ParticipationCounts {
  const by = new Map(rows.map((row) => [row.status, row.n]));
  const counts = {
    assigned: by.get('ASSIGNED') ?? 0,
    accepted: by.get('ACCEPTED') ?? 0,
    rejected: by.get('REJECTED') ?? 0,
    failed: by.get('FAILED') ?? 0,
    dropped: by.get('DROPPED') ?? 0,
  };
  return { ...counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
}
