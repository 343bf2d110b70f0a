/**
 * Migration 3: the serving audit — every decision about which model inference serves (PROMOTE, WITHDRAW, the
 * policy's DECLINE), who made it, when, for which model version (id and sha256) and why. Append-only; `seq` orders it.
 */
import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../engines/engine-differences';
import { oneOf } from '../migration';

export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('serving_events')
    .addColumn('seq', ...t.serialId)
    .addColumn('id', t.id, (c) => c.notNull().unique())
    .addColumn('at', t.bigInteger, (c) => c.notNull())
    .addColumn('action', t.text, (c) => c.notNull().check(oneOf('action', ['PROMOTE', 'WITHDRAW', 'DECLINE'])))
    .addColumn('actor', t.text, (c) => c.notNull().check(oneOf('actor', ['ADMIN', 'POLICY'])))
    .addColumn('actor_name', t.text)
    .addColumn('token_fingerprint', t.text)
    .addColumn('model_version_id', t.id, (c) => c.references('model_versions.id'))
    .addColumn('model_sha256', t.text)
    .addColumn('federation_id', t.id, (c) => c.references('federations.id'))
    .addColumn('reason', t.text, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('serving_events_version')
    .on('serving_events')
    .columns(['model_version_id', 'seq'])
    .execute();
  await db.schema.createIndex('serving_events_federation').on('serving_events').column('federation_id').execute();
}
