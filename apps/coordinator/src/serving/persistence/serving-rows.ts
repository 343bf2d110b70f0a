/**
 * The serving audit table as Kysely sees it, and record ↔ row. It lives in the core database (migration
 * 0003-serving); the repository reaches it with `db.withTables<ServingTables>()`.
 */
import type { Generated, Selectable } from 'kysely';
import type { ServingAction, ServingActor, ServingEventRecord } from './serving-records';

export interface ServingEventsTable {
  seq: Generated<number>;
  id: string;
  at: number;
  action: ServingAction;
  actor: ServingActor;
  actor_name: string | null;
  token_fingerprint: string | null;
  model_version_id: string | null;
  model_sha256: string | null;
  federation_id: string | null;
  reason: string;
}

export type ServingTables = { serving_events: ServingEventsTable };

export function servingEventRow(e: ServingEventRecord): Omit<ServingEventsTable, 'seq'> {
  return {
    id: e.id,
    at: e.at,
    action: e.action,
    actor: e.actor,
    actor_name: e.actorName,
    token_fingerprint: e.tokenFingerprint,
    model_version_id: e.modelVersionId,
    model_sha256: e.modelSha256,
    federation_id: e.federationId,
    reason: e.reason,
  };
}

export function toServingEvent(row: Selectable<ServingEventsTable>): ServingEventRecord {
  return {
    id: row.id,
    at: row.at,
    action: row.action,
    actor: row.actor,
    actorName: row.actor_name,
    tokenFingerprint: row.token_fingerprint,
    modelVersionId: row.model_version_id,
    modelSha256: row.model_sha256,
    federationId: row.federation_id,
    reason: row.reason,
  };
}
