/**
 * Migration 6: a round stores the configuration its strategy gave it when it opened (Strategy.configureRound: local
 * steps, learning rate, FedProx μ, the privacy record with its noise seed), and sites train with what is stored.
 *
 * Rounds stored before this step keep NULL: their configuration is derived from the federation's (unchanging) config
 * when it is read (roundConfigOf in orchestration/strategy-config.ts), exactly as the coordinator of that time
 * computed it for their sites. Deriving it here would tie this step to today's strategy code.
 */
import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../engines/engine-differences';

export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema.alterTable('rounds').addColumn('config_json', t.json).execute();
}
