import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../database-handle';
import { federationRow, membershipEventRow, modelVersionRow, rowOrNull, toFederation } from '../record-rows';
import type { FederationRecord, FederationStatus, ModelVersionRecord, Page, PageRequest } from '../records';
import { FederationRepository, type MembershipChange } from '../repositories';
import type { CoreTables } from '../tables';
import { pageOf } from './page-of';

export class SqlFederationRepository extends FederationRepository {
  private readonly db: Kysely<CoreTables>;

  constructor(handle: DatabaseHandle) {
    super();
    this.db = handle.db;
  }

  async create(
    federation: FederationRecord,
    initialModel: ModelVersionRecord,
    members: { siteIds: readonly string[] } & MembershipChange,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('federations').values(federationRow(federation)).execute();
      await trx.insertInto('model_versions').values(modelVersionRow(initialModel)).execute();
      if (members.siteIds.length === 0) return;
      const { at, reason } = members;
      await trx
        .insertInto('federation_members')
        .values(members.siteIds.map((siteId) => ({ federation_id: federation.id, site_id: siteId, added_at: at })))
        .execute();
      await trx
        .insertInto('federation_member_events')
        .values(
          members.siteIds.map((siteId) =>
            membershipEventRow({ at, reason, federationId: federation.id, siteId, action: 'ADD' }),
          ),
        )
        .execute();
    });
  }

  async get(id: string): Promise<FederationRecord | null> {
    const row = await this.db.selectFrom('federations').selectAll().where('id', '=', id).executeTakeFirst();
    return rowOrNull(row, toFederation);
  }

  async getByName(name: string): Promise<FederationRecord | null> {
    const row = await this.db.selectFrom('federations').selectAll().where('name', '=', name).executeTakeFirst();
    return rowOrNull(row, toFederation);
  }

  async list(request: PageRequest, status?: FederationStatus): Promise<Page<FederationRecord>> {
    return pageOf(
      this.db
        .selectFrom('federations')
        .$if(status !== undefined, (q) => q.where('status', '=', status as FederationStatus)),
      request,
      (q) => q.selectAll().orderBy('created_at').orderBy('id'),
      toFederation,
    );
  }

  async listByStatus(status: FederationStatus): Promise<FederationRecord[]> {
    const rows = await this.db
      .selectFrom('federations')
      .selectAll()
      .where('status', '=', status)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toFederation);
  }

  async transition(
    id: string,
    from: readonly FederationStatus[],
    to: FederationStatus,
    changes: { startedAt?: number; endedAt?: number; statusReason?: string | null },
  ): Promise<FederationRecord | null> {
    if (from.length === 0) return null;
    // Conditional on the current status and returning the new row in the same statement: no window between them.
    // Kysely leaves out the columns whose value is undefined, so an absent change keeps the stored value.
    const row = await this.db
      .updateTable('federations')
      .set({
        status: to,
        started_at: changes.startedAt,
        ended_at: changes.endedAt,
        status_reason: changes.statusReason,
      })
      .where('id', '=', id)
      .where('status', 'in', from)
      .returningAll()
      .executeTakeFirst();
    return rowOrNull(row, toFederation);
  }
}
