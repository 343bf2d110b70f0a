import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../database-handle';
import { takesRowLocks } from '../engines/engine-differences';
import { membershipEventRow, toMembershipEvent, toSite } from '../record-rows';
import type { FederationMemberRecord, MembershipEventRecord, ParticipationRecord } from '../records';
import { FederationMemberRepository, type MembershipChange } from '../repositories';
import type { CoreTables } from '../tables';
import { dropOpenAssignments } from './open-assignments';

export class SqlFederationMemberRepository extends FederationMemberRepository {
  private readonly db: Kysely<CoreTables>;
  private readonly rowLocks: boolean;

  constructor(handle: DatabaseHandle) {
    super();
    this.db = handle.db;
    this.rowLocks = takesRowLocks(handle.engine);
  }

  async list(federationId: string): Promise<FederationMemberRecord[]> {
    const rows = await this.db
      .selectFrom('federation_members as m')
      .innerJoin('sites as s', 's.id', 'm.site_id')
      .selectAll('s')
      .select(['m.federation_id', 'm.added_at'])
      .where('m.federation_id', '=', federationId)
      .orderBy('m.added_at')
      .orderBy('s.name')
      .execute();
    return rows.map((row) => ({ federationId: row.federation_id, addedAt: row.added_at, site: toSite(row) }));
  }

  async isMember(federationId: string, siteId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('federation_members')
      .select('site_id')
      .where('federation_id', '=', federationId)
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async federationsOf(siteId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('federation_members')
      .select('federation_id')
      .where('site_id', '=', siteId)
      .execute();
    return rows.map((row) => row.federation_id);
  }

  async add(federationId: string, siteId: string, change: MembershipChange): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('federation_members')
        .values({ federation_id: federationId, site_id: siteId, added_at: change.at })
        .onConflict((conflict) => conflict.doNothing())
        .executeTakeFirst();
      if (inserted.numInsertedOrUpdatedRows !== 1n) return false;
      await trx
        .insertInto('federation_member_events')
        .values(membershipEventRow({ ...change, federationId, siteId, action: 'ADD' }))
        .execute();
      return true;
    });
  }

  async remove(
    federationId: string,
    siteId: string,
    change: MembershipChange,
    dropReason: string,
  ): Promise<ParticipationRecord[] | null> {
    return this.db
      .transaction()
      .execute(async (trx) => {
        // Locks the federation's open round before the membership goes, for the order `assign` relies on.
        const dropped = await dropOpenAssignments(trx, this.rowLocks, { siteId, federationId }, change.at, dropReason);
        const deleted = await trx
          .deleteFrom('federation_members')
          .where('federation_id', '=', federationId)
          .where('site_id', '=', siteId)
          .executeTakeFirst();
        if (deleted.numDeletedRows !== 1n) {
          // Not a member: it held no seat either (assign requires membership), so nothing was dropped; undo anyway.
          throw new NotAMember();
        }
        await trx
          .insertInto('federation_member_events')
          .values(membershipEventRow({ ...change, federationId, siteId, action: 'REMOVE' }))
          .execute();
        return dropped;
      })
      .catch((error: unknown) => {
        if (error instanceof NotAMember) return null;
        throw error;
      });
  }

  async events(federationId: string): Promise<MembershipEventRecord[]> {
    const rows = await this.db
      .selectFrom('federation_member_events')
      .selectAll()
      .where('federation_id', '=', federationId)
      .orderBy('seq')
      .execute();
    return rows.map(toMembershipEvent);
  }

  async countUnseated(federationId: string, roundId: string): Promise<number> {
    const row = await this.db
      .selectFrom('federation_members as m')
      .innerJoin('sites as s', 's.id', 'm.site_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('m.federation_id', '=', federationId)
      .where('s.status', '=', 'ACTIVE')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('participations as p')
              .select('p.id')
              .where('p.round_id', '=', roundId)
              .whereRef('p.site_id', '=', 'm.site_id'),
          ),
        ),
      )
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

/** Rolls back a removal of a site that was not a member. */
class NotAMember extends Error {}
