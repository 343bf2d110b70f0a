import type { Kysely, Transaction, UpdateResult } from 'kysely';
import { FEDERATION_ACTIONS } from '@fedstroke/federation';
import type { DatabaseHandle } from '../database-handle';
import { takesRowLocks } from '../engines/engine-differences';
import { modelVersionRow, roundRow, rowOrNull, toFederation, toRound } from '../record-rows';
import type { FederationRecord, Page, PageRequest, RoundRecord } from '../records';
import { type RoundCompletion, RoundRepository, type RoundOutcome } from '../repositories';
import type { CoreTables } from '../tables';
import { pageOf } from './page-of';

const UNFINISHED = ['OPEN', 'AGGREGATING'] as const;

export class SqlRoundRepository extends RoundRepository {
  private readonly db: Kysely<CoreTables>;
  private readonly rowLocks: boolean;

  constructor(handle: DatabaseHandle) {
    super();
    this.db = handle.db;
    this.rowLocks = takesRowLocks(handle.engine);
  }

  async get(id: string): Promise<RoundRecord | null> {
    const row = await this.db.selectFrom('rounds').selectAll().where('id', '=', id).executeTakeFirst();
    return rowOrNull(row, toRound);
  }

  async latest(federationId: string): Promise<RoundRecord | null> {
    const row = await this.db
      .selectFrom('rounds')
      .selectAll()
      .where('federation_id', '=', federationId)
      .orderBy('round_index', 'desc')
      .limit(1)
      .executeTakeFirst();
    return rowOrNull(row, toRound);
  }

  async list(federationId: string, request: PageRequest): Promise<Page<RoundRecord>> {
    return pageOf(
      this.db.selectFrom('rounds').where('federation_id', '=', federationId),
      request,
      (q) => q.selectAll().orderBy('round_index'),
      toRound,
    );
  }

  async open(round: RoundRecord): Promise<void> {
    await this.db.insertInto('rounds').values(roundRow(round)).execute();
  }

  async close(roundId: string, at: number, dropReason: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // On PostgreSQL the row lock this UPDATE takes makes a concurrent assign or accept (which lock the round
      // first) wait for the commit and then see AGGREGATING, as SQLite's single writer guarantees.
      const closed = await trx
        .updateTable('rounds')
        .set({ status: 'AGGREGATING', closed_at: at })
        .where('id', '=', roundId)
        .where('status', '=', 'OPEN')
        .executeTakeFirst();
      if (!changedOne(closed)) return false;
      await trx
        .updateTable('participations')
        .set({ status: 'DROPPED', rejection_reason: dropReason, updated_at: at })
        .where('round_id', '=', roundId)
        .where('status', '=', 'ASSIGNED')
        .execute();
      return true;
    });
  }

  async setDeadline(roundId: string, deadlineAt: number): Promise<void> {
    await this.db
      .updateTable('rounds')
      .set({ deadline_at: deadlineAt })
      .where('id', '=', roundId)
      .where('status', '=', 'OPEN')
      .execute();
  }

  async complete(outcome: RoundCompletion): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('model_versions').values(modelVersionRow(outcome.modelVersion)).execute();
      const ended = await trx
        .updateTable('rounds')
        .set({
          status: 'COMPLETED',
          result_model_version_id: outcome.modelVersion.id,
          ended_at: outcome.at,
          metrics_json: JSON.stringify(outcome.metrics),
          aggregation_json: JSON.stringify(outcome.aggregation),
        })
        .where('id', '=', outcome.roundId)
        .where('status', '=', 'AGGREGATING')
        .executeTakeFirst();
      mustHaveEnded(ended, outcome.roundId);
      await openNextOrFinish(trx, outcome);
    });
  }

  async fail(outcome: RoundOutcome & { reason: string }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const ended = await trx
        .updateTable('rounds')
        .set({ status: 'FAILED', ended_at: outcome.at, failure_reason: outcome.reason })
        .where('id', '=', outcome.roundId)
        .where('status', '=', 'AGGREGATING')
        .executeTakeFirst();
      mustHaveEnded(ended, outcome.roundId);
      await openNextOrFinish(trx, outcome);
    });
  }

  async cancelFederation(federationId: string, at: number, reason: string): Promise<FederationRecord | null> {
    return this.db.transaction().execute(async (trx) => {
      if (this.rowLocks) {
        // Locks are taken in the order every other transaction takes them (round, then federation, then
        // participations), so a cancel racing a round that completes waits for it instead of deadlocking.
        await trx
          .selectFrom('rounds')
          .select('id')
          .where('federation_id', '=', federationId)
          .where('status', 'in', UNFINISHED)
          .orderBy('round_index')
          .forUpdate()
          .execute();
      }
      const cancelled = await trx
        .updateTable('federations')
        .set({ status: FEDERATION_ACTIONS.cancel.to, ended_at: at, status_reason: reason })
        .where('id', '=', federationId)
        .where('status', 'in', FEDERATION_ACTIONS.cancel.from)
        .returningAll()
        .executeTakeFirst();
      if (cancelled === undefined) return null;
      await trx
        .updateTable('participations')
        .set({ status: 'DROPPED', rejection_reason: `federation cancelled: ${reason}`, updated_at: at })
        .where('status', '=', 'ASSIGNED')
        .where('round_id', 'in', (eb) =>
          eb
            .selectFrom('rounds')
            .select('id')
            .where('federation_id', '=', federationId)
            .where('status', 'in', UNFINISHED),
        )
        .execute();
      await trx
        .updateTable('rounds')
        .set({ status: 'CANCELLED', ended_at: at, failure_reason: reason })
        .where('federation_id', '=', federationId)
        .where('status', 'in', UNFINISHED)
        .execute();
      return toFederation(cancelled);
    });
  }
}

function changedOne(result: UpdateResult): boolean {
  return result.numUpdatedRows === 1n;
}

/** Inside the caller's transaction: throws (rolling it back) if the round was not AGGREGATING. */
function mustHaveEnded(result: UpdateResult, roundId: string): void {
  if (!changedOne(result)) throw new Error(`round ${roundId} is not AGGREGATING; it was ended by someone else`);
}

async function openNextOrFinish(trx: Transaction<CoreTables>, outcome: RoundOutcome): Promise<void> {
  if (outcome.next) {
    await trx.insertInto('rounds').values(roundRow(outcome.next)).execute();
    return;
  }
  await trx
    .updateTable('federations')
    .set({
      status: outcome.endStatus ?? 'COMPLETED',
      ended_at: outcome.at,
      ...(outcome.finishReason && { status_reason: outcome.finishReason }),
    })
    .where('id', '=', (eb) => eb.selectFrom('rounds').select('federation_id').where('id', '=', outcome.roundId))
    .where('status', 'in', ['RUNNING', 'PAUSED'])
    .execute();
}
