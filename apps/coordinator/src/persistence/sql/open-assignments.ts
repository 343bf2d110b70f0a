import type { Transaction } from 'kysely';
import { toParticipation } from '../record-rows';
import type { ParticipationRecord } from '../records';
import type { CoreTables } from '../tables';

/**
 * Drops a site's ASSIGNED participations in OPEN rounds (of one federation, or of all), inside the caller's
 * transaction, and returns them: a revoked site or a removed member no longer holds a seat the round waits for.
 *
 * The open rounds are locked first (on PostgreSQL), as `assign` locks its round before it checks the site and its
 * membership: an assign that got there first commits before this reads the participations, so its seat is dropped
 * too; one that comes after finds the site revoked or no longer a member.
 */
export async function dropOpenAssignments(
  trx: Transaction<CoreTables>,
  rowLocks: boolean,
  target: { siteId: string; federationId?: string },
  at: number,
  reason: string,
): Promise<ParticipationRecord[]> {
  const open = await trx
    .selectFrom('rounds')
    .select('id')
    .where('status', '=', 'OPEN')
    .$if(target.federationId !== undefined, (q) => q.where('federation_id', '=', target.federationId as string))
    .$if(rowLocks, (q) => q.forUpdate())
    .execute();
  if (open.length === 0) return [];
  const rows = await trx
    .updateTable('participations')
    .set({ status: 'DROPPED', rejection_reason: reason, updated_at: at })
    .where('site_id', '=', target.siteId)
    .where('status', '=', 'ASSIGNED')
    .where(
      'round_id',
      'in',
      open.map((round) => round.id),
    )
    .returningAll()
    .execute();
  return rows.map(toParticipation);
}
