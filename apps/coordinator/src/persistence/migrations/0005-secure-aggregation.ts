/**
 * Migration 5: secure aggregation's round state and the messages the coordinator relays (public keys, sealed
 * shares, unmasking answers), so that a restarted coordinator resumes a round mid-step. Nothing here can unmask
 * one site's update: no private key and no unsealed share ever reaches the coordinator.
 */
import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../engines/engine-differences';
import { oneOf } from '../migration';

export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('secagg_rounds')
    .addColumn('round_id', t.id, (c) => c.primaryKey().references('rounds.id'))
    .addColumn('federation_id', t.id, (c) => c.notNull().references('federations.id'))
    .addColumn('step', t.text, (c) =>
      c.notNull().check(oneOf('step', ['ADVERTISE', 'SHARE', 'MASK', 'UNMASK', 'UNMASKED', 'FAILED'])),
    )
    .addColumn('step_deadline_at', t.bigInteger)
    .addColumn('params_json', t.json, (c) => c.notNull())
    .addColumn('roster_json', t.json)
    .addColumn('shared_keys_json', t.json)
    .addColumn('survivors_json', t.json)
    .addColumn('failure_reason', t.text)
    .addColumn('updated_at', t.bigInteger, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('secagg_messages')
    .addColumn('round_id', t.id, (c) => c.notNull().references('rounds.id'))
    .addColumn('site_id', t.id, (c) => c.notNull().references('sites.id'))
    .addColumn('kind', t.text, (c) => c.notNull().check(oneOf('kind', ['ADVERTISEMENT', 'SHARES', 'UNMASK'])))
    .addColumn('payload_json', t.json, (c) => c.notNull())
    .addColumn('created_at', t.bigInteger, (c) => c.notNull())
    .addPrimaryKeyConstraint('secagg_messages_pkey', ['round_id', 'site_id', 'kind'])
    .execute();
}
