import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../database-handle';
import { takesRowLocks } from '../engines/engine-differences';
import { participationRow, rowOrNull, toParticipation, toParticipationCounts } from '../record-rows';
import {
  newAssignment,
  type Page,
  type PageRequest,
  type ParticipationRecord,
  type ParticipationStatus,
} from '../records';
import { type ParticipationCounts, ParticipationRepository, type UpdateReceipt } from '../repositories';
import type { CoreTables } from '../tables';
import { pageOf } from './page-of';

/**
 * Every method that depends on the round being OPEN reads the round first in the same transaction. On PostgreSQL,
 * which runs these concurrently under READ COMMITTED, that read locks the round row (assign exclusively, so two
 * sites cannot both take the last seat; accept shared, so a close waits for it or it sees the close), which gives
 * the outcomes of SQLite's serial order.
 */
export class SqlParticipationRepository extends ParticipationRepository {
  private readonly db: Kysely<CoreTables>;
  private readonly rowLocks: boolean;

  constructor(handle: DatabaseHandle) {
    super();
    this.db = handle.db;
    this.rowLocks = takesRowLocks(handle.engine);
  }

  async get(id: string): Promise<ParticipationRecord | null> {
    const row = await this.db.selectFrom('participations').selectAll().where('id', '=', id).executeTakeFirst();
    return rowOrNull(row, toParticipation);
  }

  async find(roundId: string, siteId: string): Promise<ParticipationRecord | null> {
    const row = await this.db
      .selectFrom('participations')
      .selectAll()
      .where('round_id', '=', roundId)
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    return rowOrNull(row, toParticipation);
  }

  async list(roundId: string, request: PageRequest): Promise<Page<ParticipationRecord>> {
    return pageOf(
      this.db.selectFrom('participations').where('round_id', '=', roundId),
      request,
      (q) => q.selectAll().orderBy('assigned_at').orderBy('id'),
      toParticipation,
    );
  }

  async listByStatus(roundId: string, status: ParticipationStatus): Promise<ParticipationRecord[]> {
    const rows = await this.db
      .selectFrom('participations')
      .selectAll()
      .where('round_id', '=', roundId)
      .where('status', '=', status)
      .orderBy('assigned_at')
      .orderBy('id')
      .execute();
    return rows.map(toParticipation);
  }

  async counts(roundId: string): Promise<ParticipationCounts> {
    const rows = await this.db
      .selectFrom('participations')
      .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
      .where('round_id', '=', roundId)
      .groupBy('status')
      .execute();
    return toParticipationCounts(rows);
  }

  async findOpenAssignment(siteId: string): Promise<ParticipationRecord | null> {
    const row = await this.db
      .selectFrom('participations as p')
      .innerJoin('rounds as r', 'r.id', 'p.round_id')
      .selectAll('p')
      .where('p.site_id', '=', siteId)
      .where('p.status', '=', 'ASSIGNED')
      .where('r.status', '=', 'OPEN')
      .orderBy('p.assigned_at')
      .limit(1)
      .executeTakeFirst();
    return rowOrNull(row, toParticipation);
  }

  async listOfSite(
    siteId: string,
    statuses: readonly ParticipationStatus[],
    request: PageRequest,
  ): Promise<Page<ParticipationRecord>> {
    if (statuses.length === 0) return { items: [], totalCount: 0 };
    return pageOf(
      this.db
        .selectFrom('participations')
        .where('site_id', '=', siteId)
        .where('status', 'in', [...statuses]),
      request,
      (q) => q.selectAll().orderBy('updated_at', 'desc').orderBy('id', 'desc'),
      toParticipation,
    );
  }

