/**
 * Migration 4: a federation names its member sites; only members get its tasks and download its models. The
 * membership audit (`federation_member_events`) records every ADD and REMOVE with its time and reason, append-only.
 *
 * A database from before this step has federations without members: each one's members become the sites that have
 * already taken part in it (so a running federation carries on with the same hospitals), recorded as ADD events.
 * A federation nobody has taken part in yet gets none: the administrator adds its sites with addFederationSite.
 */
import { type Kysely, sql } from 'kysely';
import type { ColumnTypes } from '../engines/engine-differences';
import { oneOf } from '../migration';

export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('federation_members')
    .addColumn('federation_id', t.id, (c) => c.notNull().references('federations.id'))
    .addColumn('site_id', t.id, (c) => c.notNull().references('sites.id'))
    .addColumn('added_at', t.bigInteger, (c) => c.notNull())
    .addPrimaryKeyConstraint('federation_members_pk', ['federation_id', 'site_id'])
    .execute();
  await db.schema.createIndex('federation_members_site').on('federation_members').column('site_id').execute();

  await db.schema
    .createTable('federation_member_events')
    .addColumn('seq', ...t.serialId)
    .addColumn('at', t.bigInteger, (c) => c.notNull())
    .addColumn('federation_id', t.id, (c) => c.notNull().references('federations.id'))
    .addColumn('site_id', t.id, (c) => c.notNull().references('sites.id'))
    .addColumn('action', t.text, (c) => c.notNull().check(oneOf('action', ['ADD', 'REMOVE'])))
    .addColumn('reason', t.text, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('federation_member_events_federation')
    .on('federation_member_events')
    .columns(['federation_id', 'seq'])
    .execute();

  const took = sql`SELECT federation_id, site_id, MIN(assigned_at) AS first_at FROM participations
    GROUP BY federation_id, site_id`;
  await sql`INSERT INTO federation_members (federation_id, site_id, added_at)
    SELECT federation_id, site_id, first_at FROM (${took}) AS took`.execute(db);
  await sql`INSERT INTO federation_member_events (at, federation_id, site_id, action, reason)
    SELECT first_at, federation_id, site_id, 'ADD', 'took part before federations named their members'
    FROM (${took}) AS took ORDER BY first_at, federation_id, site_id`.execute(db);
}
