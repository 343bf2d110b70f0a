/**
 * Migration 1: federations, sites, model versions, rounds and participations. Every release of the coordinator has
 * applied it; it creates what the release's per-engine SQL created (release-upgrade.spec.ts compares the two).
 */
import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../engines/engine-differences';
import { oneOf } from '../migration';

export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('federations')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', t.text, (c) => c.notNull().unique())
    .addColumn('status', t.text, (c) =>
      c.notNull().check(oneOf('status', ['CREATED', 'RUNNING', 'PAUSED', 'COMPLETED', 'CANCELLED', 'FAILED'])),
    )
    .addColumn('config_json', t.json, (c) => c.notNull())
    .addColumn('created_at', t.bigInteger, (c) => c.notNull())
    .addColumn('started_at', t.bigInteger)
    .addColumn('ended_at', t.bigInteger)
    .addColumn('status_reason', t.text)
    .execute();

  await db.schema
    .createTable('sites')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', t.text, (c) => c.notNull().unique())
    .addColumn('status', t.text, (c) => c.notNull().check(oneOf('status', ['ACTIVE', 'REVOKED'])))
    .addColumn('token_sha256', t.text, (c) => c.notNull().unique())
    .addColumn('created_at', t.bigInteger, (c) => c.notNull())
    .addColumn('revoked_at', t.bigInteger)
    .addColumn('last_seen_at', t.bigInteger)
    .execute();

  await db.schema
    .createTable('model_versions')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('federation_id', t.id, (c) => c.notNull().references('federations.id'))
    .addColumn('round_index', t.integer, (c) => c.notNull())
    .addColumn('sha256', t.text, (c) => c.notNull())
    .addColumn('size_bytes', t.bigInteger, (c) => c.notNull())
    .addColumn('file', t.text, (c) => c.notNull())
    .addColumn('metrics_json', t.json, (c) => c.notNull())
    .addColumn('created_at', t.bigInteger, (c) => c.notNull())
    .addUniqueConstraint('model_versions_federation_id_round_index_key', ['federation_id', 'round_index'])
    .execute();

  await db.schema
    .createTable('rounds')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('federation_id', t.id, (c) => c.notNull().references('federations.id'))
    .addColumn('round_index', t.integer, (c) => c.notNull())
    .addColumn('status', t.text, (c) =>
      c.notNull().check(oneOf('status', ['OPEN', 'AGGREGATING', 'COMPLETED', 'FAILED', 'CANCELLED'])),
    )
    .addColumn('base_model_version_id', t.id, (c) => c.notNull().references('model_versions.id'))
    .addColumn('result_model_version_id', t.id, (c) => c.references('model_versions.id'))
    .addColumn('started_at', t.bigInteger, (c) => c.notNull())
    .addColumn('deadline_at', t.bigInteger, (c) => c.notNull())
    .addColumn('closed_at', t.bigInteger)
    .addColumn('ended_at', t.bigInteger)
    .addColumn('metrics_json', t.json, (c) => c.notNull())
    .addColumn('aggregation_json', t.json, (c) => c.notNull())
    .addColumn('failure_reason', t.text)
    .addUniqueConstraint('rounds_federation_id_round_index_key', ['federation_id', 'round_index'])
    .execute();

  await db.schema
    .createTable('participations')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('round_id', t.id, (c) => c.notNull().references('rounds.id'))
    .addColumn('federation_id', t.id, (c) => c.notNull().references('federations.id'))
    .addColumn('site_id', t.id, (c) => c.notNull().references('sites.id'))
    .addColumn('status', t.text, (c) =>
      c.notNull().check(oneOf('status', ['ASSIGNED', 'ACCEPTED', 'REJECTED', 'FAILED', 'DROPPED'])),
    )
    .addColumn('assigned_at', t.bigInteger, (c) => c.notNull())
    .addColumn('updated_at', t.bigInteger, (c) => c.notNull())
    .addColumn('num_samples', t.bigInteger)
    .addColumn('metrics_json', t.json, (c) => c.notNull())
    .addColumn('rejection_reason', t.text)
    .addColumn('bytes_received', t.bigInteger, (c) => c.notNull().defaultTo(0))
    .addColumn('update_sha256', t.text)
    .addColumn('update_file', t.text)
    .addUniqueConstraint('participations_round_id_site_id_key', ['round_id', 'site_id'])
    .execute();

  await db.schema.createIndex('participations_site').on('participations').columns(['site_id', 'status']).execute();
  await db.schema.createIndex('rounds_federation_status').on('rounds').columns(['federation_id', 'status']).execute();
  await db.schema.createIndex('federations_status').on('federations').column('status').execute();
}