  async assign(participation: ParticipationRecord, maxParticipants: number): Promise<ParticipationRecord | null> {
    const assigned = newAssignment(participation);
    return this.db.transaction().execute(async (trx) => {
      const round = await trx
        .selectFrom('rounds')
        .select('status')
        .where('id', '=', participation.roundId)
        .$if(this.rowLocks, (q) => q.forUpdate())
        .executeTakeFirst();
      if (round?.status !== 'OPEN') return null;
      // Read after the round lock: a revocation or a removal from the federation that took the lock first is seen.
      const eligible = await trx
        .selectFrom('sites as s')
        .innerJoin('federation_members as m', 'm.site_id', 's.id')
        .select('s.id')
        .where('s.id', '=', participation.siteId)
        .where('s.status', '=', 'ACTIVE')
        .where('m.federation_id', '=', participation.federationId)
        .executeTakeFirst();
      if (!eligible) return null;
      const taken = await trx
        .selectFrom('participations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('round_id', '=', participation.roundId)
        .executeTakeFirstOrThrow();
      if (taken.n >= maxParticipants) return null;
      // Nothing on any unique conflict: the site already has a seat in this round (or the id is taken).
      const inserted = await trx
        .insertInto('participations')
        .values(participationRow(assigned))
        .onConflict((conflict) => conflict.doNothing())
        .executeTakeFirst();
      return inserted.numInsertedOrUpdatedRows === 1n ? assigned : null;
    });
  }

  async accept(id: string, at: number, receipt: UpdateReceipt & { updateFile: string }): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const round = await trx
        .selectFrom('rounds')
        .select('status')
        .where('id', '=', (eb) => eb.selectFrom('participations').select('round_id').where('id', '=', id))
        .$if(this.rowLocks, (q) => q.forShare())
        .executeTakeFirst();
      if (round?.status !== 'OPEN') return false;
      const accepted = await trx
        .updateTable('participations')
        .set({
          status: 'ACCEPTED',
          updated_at: at,
          num_samples: receipt.numSamples,
          metrics_json: JSON.stringify(receipt.metrics),
          bytes_received: receipt.bytesReceived,
          update_sha256: receipt.updateSha256,
          update_file: receipt.updateFile,
          rejection_reason: null,
        })
        .where('id', '=', id)
        .where('status', '=', 'ASSIGNED')
        .executeTakeFirst();
      return accepted.numUpdatedRows === 1n;
    });
  }

  exclude(id: string, at: number, reason: string): Promise<boolean> {
    return this.endWithReason(id, 'ACCEPTED', 'REJECTED', reason, at);
  }

  async reject(id: string, at: number, reason: string, receipt: Partial<UpdateReceipt>): Promise<void> {
    // A terminal participation keeps its status, and every participation keeps its first reason: a later refusal
    // (a repeated or late upload) must not hide why it was refused; the caller logs the later ones. What the receipt
    // leaves out (undefined, which Kysely omits from the SET) keeps its stored value.
    await this.db
      .updateTable('participations')
      .set((eb) => ({
        status: eb
          .case()
          .when('status', '=', 'ASSIGNED')
          .then('REJECTED' as ParticipationStatus)
          .else(eb.ref('status'))
          .end(),
        rejection_reason: eb.fn.coalesce('rejection_reason', eb.val(reason)),
        updated_at: at,
        num_samples: receipt.numSamples ?? undefined,
        metrics_json: receipt.metrics ? JSON.stringify(receipt.metrics) : undefined,
        bytes_received: eb('bytes_received', '+', receipt.bytesReceived ?? 0),
        update_sha256: receipt.updateSha256 ?? undefined,
      }))
      .where('id', '=', id)
      .where('status', '<>', 'ACCEPTED')
      .execute();
  }

  fail(id: string, at: number, reason: string): Promise<boolean> {
    return this.endWithReason(id, 'ASSIGNED', 'FAILED', reason, at);
  }

  /** `from` → `to` with its reason, in one conditional UPDATE; false when the participation is not in `from`. */
  private async endWithReason(
    id: string,
    from: ParticipationStatus,
    to: ParticipationStatus,
    reason: string,
    at: number,
  ): Promise<boolean> {
    const moved = await this.db
      .updateTable('participations')
      .set({ status: to, rejection_reason: reason, updated_at: at })
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirst();
    return moved.numUpdatedRows === 1n;
  }
}
