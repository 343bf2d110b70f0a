/**
 * The core tables as Kysely sees them: one interface per table, columns as the migrations create them. Both engines
 * hand back the same JS types (engines/postgres-engine.ts makes node-postgres return BIGINT as a number and json as
 * text, as better-sqlite3 does), so one set of types serves both. Nested values are JSON text (`…_json`).
 */
import type { Generated } from 'kysely';
import type { FederationStatus, MembershipAction, ParticipationStatus, RoundStatus, SiteStatus } from './records';

export interface FederationsTable {
  id: string;
  name: string;
  status: FederationStatus;
  config_json: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  status_reason: string | null;
}

export interface SitesTable {
  id: string;
  name: string;
  status: SiteStatus;
  token_sha256: string;
  created_at: number;
  revoked_at: number | null;
  last_seen_at: number | null;
}

export interface ModelVersionsTable {
  id: string;
  federation_id: string;
  round_index: number;
  sha256: string;
  size_bytes: number;
  file: string;
  metrics_json: string;
  created_at: number;
}

export interface RoundsTable {
  id: string;
  federation_id: string;
  round_index: number;
  status: RoundStatus;
  base_model_version_id: string;
  result_model_version_id: string | null;
  started_at: number;
  deadline_at: number;
  closed_at: number | null;
  ended_at: number | null;
  metrics_json: string;
  aggregation_json: string;
  failure_reason: string | null;
  /** Migration 0006; null on rounds stored before it. */
  config_json: string | null;
}

export interface ParticipationsTable {
  id: string;
  round_id: string;
  federation_id: string;
  site_id: string;
  status: ParticipationStatus;
  assigned_at: number;
  updated_at: number;
  num_samples: number | null;
  metrics_json: string;
  rejection_reason: string | null;
  bytes_received: number;
  update_sha256: string | null;
  update_file: string | null;
}

export interface FederationMembersTable {
  federation_id: string;
  site_id: string;
  added_at: number;
}

export interface FederationMemberEventsTable {
  seq: Generated<number>;
  at: number;
  federation_id: string;
  site_id: string;
  action: MembershipAction;
  reason: string;
}

/** The tables every coordinator has; a feature adds its own with `db.withTables<…>()` (see inference-rows.ts). */
export interface CoreTables {
  federations: FederationsTable;
  sites: SitesTable;
  model_versions: ModelVersionsTable;
  rounds: RoundsTable;
  participations: ParticipationsTable;
  federation_members: FederationMembersTable;
  federation_member_events: FederationMemberEventsTable;
}
